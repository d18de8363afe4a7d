"""The API's routes, discovered from its own OpenAPI document, and a world of real objects to point them at.

Shared by the isolation test (test_tenancy), the authorization matrix and the fuzzing: a new route shows up in
all three by itself, and each fails until this module knows how to make what the route's path names.
"""

import re
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
import pytest

from tests.factories import OrgContext, new_organisation, unique_name
from tests.mailbox import Mailbox
from tests.people_factories import create_person, request_link, unique_email
from tests.report_factories import Population, survey_with_responses
from tests.survey_factories import builtin_questionnaire, create_questionnaire, create_survey, questionnaire_body

PARAM = re.compile(r"{(\w+)}")
TOKEN_ROUTES = re.compile(r"^/api/v1/respond(/|$)")  # authorised by an invitation token, not a key
TREE = {"Inside": {"Below": {}}, "Outside": {}}  # a unit-scoped key gets "Inside"; "Outside" is beyond its reach
# Params whose object lives in a unit: they follow the world's unit (inside or outside a scoped key's subtree).
UNIT_BOUND = {"unit_id", "self_assessment_id", "action_id"}
# Operations that move a survey from one state to another need a survey in the state they start from.
SURVEY_STATE_FOR = {"open_survey": "draft", "close_survey": "open", "reopen_survey": "closed",
                    "mail_invitations": "open", "check_mail_invitations": "open", "send_invitation_reminders": "open"}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    operation_id: str
    operation: dict[str, Any]

    @property
    def params(self) -> list[str]:
        return PARAM.findall(self.path)

    @property
    def by_token(self) -> bool:
        return bool(TOKEN_ROUTES.match(self.path))

    @property
    def changes_its_object(self) -> bool:
        """A write aimed at the object its last path id names: it gets a throwaway object of its own."""
        last = self.params[-1] if self.params else None
        return (self.method != "GET" and last not in (None, "organisation_id")
                and (self.path.endswith("}") or self.operation_id in SURVEY_STATE_FOR))

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


@cache
def openapi_document() -> dict[str, Any]:
    from app.main import create_app

    return create_app().openapi()


def routes(prefix: str = "") -> list[Route]:
    """Every operation of the app's OpenAPI document whose path starts with `prefix`."""
    return [Route(method.upper(), path, operation["operationId"], operation)
            for path, operations in openapi_document()["paths"].items() if path.startswith(prefix)
            for method, operation in sorted(operations.items())]


class World:
    """One organisation with a small unit tree and one object of each kind the path parameters name, made lazily
    through the API by the organisation's admin. `unit` is the unit that unit-bound objects live in."""

    def __init__(self, ctx: OrgContext, platform: httpx.Client | None = None, unit: str = "Inside",
                 shared: "World | None" = None, mailbox: "Mailbox | None" = None):
        self.ctx = ctx
        self.platform = platform
        self.unit = unit
        self.mailbox = shared.mailbox if shared else mailbox
        self._shared: dict[str, str] = shared._shared if shared else {}
        self._own: dict[str, str] = {}
        self._units: dict[str, str] = shared._units if shared else {}
        self._tokens: list[str] = shared._tokens if shared else []

    def build(self) -> "World":
        """Make the main objects now: a write under test (replacing the layers) must find them in place."""
        for param in ("survey_id", "self_assessment_id", "questionnaire_id"):
            self[param]
        return self

    def at(self, unit: str) -> "World":
        """The same organisation and objects, with unit-bound objects in another unit."""
        return World(self.ctx, self.platform, unit, shared=self)

    @property
    def units(self) -> dict[str, str]:
        if not self._units:
            self._units.update(self.ctx.tree(TREE))
        return self._units

    def __getitem__(self, param: str) -> str:
        cached = self._own if param in UNIT_BOUND else self._shared
        if param not in cached:
            cached[param] = self._maker(param)()
        return cached[param]

    def fresh(self, param: str, operation_id: str = "") -> str:
        """A new object for a write that changes or deletes it, so it can't disturb the world's own."""
        if param == "survey_id":
            return self.survey_in(SURVEY_STATE_FOR.get(operation_id, "draft"))
        return self._maker(param)()

    def path_for(self, route: Route, fresh: bool = True) -> str:
        target = route.params[-1] if fresh and route.changes_its_object else None
        return PARAM.sub(lambda m: self.fresh(m[1], route.operation_id) if m[1] == target else self[m[1]], route.path)

    def throwaway_organisation(self) -> str:
        """A new, empty organisation, for a platform admin to delete."""
        assert self.platform is not None, "a throwaway organisation needs the world's platform client"
        ctx = new_organisation(self.platform, self.ctx.base_url)
        ctx.close()
        return ctx.id

    def _maker(self, param: str) -> Any:
        maker = getattr(self, f"make_{param}", None)
        if maker is None:
            pytest.fail(f"tests/api_world.py has no way to make a `{param}`: add `make_{param}` to World")
        return maker

    def make_organisation_id(self) -> str:
        return self.ctx.id

    def make_unit_id(self) -> str:
        return self.ctx.unit(unique_name("Unit"), self.units[self.unit])

    def make_webhook_id(self) -> str:
        response = self.ctx.admin.post(f"{self.ctx.prefix}/webhooks", json=BODIES["create_webhook"](self, "")["json"])
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def make_person_id(self) -> str:
        return str(create_person(self.ctx, "leader", [self.units[self.unit]])["id"])

    def ensure_single_sign_on(self) -> None:
        """Give the organisation a single sign-on configuration (for the routes that read or delete it)."""
        response = self.ctx.admin.put(f"{self.ctx.prefix}/single-sign-on", json=BODIES["set_single_sign_on"](self, "")
                                      ["json"])
        assert response.status_code == 200, response.text

    def link_token(self) -> str:
        """An unused sign-in link's token, read from the mail the real SMTP server received."""
        assert self.mailbox is not None, "sign-in links need the world's mailbox"
        person = create_person(self.ctx, "analyst")
        with httpx.Client(base_url=self.ctx.base_url, timeout=30) as client:
            return request_link(client, self.mailbox, person["email"])

    def make_key_id(self) -> str:
        response = self.ctx.admin.post(f"{self.ctx.prefix}/keys", json={"name": "world", "role": "analyst"})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def make_questionnaire_id(self) -> str:
        created = create_questionnaire(self.ctx, key=f"world-{uuid.uuid4().hex[:8]}")
        self._shared[f"key:{created['id']}"] = created["key"]
        return str(created["id"])

    def questionnaire_key(self, questionnaire_id: str) -> str:
        return self._shared[f"key:{questionnaire_id}"]

    def make_survey_id(self) -> str:
        """The world's survey: the built-in questionnaire, answers in both units (enough for figures)."""
        groups: list[tuple[str, str, int, float | dict[str, float]]] = [
            ("Inside/Below", "employee", 6, 0.0), ("Inside", "team_leader", 5, 0.4),
            ("Outside", "employee", 6, -0.3)]
        self.units  # noqa: B018  (the tree first, so the import finds its units)
        return survey_with_responses(self.ctx, Population(groups), min_group_size=3).id

    def make_self_assessment_id(self) -> str:
        response = self.ctx.admin.post(f"{self.ctx.prefix}/surveys/{self['survey_id']}/self-assessments", json={
            "unit_id": self.units[self.unit], "layer_id": self.ctx.layers["team_leader"], "leader_name": "World",
            "consent": True, "language": "en", "current": {"openness_1": 4}})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def make_action_id(self) -> str:
        response = self.ctx.admin.post(f"{self.ctx.prefix}/surveys/{self['survey_id']}/actions", json={
            "unit_id": self.units[self.unit], "dimension_key": "openness", "title": "World"})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def make_comment_id(self) -> str:
        """A comment of the world's survey, stored straight into the database (a respondent's comment needs an
        open survey and a group large enough to read it back)."""
        from app.comments.models import Comment
        from app.db import get_sessionmaker

        comment_id = uuid.uuid4()
        with get_sessionmaker().begin() as session:
            session.add(Comment(id=comment_id, survey_id=uuid.UUID(self["survey_id"]), question_key="q",
                                unit_id=uuid.UUID(self.units["Inside"]), layer_id=None, text="World",
                                published=True))
        return str(comment_id)

    def survey_in(self, state: str) -> str:
        survey = create_survey(self.ctx, title=unique_name("Wave"))
        for step in {"draft": [], "open": ["open"], "closed": ["open", "close"]}[state]:
            response = self.ctx.admin.post(f"{self.ctx.prefix}/surveys/{survey['id']}/{step}")
            assert response.status_code == 200, response.text
        return str(survey["id"])

    def earlier_wave_id(self) -> str:
        """Another survey of the world's questionnaire, for the trend report."""
        if "earlier_wave" not in self._shared:
            self._shared["earlier_wave"] = self.survey_in("draft")
        return self._shared["earlier_wave"]

    def builtin_questionnaire_id(self) -> str:
        if "builtin" not in self._shared:
            self._shared["builtin"] = str(builtin_questionnaire(self.ctx)["id"])
        return self._shared["builtin"]

    def token(self) -> str:
        """An unused invitation token for an open survey of this world, in its unit."""
        if not self._tokens:
            if "open_survey" not in self._shared:
                self._shared["open_survey"] = self.survey_in("open")
            response = self.ctx.admin.post(
                f"{self.ctx.prefix}/surveys/{self._shared['open_survey']}/invitations",
                json={"unit_id": self.units["Inside"], "layer_id": self.ctx.layers["employee"], "count": 50})
            assert response.status_code == 201, response.text
            self._tokens.extend(i["token"] for i in response.json()["invitations"])
        return self._tokens.pop()


def _csv(text: str) -> dict[str, Any]:
    return {"files": {"file": ("data.csv", text.encode(), "text/csv")}}


def _answers() -> dict[str, Any]:
    return {"language": "en", "current": {"openness_1": 4}, "desired": {}}


# A valid request body for each operation that takes one, given its world and the path it will be sent to.
BODIES: dict[str, Any] = {
    "create_organisation": lambda w, p: {"json": {"name": unique_name()}},
    "update_organisation": lambda w, p: {"json": {"name": unique_name()}},
    "replace_layers": lambda w, p: {"json": {"layers": [{"key": "everyone", "names": {"en": "All", "nl": "Allen"}}]}},
    "create_unit": lambda w, p: {"json": {"name": unique_name("Unit"), "parent_id": w.units[w.unit]}},
    "update_unit": lambda w, p: {"json": {"name": unique_name("Unit")}},
    "import_units": lambda w, p: _csv(f"path\nImported/{unique_name('Unit')}\n"),
    "create_key": lambda w, p: {"json": {"name": "matrix", "role": "analyst"}},
    "create_questionnaire": lambda w, p: {"json": questionnaire_body(key=f"matrix-{uuid.uuid4().hex[:8]}")},
    "replace_questionnaire": lambda w, p: {"json": questionnaire_body(key=w.questionnaire_key(p.rsplit("/")[-1]))},
    "create_survey": lambda w, p: {"json": {"title": unique_name("Wave"),
                                            "questionnaire_id": w.builtin_questionnaire_id()}},
    "update_survey": lambda w, p: {"json": {"title": unique_name("Wave")}},
    "create_invitations": lambda w, p: {"json": {"unit_id": w.units[w.unit], "layer_id": w.ctx.layers["employee"],
                                                 "count": 1}},
    "import_invitations": lambda w, p: _csv(f"unit,layer,count\n{w.units[w.unit]},employee,1\n"),
    "mail_invitations": lambda w, p: _csv(f"email,unit,layer\n{unique_email('invited')},{w.units[w.unit]},employee\n"),
    "check_mail_invitations": lambda w, p: _csv(f"email,unit,layer\n{unique_email('checked')},{w.units[w.unit]},"
                                                "employee\n"),
    "import_responses": lambda w, p: _csv(f"unit,layer,openness_1\n{w.units[w.unit]},employee,4\n"),
    "create_self_assessment": lambda w, p: {"json": {
        "unit_id": w.units[w.unit], "layer_id": w.ctx.layers["team_leader"], "leader_name": "Matrix", "consent": True,
        "language": "en", "current": {"openness_1": 4}}},
    "create_action": lambda w, p: {"json": {"unit_id": w.units[w.unit], "dimension_key": "openness",
                                            "title": "Matrix"}},
    "update_action": lambda w, p: {"json": {"status": "in_progress"}},
    "set_comment_settings": lambda w, p: {"json": {"threshold": 10}},
    "hide_comment": lambda w, p: {"json": {"hidden": True}},
    "create_person": lambda w, p: {"json": {"email": unique_email("matrix"), "name": "Matrix", "role": "analyst"}},
    "update_person": lambda w, p: {"json": {"name": unique_name("Person")}},
    "import_people": lambda w, p: _csv(f"email,name,role\n{unique_email('imported')},Imported,analyst\n"),
    "set_single_sign_on": lambda w, p: {"json": {
        "issuer": "https://login.example.test/tenant/v2.0", "client_id": "culturegap", "client_secret": "s3cret",
        "allowed_domains": ["example.test"]}},
    "request_sign_in": lambda w, p: {"json": {"email": unique_email("nobody", "nowhere.test")}},
    "sign_in_with_link": lambda w, p: {"json": {"token": w.link_token()}},
    "create_webhook": lambda w, p: {"json": {"url": "http://127.0.0.1:9/matrix", "events": ["survey.opened"]}},
    "update_webhook": lambda w, p: {"json": {"description": unique_name("Hook")}},
    "save_draft": lambda w, p: {"json": _answers()},
    "submit_response": lambda w, p: {"json": _answers()},
}
# Values for query parameters that name objects (the rest keep their defaults).
QUERY_VALUES: dict[str, Any] = {
    "unit_id": lambda w: w.units[w.unit],
    "self_assessment_id": lambda w: w["self_assessment_id"],
    "surveys": lambda w: w.earlier_wave_id(),
}


def valid_request(world: World, route: Route, path: str) -> dict[str, Any]:
    """httpx keyword arguments for a request the route accepts from a caller allowed to make it."""
    kwargs: dict[str, Any] = {}
    if "requestBody" in route.operation:
        if route.operation_id not in BODIES:
            pytest.fail(f"{route}: no valid body known; add `{route.operation_id}` to BODIES in tests/api_world.py")
        kwargs.update(BODIES[route.operation_id](world, path))
    params = {}
    for parameter in route.operation.get("parameters", []):
        if parameter["in"] != "query":
            continue
        if parameter["name"] in QUERY_VALUES:
            params[parameter["name"]] = QUERY_VALUES[parameter["name"]](world)
        elif parameter.get("required"):
            pytest.fail(f"{route}: no value for query `{parameter['name']}`; add it to QUERY_VALUES")
    if params:
        kwargs["params"] = params
    return kwargs
