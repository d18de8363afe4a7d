"""The authorization matrix (OWASP API1 broken object-level and API5 function-level authorization): every route of
the OpenAPI document x every kind of caller x own/other organisation x own/other unit, checked against the written
table in docs/authorization.md.

Each caller sends a request the route accepts (a valid body, real ids; writes get a throwaway object), so "yes"
means it succeeded. A route missing from the table, or a row for a route that no longer exists, fails the test.
"""

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from app.sessions.service import COOKIE
from tests.api_world import Route, World, routes, valid_request
from tests.factories import OrgContext, new_organisation
from tests.mailbox import Mailbox
from tests.people_factories import SignedIn, person_session
from tests.respond_factories import db_execute

TABLE = Path(__file__).parent.parent / "docs" / "authorization.md"
# Table column -> the callers it stands for.
COLUMNS = {
    "platform admin": ["platform_admin"],
    "org admin": ["org_admin"],
    "analyst": ["analyst"],
    "unit analyst": ["unit_analyst"],
    "unit analyst, other unit": ["unit_analyst_elsewhere"],
    "another organisation's key": ["other_org_admin", "other_org_analyst"],
    "no, revoked or expired key": ["no_key", "revoked_key", "expired_key"],
    "survey token": ["survey_token"],
    "org admin, signed in": ["person_org_admin"],
    "analyst, signed in": ["person_analyst"],
    "leader or unit analyst, signed in": ["person_leader", "person_unit_analyst"],
    "the same, other unit": ["person_leader_elsewhere", "person_unit_analyst_elsewhere"],
    "another organisation's person": ["other_org_person_admin", "other_org_person_leader"],
    "signed-out browser": ["signed_out", "deactivated_person"],
}
# Operations that end the caller's own session(s): a person calls them with a session of a new person of the same
# role and units, so the caller's own session lives on for the other routes.
ENDS_SESSIONS = {"sign_out", "sign_out_everywhere"}
# Operations on the organisation's single sign-on settings, which must be there first.
NEEDS_SINGLE_SIGN_ON = {"get_single_sign_on", "delete_single_sign_on"}
OUTCOMES = {"yes", "401", "403", "404"}
# Where "yes" is a refusal for the organisation's state rather than the caller: its layers can't change once it
# has surveys (the world has); the world's survey has no outcome scale for the driver report (its own authorization
# test is in tests/reports/test_drivers_report.py, with a survey big enough).
ALLOWED_REFUSALS = {"replace_layers": {409}, "get_drivers": {422}}
ROW = re.compile(r"^\| `(\w+)` \| `(\w+) (\S+)` \|(.*)\|$")


def read_table() -> dict[tuple[str, str], dict[str, str]]:
    """(method, path) -> column -> outcome, from the markdown table."""
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    header = next(line for line in lines if line.startswith("| operation"))
    columns = [c.strip() for c in header.strip("|").split("|")][2:]
    assert columns == list(COLUMNS), f"{TABLE.name}: columns {columns}, expected {list(COLUMNS)}"
    table = {}
    for line in lines:
        if match := ROW.match(line):
            cells = [c.strip() for c in match[4].split("|")]
            for column, cell in zip(columns, cells, strict=True):
                parts = cell.split("/")
                assert set(parts) <= OUTCOMES and len(parts) in (1, len(COLUMNS[column])), f"{TABLE.name}: {line}"
            table[(match[2], match[3])] = dict(zip(columns, cells, strict=True))
    return table


def expected_of(cell: str, column: str, name: str) -> str:
    """A cell's outcome for one caller: a cell may split by caller (`yes/403`: leader yes, unit analyst 403), in
    the order of COLUMNS."""
    parts = cell.split("/")
    return parts[0] if len(parts) == 1 else parts[COLUMNS[column].index(name)]


ROUTES = routes()


def test_the_table_knows_every_route_and_only_those():
    table = read_table()
    documented = {(r.method, r.path) for r in ROUTES}
    missing = sorted(documented - set(table))
    stale = sorted(set(table) - documented)
    assert not missing, f"routes missing from {TABLE.name}: {missing}"
    assert not stale, f"rows in {TABLE.name} for routes that don't exist: {stale}"


@dataclass
class Caller:
    name: str
    world: World
    authorization: str | None = None
    person: "PersonCaller | None" = None

    def headers(self, route: Route) -> dict[str, str]:
        if self.name == "survey_token":
            return {"X-Survey-Token": self.world.token()} if route.by_token else {}
        if self.person is not None:
            person = self.person
            signed_in = person.fresh() if route.operation_id in ENDS_SESSIONS and not person.ended else person.signed_in
            assert signed_in is not None
            return {"Cookie": f"{COOKIE}={signed_in.cookie}", "X-CSRF-Token": signed_in.csrf}
        return {"Authorization": self.authorization} if self.authorization else {}


@dataclass
class PersonCaller:
    """A person signed in by e-mailed link (through the real SMTP server), and how to make another like them."""

    ctx: OrgContext
    mailbox: Mailbox
    role: str
    unit_ids: list[str]
    signed_in: SignedIn | None = None
    ended: bool = False  # signed out or deactivated: keeps using its dead session

    def __post_init__(self) -> None:
        self.signed_in = self.fresh()

    def fresh(self) -> SignedIn:
        signed_in = person_session(self.ctx, self.mailbox, self.role, self.unit_ids)
        signed_in.client.close()
        return signed_in


@pytest.fixture(scope="module")
def callers(platform: httpx.Client, server_url: str, mailbox: Mailbox) -> Iterator[dict[str, Caller]]:
    ours, theirs = new_organisation(platform, server_url), new_organisation(platform, server_url)
    world = World(ours, platform, mailbox=mailbox).build()
    bearer = "Bearer {}".format
    revoked = ours.admin.post(f"{ours.prefix}/keys", json={"name": "revoked", "role": "org_admin"}).json()
    assert ours.admin.delete(f"{ours.prefix}/keys/{revoked['id']}").status_code == 204
    expired = ours.admin.post(f"{ours.prefix}/keys", json={
        "name": "expired", "role": "org_admin", "expires_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()})
    from app.auth.models import ApiKey

    db_execute(update(ApiKey).where(ApiKey.id == uuid.UUID(expired.json()["id"]))
               .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    inside = [world.units["Inside"]]

    def person(role: str, units: list[str] | None = None, ctx: OrgContext = ours) -> PersonCaller:
        return PersonCaller(ctx, mailbox, role, units or [])

    leader, unit_analyst = person("leader", inside), person("analyst", inside)
    signed_out, deactivated = person("org_admin"), person("org_admin")
    assert signed_out.signed_in is not None and deactivated.signed_in is not None
    with httpx.Client(base_url=server_url, timeout=30) as browser:
        browser.cookies.set(COOKIE, signed_out.signed_in.cookie)
        assert browser.delete("/api/v1/session", headers={"X-CSRF-Token": signed_out.signed_in.csrf}
                              ).status_code == 204
    response = ours.admin.patch(f"{ours.prefix}/people/{deactivated.signed_in.person['id']}", json={"active": False})
    assert response.status_code == 200, response.text
    signed_out.ended = deactivated.ended = True
    yield {caller.name: caller for caller in [
        Caller("platform_admin", world, platform.headers["Authorization"]),
        Caller("org_admin", world, ours.admin.headers["Authorization"]),
        Caller("analyst", world, bearer(ours.key("analyst"))),
        Caller("unit_analyst", world, bearer(ours.key("analyst", world.units["Inside"]))),
        Caller("unit_analyst_elsewhere", world.at("Outside"), bearer(ours.key("analyst", world.units["Inside"]))),
        Caller("other_org_admin", world, theirs.admin.headers["Authorization"]),
        Caller("other_org_analyst", world, bearer(theirs.key("analyst"))),
        Caller("no_key", world),
        Caller("revoked_key", world, bearer(revoked["key"])),
        Caller("expired_key", world, bearer(expired.json()["key"])),
        Caller("survey_token", world),
        Caller("person_org_admin", world, person=person("org_admin")),
        Caller("person_analyst", world, person=person("analyst")),
        Caller("person_leader", world, person=leader),
        Caller("person_unit_analyst", world, person=unit_analyst),
        Caller("person_leader_elsewhere", world.at("Outside"), person=leader),
        Caller("person_unit_analyst_elsewhere", world.at("Outside"), person=unit_analyst),
        Caller("other_org_person_admin", world, person=person("org_admin", ctx=theirs)),
        Caller("other_org_person_leader", world, person=person("leader", [theirs.unit("Theirs")], ctx=theirs)),
        Caller("signed_out", world, person=signed_out),
        Caller("deactivated_person", world, person=deactivated),
    ]}
    ours.close()
    theirs.close()


def outcome(route: Route, response: httpx.Response) -> str:
    if response.status_code in (401, 403, 404):
        return str(response.status_code)
    if response.is_success or response.status_code in ALLOWED_REFUSALS.get(route.operation_id, ()):
        return "yes"
    return f"unexpected {response.status_code}: {response.text[:200]}"


def call(route: Route, caller: Caller) -> httpx.Response:
    world = caller.world
    if route.operation_id == "delete_organisation" and caller.name == "platform_admin":
        path = route.path.replace("{organisation_id}", world.throwaway_organisation())
    else:
        path = world.path_for(route)
    if route.operation_id in NEEDS_SINGLE_SIGN_ON:
        world.ensure_single_sign_on()
    with httpx.Client(base_url=world.ctx.base_url, timeout=30) as client:
        return client.request(route.method, path, headers=caller.headers(route), **valid_request(world, route, path))


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_who_may_do_what(route: Route, callers: dict[str, Caller]):
    drafting = bool(os.environ.get("AUTHZ_PRINT"))  # to draft a row for a new route: AUTHZ_PRINT=1 pytest -s -k ...
    expected = read_table().get((route.method, route.path))
    if expected is None and not drafting:
        pytest.fail(f"{route}: not in {TABLE.name}; add a row saying who may call it")
    observed = {column: {name: outcome(route, call(route, callers[name])) for name in names}
                for column, names in COLUMNS.items()}
    if drafting:
        print(f"| `{route.operation_id}` | `{route}` | "
              + " | ".join(next(iter(set(o.values()))) if len(set(o.values())) == 1 else "/".join(o.values())
                           for o in observed.values()) + " |")
    assert expected is not None
    wrong = {f"{column} ({name})": f"{got}, table says {expected[column]}"
             for column, outcomes in observed.items() for name, got in outcomes.items()
             if got != expected_of(expected[column], column, name)}
    assert not wrong, f"{route}: {wrong}"


