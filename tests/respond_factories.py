"""Builders for the answering flow (invitations, submissions) and reading back what it stored, through the API."""

import csv
import io
from typing import Any

import httpx

from tests.factories import OrgContext
from tests.survey_factories import builtin_questionnaire

RESPOND = "/api/v1/respond"


def item_keys(org: OrgContext) -> list[str]:
    """The built-in questionnaire's item keys in position order."""
    definition = builtin_questionnaire(org)
    items = [item for dimension in definition["dimensions"] for item in dimension["items"]]
    return [item["key"] for item in sorted(items, key=lambda i: i["position"])]


def invite(org: OrgContext, survey_id: str, unit_id: str, count: int = 1, layer: str = "employee",
           **extra: Any) -> list[str]:
    response = org.admin.post(f"{org.prefix}/surveys/{survey_id}/invitations",
                              json={"unit_id": unit_id, "layer_id": org.layers[layer], "count": count, **extra})
    assert response.status_code == 201, response.text
    return [invitation["token"] for invitation in response.json()["invitations"]]


def token_headers(token: str) -> dict[str, str]:
    return {"X-Survey-Token": token}


def submit(http: httpx.Client, token: str, current: dict[str, Any], desired: dict[str, Any] | None = None,
           language: str = "en", comments: dict[str, str] | None = None) -> httpx.Response:
    body: dict[str, Any] = {"language": language, "current": current, "desired": desired or {}}
    if comments:
        body["comments"] = comments
    return http.post(f"{RESPOND}/submit", headers=token_headers(token), json=body)


def exported(org: OrgContext, survey_id: str, client: httpx.Client | None = None) -> list[dict[str, str]]:
    """The rows of the (k-anonymous) export, without its `#` summary line."""
    response = (client or org.admin).get(f"{org.prefix}/surveys/{survey_id}/responses/export")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(line for line in io.StringIO(response.text) if not line.startswith("#")))


def export_header(org: OrgContext, survey_id: str) -> list[str]:
    response = org.admin.get(f"{org.prefix}/surveys/{survey_id}/responses/export")
    assert response.status_code == 200, response.text
    return next(csv.reader(line for line in io.StringIO(response.text) if not line.startswith("#")))


def stored(org: OrgContext, survey_id: str) -> list[dict[str, str]]:
    """Every stored response of the survey, published or not, read straight from the test database as the export
    wrote it before it was anonymous (`unit_path`, `unit_key`, `layer`, the items, `<item>:desired`): what the
    service stored, for the tests of answering and importing."""
    import uuid

    from sqlalchemy import select

    from app.db import get_sessionmaker
    from app.orgs.models import Layer
    from app.questionnaires.service import load_definition
    from app.responses.codec import unpack
    from app.responses.models import Response
    from app.surveys.models import Survey
    from app.units.tree import load_tree

    def cells(blob: bytes | None, width: int) -> list[str]:
        answers = (unpack(blob) if blob is not None else []) + [None] * width
        return ["" if a is None else str(a) for a in answers[:width]]

    with get_sessionmaker()() as session:
        survey = session.get(Survey, uuid.UUID(survey_id))
        assert survey is not None
        keys = [item.key for item in load_definition(session, survey.questionnaire_id).items]
        tree = load_tree(session, survey.organisation_id)
        layers = {layer.id: layer.key for layer in session.scalars(select(Layer))}
        rows = session.execute(select(Response).where(Response.survey_id == survey.id)
                               .order_by(Response.id)).scalars().all()
        header = ["unit_path", "unit_key", "layer", *keys, *([f"{k}:desired" for k in keys] if survey.ask_desired
                                                              else [])]
        out = []
        for r in rows:
            values = ["/".join(tree.path(r.unit_id)), tree.units[r.unit_id].external_key or "",
                      layers.get(r.layer_id, "") if r.layer_id else "", *cells(r.current, len(keys))]
            if survey.ask_desired:
                values += cells(r.desired, len(keys))
            out.append(dict(zip(header, values, strict=True)))
        return out


def summary(org: OrgContext, survey_id: str) -> dict[str, Any]:
    response = org.admin.get(f"{org.prefix}/surveys/{survey_id}/invitations/summary")
    assert response.status_code == 200, response.text
    return dict(response.json())


def problem_code(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return str(response.json()["type"]).removeprefix("urn:culturegap:problem:")


def error_locs(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    return [e["loc"] for e in response.json().get("errors") or []]


def db_scalars(statement: Any) -> list[Any]:
    """Rows read straight from the test database (for what the API must never show, such as hashes)."""
    from app.db import get_sessionmaker

    with get_sessionmaker()() as session:
        return list(session.scalars(statement))


def db_execute(statement: Any) -> None:
    """A direct change to the test database, for what the API can't do on purpose (ageing a token)."""
    from app.db import get_sessionmaker

    with get_sessionmaker().begin() as session:
        session.execute(statement)


def csv_upload(text: str | bytes, name: str = "data.csv") -> dict[str, Any]:
    body = text.encode() if isinstance(text, str) else text
    return {"file": (name, body, "text/csv")}
