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
           language: str = "en") -> httpx.Response:
    return http.post(f"{RESPOND}/submit", headers=token_headers(token),
                     json={"language": language, "current": current, "desired": desired or {}})


def exported(org: OrgContext, survey_id: str, client: httpx.Client | None = None) -> list[dict[str, str]]:
    response = (client or org.admin).get(f"{org.prefix}/surveys/{survey_id}/responses/export")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def export_header(org: OrgContext, survey_id: str) -> list[str]:
    response = org.admin.get(f"{org.prefix}/surveys/{survey_id}/responses/export")
    assert response.status_code == 200, response.text
    return next(csv.reader(io.StringIO(response.text)))


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
