"""Invitations: tokens issued in bulk or from CSV, stored only as hashes, refused for anything outside the
organisation or for a closed survey, and response rates without a link from token to answer."""

import csv
import hashlib
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.invitations.models import Invitation
from tests.factories import OrgContext
from tests.respond_factories import (
    RESPOND,
    csv_upload,
    db_scalars,
    error_locs,
    invite,
    item_keys,
    problem_code,
    submit,
    summary,
    token_headers,
)
from tests.survey_factories import create_survey, open_survey


def _url(org: OrgContext, survey_id: str, suffix: str = "") -> str:
    return f"{org.prefix}/surveys/{survey_id}/invitations{suffix}"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _hashes(survey_id: str) -> list[str]:
    return db_scalars(select(Invitation.token_hash).where(Invitation.survey_id == uuid.UUID(survey_id)))


def test_bulk_issue_returns_each_token_once_with_its_link(org: OrgContext, http: Any, server_url: str) -> None:
    survey = open_survey(org)
    team = org.unit("Team X")
    response = org.admin.post(_url(org, survey["id"]), json={"unit_id": team, "layer_id": org.layers["employee"],
                                                             "count": 120})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["unit_id"], body["layer_id"], body["count"]) == (team, org.layers["employee"], 120)
    tokens = [i["token"] for i in body["invitations"]]
    assert len(set(tokens)) == 120
    for invitation in body["invitations"]:
        assert len(invitation["token"]) >= 43  # 32 random bytes, url-safe base64
        assert invitation["url"] == f"{server_url}/respond#{invitation['token']}"
    assert response.headers["cache-control"] == "no-store"
    # Stored only as SHA-256: the hashes match, and no token appears anywhere in the table.
    hashes = _hashes(survey["id"])
    assert sorted(hashes) == sorted(hashlib.sha256(t.encode()).hexdigest() for t in tokens)
    assert not set(tokens) & set(hashes)
    assert http.get(RESPOND, headers=token_headers(tokens[0])).status_code == 200
    assert summary(org, survey["id"])["issued"] == 120


def test_the_largest_request(org: OrgContext) -> None:
    survey = open_survey(org)
    tokens = invite(org, survey["id"], org.unit("Big team"), 10_000)
    assert len(set(tokens)) == 10_000
    assert len(_hashes(survey["id"])) == 10_000


def test_tokens_as_csv_for_a_mail_merge(org: OrgContext, server_url: str) -> None:
    survey = open_survey(org)
    team = org.unit("Team X")
    response = org.admin.post(_url(org, survey["id"]), headers={"Accept": "text/csv"},
                              json={"unit_id": team, "layer_id": org.layers["team_leader"], "count": 3})
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["layer"] for r in rows] == ["team_leader"] * 3
    assert all(r["url"] == f"{server_url}/respond#{r['token']}" and r["unit"] == team for r in rows)


def test_a_draft_survey_takes_invitations_which_work_once_it_opens(org: OrgContext, http: Any) -> None:
    survey = create_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"))
    assert problem_code(http.get(RESPOND, headers=token_headers(token))) == "survey-not-open"
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    assert http.get(RESPOND, headers=token_headers(token)).status_code == 200


def test_refusals_issue_nothing(org: OrgContext, other_org: OrgContext) -> None:
    survey = open_survey(org)
    team = org.unit("Team")
    archived = org.unit("Old team")
    assert org.admin.patch(f"{org.prefix}/units/{archived}", json={"archived": True}).status_code == 200
    theirs = other_org.unit("Their team")
    employee = org.layers["employee"]
    url = _url(org, survey["id"])
    cases: list[tuple[Any, list[Any]]] = [
        ({"unit_id": archived, "layer_id": employee, "count": 1}, ["body", "unit_id"]),
        ({"unit_id": theirs, "layer_id": employee, "count": 1}, ["body", "unit_id"]),
        ({"unit_id": str(uuid.uuid4()), "layer_id": employee, "count": 1}, ["body", "unit_id"]),
        ({"unit_id": team, "layer_id": other_org.layers["employee"], "count": 1}, ["body", "layer_id"]),
        ({"unit_id": team, "layer_id": employee, "count": 0}, ["body", "count"]),
        ({"unit_id": team, "layer_id": employee, "count": 10_001}, ["body", "count"]),
        ({"unit_id": team, "layer_id": employee, "count": "5"}, ["body", "count"]),
        ({"unit_id": team, "layer_id": employee, "count": 2.5}, ["body", "count"]),
        ({"unit_id": team, "layer_id": employee}, ["body", "count"]),
        ({"unit_id": "team-x", "layer_id": employee, "count": 1}, ["body", "unit_id"]),
        ({"unit_id": team, "layer_id": employee, "count": 1, "extra": 1}, ["body", "extra"]),
        ({"unit_id": team, "layer_id": employee, "count": 1,
          "expires_at": _iso(datetime.now(UTC) - timedelta(minutes=1))}, ["body", "expires_at"]),
        ({"unit_id": team, "layer_id": employee, "count": 1, "expires_at": "2030-01-01T00:00:00"},
         ["body", "expires_at"]),
    ]
    for body, loc in cases:
        response = org.admin.post(url, json=body)
        assert loc in error_locs(response), (body, response.text)
    for raw, content_type in [(b'{"unit_id": ', "application/json"), (b"count=5", "text/plain"),
                              (b"\xff\xfe", "application/json")]:
        response = org.admin.post(url, content=raw, headers={"Content-Type": content_type})
        assert response.status_code == 422, response.text
    assert summary(org, survey["id"])["issued"] == 0


def test_a_closed_survey_takes_no_invitations(org: OrgContext) -> None:
    survey = open_survey(org)
    team = org.unit("Team")
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    body = {"unit_id": team, "layer_id": org.layers["employee"], "count": 1}
    response = org.admin.post(_url(org, survey["id"]), json=body)
    assert response.status_code == 409 and problem_code(response) == "survey-closed"
    response = org.admin.post(_url(org, survey["id"], "/import"),
                              files=csv_upload("unit,layer,count\nTeam,employee,1\n"))
    assert response.status_code == 409 and problem_code(response) == "survey-closed"
    assert summary(org, survey["id"])["issued"] == 0


def test_only_admins_of_the_organisation(org: OrgContext, other_org: OrgContext) -> None:
    survey = open_survey(org)
    team = org.unit("Team")
    body = {"unit_id": team, "layer_id": org.layers["employee"], "count": 1}
    analyst = org.client_for("analyst")
    assert analyst.post(_url(org, survey["id"]), json=body).status_code == 403
    assert analyst.get(_url(org, survey["id"], "/summary")).status_code == 403
    assert analyst.post(_url(org, survey["id"], "/import"),
                        files=csv_upload("unit,layer,count\nTeam,employee,1\n")).status_code == 403
    assert other_org.admin.post(_url(org, survey["id"]), json=body).status_code == 404
    assert other_org.admin.get(_url(org, survey["id"], "/summary")).status_code == 404
    assert summary(org, survey["id"])["issued"] == 0


def test_import_from_csv_by_key_path_and_id(org: OrgContext, server_url: str) -> None:
    survey = open_survey(org)
    ids = org.tree({"Directie": {"Afdeling": {"Team A": {}}}, "Team B": {}})
    keyed = org.unit("Keyed team", external_key="HR-01")
    text = ("\ufeffUnit;Layer;Count\r\n"  # BOM, capitalised header, semicolons, CRLF
            "Directie/Afdeling/Team A;employee;3\r\n"
            f"{ids['Team B']};team_leader;1\r\n"
            "\r\n"
            "HR-01;employee;2\r\n"
            " directie / afdeling ; department_head ; 1 \r\n")
    response = org.admin.post(_url(org, survey["id"], "/import"), files=csv_upload(text))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["count"] == 7
    got = [(b["unit_id"], b["layer_id"], b["count"], len(b["invitations"])) for b in body["batches"]]
    assert got == [(ids["Team A"], org.layers["employee"], 3, 3), (ids["Team B"], org.layers["team_leader"], 1, 1),
                   (keyed, org.layers["employee"], 2, 2), (ids["Afdeling"], org.layers["department_head"], 1, 1)]
    assert all(i["url"] == f"{server_url}/respond#{i['token']}" for b in body["batches"] for i in b["invitations"])
    groups = {(g["unit_id"], g["layer_key"]): g["issued"] for g in summary(org, survey["id"])["groups"]}
    assert groups == {(ids["Team A"], "employee"): 3, (ids["Team B"], "team_leader"): 1, (keyed, "employee"): 2,
                      (ids["Afdeling"], "department_head"): 1}


def test_import_with_an_expiry(org: OrgContext, http: Any) -> None:
    survey = open_survey(org)
    org.unit("Team")
    later = datetime.now(UTC) + timedelta(days=7)
    url = _url(org, survey["id"], "/import")
    response = org.admin.post(url, params={"expires_at": _iso(later)},
                              files=csv_upload("unit,layer,count\nTeam,employee,1\n"))
    assert response.status_code == 201, response.text
    [batch] = response.json()["batches"]
    assert datetime.fromisoformat(batch["expires_at"]) == later
    assert http.get(RESPOND, headers=token_headers(batch["invitations"][0]["token"])).status_code == 200
    for bad in (_iso(datetime.now(UTC) - timedelta(days=1)), "2030-01-01T00:00:00", "soon"):
        response = org.admin.post(url, params={"expires_at": bad},
                                  files=csv_upload("unit,layer,count\nTeam,employee,1\n"))
        assert ["query", "expires_at"] in error_locs(response)
    assert summary(org, survey["id"])["issued"] == 1


def test_import_as_csv_for_a_mail_merge(org: OrgContext) -> None:
    survey = open_survey(org)
    org.unit("Team", external_key="T1")
    response = org.admin.post(_url(org, survey["id"], "/import"), headers={"Accept": "text/csv"},
                              files=csv_upload("unit,layer,count\nT1,employee,2\nTeam,director,1\n"))
    assert response.status_code == 201, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["unit"], r["layer"]) for r in rows] == [("T1", "employee"), ("T1", "employee"), ("Team", "director")]
    assert len({r["token"] for r in rows}) == 3


BAD_IMPORTS = [
    ("not text", b"unit,layer,count\nT\x81am,employee,1\n", None),
    ("empty file", b"", None),
    ("only blank lines", b"\n\n", None),
    ("header only", b"unit,layer,count\n", None),
    ("missing column", b"unit,layer\nTeam,employee\n", ["file", 1, "count"]),
    ("unknown column", b"unit,layer,count,email\nTeam,employee,1,a@b.nl\n", ["file", 1, "email"]),
    ("duplicate column", b"unit,layer,count,count\nTeam,employee,1,1\n", ["file", 1, "count"]),
    ("unknown unit", b"unit,layer,count\nTeam,employee,1\nNo such team,employee,1\n", ["file", 3, "unit"]),
    ("archived unit", b"unit,layer,count\nOld team,employee,1\n", ["file", 2, "unit"]),
    ("empty unit", b"unit,layer,count\n,employee,1\n", ["file", 2, "unit"]),
    ("bad layer key", b"unit,layer,count\nTeam,boss,1\n", ["file", 2, "layer"]),
    ("zero count", b"unit,layer,count\nTeam,employee,0\n", ["file", 2, "count"]),
    ("count not a number", b"unit,layer,count\nTeam,employee,ten\n", ["file", 2, "count"]),
    ("negative count", b"unit,layer,count\nTeam,employee,-3\n", ["file", 2, "count"]),
    ("too many tokens in all", b"unit,layer,count\nTeam,employee,6000\nTeam,director,5000\n", ["file", 3, "count"]),
    ("too many cells", b"unit,layer,count\nTeam,employee,1,extra\n", ["file", 2, ""]),
    ("too few cells", b"unit,layer,count\nTeam,employee\n", ["file", 2, ""]),
    ("unterminated quote", b'unit,layer,count\n"Team,employee,1\n', None),
    ("NUL in a cell", b"unit,layer,count\nTe\x00am,employee,1\n", None),
]


@pytest.mark.parametrize(("text", "loc"), [(t, loc) for _, t, loc in BAD_IMPORTS], ids=[n for n, _, _ in BAD_IMPORTS])
def test_a_bad_import_issues_nothing(org: OrgContext, text: bytes, loc: list[Any] | None) -> None:
    survey = open_survey(org)
    org.unit("Team")
    old = org.unit("Old team")
    assert org.admin.patch(f"{org.prefix}/units/{old}", json={"archived": True}).status_code == 200
    response = org.admin.post(_url(org, survey["id"], "/import"), files=csv_upload(text))
    assert response.status_code == 422, response.text
    assert response.json()["detail"]
    if loc is not None:
        assert loc in error_locs(response)
    assert summary(org, survey["id"])["issued"] == 0


def test_import_of_another_organisations_unit_or_without_a_file(org: OrgContext, other_org: OrgContext) -> None:
    survey = open_survey(org)
    theirs = other_org.unit("Their team", external_key="THEIRS")
    for ref in (theirs, "THEIRS", "Their team"):
        response = org.admin.post(_url(org, survey["id"], "/import"),
                                  files=csv_upload(f"unit,layer,count\n{ref},employee,1\n"))
        assert ["file", 2, "unit"] in error_locs(response)
    assert org.admin.post(_url(org, survey["id"], "/import"), json={"unit": "x"}).status_code == 422
    assert org.admin.post(_url(org, survey["id"], "/import"), content=b"unit,layer,count\n",
                          headers={"Content-Type": "text/csv"}).status_code == 422
    assert summary(org, survey["id"])["issued"] == 0


def test_summary_counts_issued_and_used_per_unit_and_layer(org: OrgContext, http: Any) -> None:
    survey = open_survey(org)
    ids = org.tree({"Dir": {"Team A": {}, "Team B": {}}})
    a_employees = invite(org, survey["id"], ids["Team A"], 4)
    a_leader = invite(org, survey["id"], ids["Team A"], 1, layer="team_leader")
    invite(org, survey["id"], ids["Team B"], 2)
    first = item_keys(org)[0]
    for token in [*a_employees[:3], *a_leader]:
        assert submit(http, token, {first: 3}).status_code == 201
    body = summary(org, survey["id"])
    assert (body["issued"], body["submitted"], body["rate"]) == (7, 4, 4 / 7)
    got = [(g["unit_path"], g["layer_key"], g["issued"], g["submitted"], g["rate"]) for g in body["groups"]]
    assert got == [(["Dir", "Team A"], "team_leader", 1, 1, 1.0), (["Dir", "Team A"], "employee", 4, 3, 0.75),
                   (["Dir", "Team B"], "employee", 2, 0, 0.0)]
    assert not any(token in str(body) for token in a_employees)


def test_summary_of_a_survey_without_invitations(org: OrgContext) -> None:
    survey = create_survey(org)
    assert summary(org, survey["id"]) == {"survey_id": survey["id"], "issued": 0, "submitted": 0, "rate": None,
                                          "groups": []}


def test_a_unit_with_invitations_is_not_deleted(org: OrgContext) -> None:
    survey = open_survey(org)
    team = org.unit("Team")
    invite(org, survey["id"], team)
    response = org.admin.delete(f"{org.prefix}/units/{team}")
    assert response.status_code == 409, response.text
    assert "invitations" in response.json()["detail"]
    assert org.admin.get(f"{org.prefix}/units/{team}").status_code == 200
