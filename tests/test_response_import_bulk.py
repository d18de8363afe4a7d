"""The bulk path of the response import (COPY on PostgreSQL, executemany on SQLite) and its bounds: a failure
anywhere leaves nothing, errors name the line and are the same on both engines, and files too large or too long are
refused with a 413 before anything is stored."""

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, text

from app.config import get_settings
from app.db import get_sessionmaker
from app.orgs.models import Layer
from app.questionnaires.service import load_definition
from app.responses.cell_codes import INVALID, CellCodes, parse_cell
from app.responses.codec import DONT_KNOW, MISSING
from app.responses.unit_refs import UnitResolver
from app.units.models import Unit
from tests.factories import OrgContext, client
from tests.respond_factories import csv_upload, error_locs, item_keys, problem_code, stored
from tests.survey_factories import create_questionnaire, open_survey

GOOD = 50_000


def _import(org: OrgContext, survey_id: str, body: str | bytes, **params: str) -> httpx.Response:
    return org.admin.post(f"{org.prefix}/surveys/{survey_id}/responses/import", params=params,
                          files=csv_upload(body), timeout=300)


def _errors(response: httpx.Response) -> list[tuple[Any, ...]]:
    assert response.status_code == 422, response.text
    return [(*e["loc"], e["msg"]) for e in response.json()["errors"]]


def _units(org: OrgContext) -> set[str]:
    return {u["name"] for u in org.admin.get(f"{org.prefix}/units").json()}


def _good_rows(keys: list[str], n: int = GOOD) -> str:
    return "".join(f"Team,employee,{i % 5 + 1},{(i + 2) % 5 + 1},{'dont_know' if i % 11 == 0 else ''}\n"
                   for i in range(n))


def test_bad_rows_after_fifty_thousand_good_ones(org: OrgContext) -> None:
    """The first 50 batches are already streamed to the database when the bad rows come: nothing stays, and every
    error names its line, with the same messages on both engines."""
    survey = open_survey(org)
    org.unit("Team")
    a, b, c = item_keys(org)[:3]
    bad = ("Team,employee,3,6,\n"  # line 50,002: above the scale
           "Nowhere,employee,3,3,\n"  # unknown unit
           "Team,boss,3,3,\n"  # unknown layer
           "Team,employee,3,3,4,5\n"  # too many cells
           "Team,employee,,,\n"  # no answers
           "Team,employee,\x003,3,\n"  # a NUL byte in an answer
           "Te\x00am,employee,3,3,\n"  # a NUL byte in a unit
           "Team,employee,dont_knowx,3,\n")
    response = _import(org, survey["id"], f"unit,layer,{a},{b},{c}\n" + _good_rows([a, b, c]) + bad)
    scale = "out of range: the scale runs from 1 to 5"
    no_unit = ("no such unit in this organisation (name it by external key, path or id, or import with "
               "unknown_units=create)")
    expected = 'expected a whole number from 1 to 5 or "dont_know"'
    assert _errors(response) == [
        ("file", 50_002, b, scale),
        ("file", 50_003, "unit", no_unit),
        ("file", 50_004, "layer", "no layer with key 'boss', nor with that name; the organisation's layers are "
                                  "executive_board (Executive board, Bestuur); director (Director, Directeur); "
                                  "department_head (Department head, Afdelingshoofd); team_leader (Team leader, "
                                  "Teamleider); employee (Employee, Medewerker)"),
        ("file", 50_005, "", "6 cells, but the header has 5 columns"),
        ("file", 50_006, "", "the row has no answers"),
        ("file", 50_007, a, expected),
        ("file", 50_008, "unit", no_unit),
        ("file", 50_009, a, expected),
    ]
    assert stored(org, survey["id"]) == []


def test_undecodable_bytes_after_fifty_thousand_good_ones(org: OrgContext) -> None:
    survey = open_survey(org)
    org.unit("Team")
    keys = item_keys(org)[:3]
    body = f"unit,layer,{','.join(keys)}\n{_good_rows(keys)}".encode() + b"T\x81am,employee,3,3,3\n"
    response = _import(org, survey["id"], body, unknown_units="create")
    assert response.status_code == 422, response.text
    assert "CSV UTF-8" in response.json()["detail"]
    assert stored(org, survey["id"]) == []
    assert _units(org) == {"Team"}


def test_units_created_before_a_late_error_are_taken_back(org: OrgContext) -> None:
    survey = open_survey(org)
    org.unit("Team")
    keys = item_keys(org)[:3]
    rows = _good_rows(keys, 3000)
    body = f"unit,layer,{','.join(keys)}\nNew/Team 1,,1,,\n{rows}New/Team 2,,2,,\n{rows}Team,,9,,\n"
    response = _import(org, survey["id"], body, unknown_units="create")
    assert _errors(response) == [("file", 6004, keys[0], "out of range: the scale runs from 1 to 5")]
    assert _units(org) == {"Team"}
    assert stored(org, survey["id"]) == []


@pytest.mark.parametrize(("header", "column"), [
    ("unit,{a},{a}", "{a}"),
    ("unit,{a},{A}", "{a}"),
    ("unit, {a} ,{a}", "{a}"),
    ("unit,UNIT,{a}", "unit"),
    ("unit,layer,Layer,{a}", "layer"),
    ("unit,{a}:desired,{A}:DESIRED", "{a}:desired"),
])
def test_duplicate_columns(org: OrgContext, header: str, column: str) -> None:
    survey = open_survey(org, ask_desired=True)
    org.unit("Team")
    a = item_keys(org)[0]
    head = header.format(a=a, A=a.upper())
    width = head.count(",") + 1
    response = _import(org, survey["id"], head + "\n" + ",".join(["Team", *["3"] * (width - 1)]) + "\n")
    assert _errors(response) == [("file", 1, column.format(a=a), "the column appears twice")]
    assert stored(org, survey["id"]) == []


@pytest.mark.parametrize(("header", "loc"), [
    ("unit,{a},x\x00y", ["file", 1, "x\x00y"]),
    ("unit,{a}\x00", ["file", 1, "{a}\x00"]),
    ("unit\x00,{a}", ["file", 1, "unit"]),
])
def test_nul_bytes_in_the_header(org: OrgContext, header: str, loc: list[Any]) -> None:
    survey = open_survey(org)
    org.unit("Team")
    a = item_keys(org)[0]
    head = header.format(a=a)
    response = _import(org, survey["id"], head + "\n" + ",".join(["Team", *["3"] * head.count(",")]) + "\n")
    assert [part.format(a=a) if isinstance(part, str) else part for part in loc] in error_locs(response)
    assert stored(org, survey["id"]) == []


def test_nul_bytes_in_new_units_and_layers(org: OrgContext) -> None:
    survey = open_survey(org)
    org.unit("Team")
    a = item_keys(org)[0]
    body = f"unit,layer,{a}\nNew\x00Team,,3\nTeam,employee\x00,3\nNew/\x00,,3\n"
    response = _import(org, survey["id"], body, unknown_units="create")
    assert [e[:3] for e in _errors(response)] == [("file", 2, "unit"), ("file", 3, "layer"), ("file", 4, "unit")]
    assert _units(org) == {"Team"}
    assert stored(org, survey["id"]) == []


# --- a unit or layer deleted while the file is imported ----------------------------------------------------------

@pytest.fixture
def on_first_lookup(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Callable[[UnitResolver], None]], None]:
    """Run an action inside the server (it runs in this process) when the import first looks up a unit path."""
    def install(ref: str, action: Callable[[UnitResolver], None]) -> None:
        original = UnitResolver.find
        done: list[bool] = []

        def find(self: UnitResolver, wanted: str) -> uuid.UUID | None:
            if wanted.strip() == ref and not done:
                done.append(True)
                action(self)
            return original(self, wanted)

        monkeypatch.setattr(UnitResolver, "find", find)
    return install


def test_a_unit_and_a_layer_deleted_in_the_import_transaction(org: OrgContext, on_first_lookup: Any) -> None:
    """Deleted in the import's own transaction before the rows reach the database (the same on both engines): the
    lines that name them get the error; nothing is stored."""
    survey = open_survey(org)
    org.unit("Team")
    doomed = uuid.UUID(org.unit("Doomed"))
    layer = uuid.UUID(org.layers["director"])
    a = item_keys(org)[0]

    def delete_them(resolver: UnitResolver) -> None:
        resolver.session.execute(delete(Unit).where(Unit.id == doomed))
        resolver.session.execute(delete(Layer).where(Layer.id == layer))

    on_first_lookup("Doomed", delete_them)
    body = f"unit,layer,{a}\nTeam,employee,3\nDoomed,employee,3\nTeam,director,4\nDoomed,,5\n"
    assert _errors(_import(org, survey["id"], body)) == [
        ("file", 3, "unit", "no such unit in this organisation (deleted while the file was being imported)"),
        ("file", 4, "layer", "no such layer (deleted while the file was being imported)"),
        ("file", 5, "unit", "no such unit in this organisation (deleted while the file was being imported)"),
    ]
    assert stored(org, survey["id"]) == []
    assert _units(org) == {"Team", "Doomed"}


@pytest.fixture
def postgres_only(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("concurrent transactions: on SQLite a request holds the write lock from its first statement")


def test_a_unit_deleted_by_another_request_before_the_import_reaches_it(
        postgres_only: None, org: OrgContext, on_first_lookup: Any) -> None:
    survey = open_survey(org)
    org.unit("Team")
    doomed = org.unit("Doomed")
    a = item_keys(org)[0]
    with client(org.base_url, _admin_key(org)) as other:
        def delete_through_the_api(_: UnitResolver) -> None:
            assert other.delete(f"{org.prefix}/units/{doomed}").status_code == 204

        on_first_lookup("Doomed", delete_through_the_api)
        body = f"unit,{a}\n" + "Team,3\n" * 1500 + "Doomed,4\n"
        assert _errors(_import(org, survey["id"], body)) == [
            ("file", 1502, "unit", "no such unit in this organisation (deleted while the file was being imported)")]
    assert stored(org, survey["id"]) == []
    assert _units(org) == {"Team"}


def test_a_unit_in_use_by_an_import_cannot_be_deleted_meanwhile(
        postgres_only: None, org: OrgContext, on_first_lookup: Any) -> None:
    """Once the import has seen a unit it holds it (FOR KEY SHARE): a concurrent delete waits, then fails."""
    survey = open_survey(org)
    team = org.unit("Team")
    org.unit("Later")
    a = item_keys(org)[0]
    outcome: list[int] = []
    with client(org.base_url, _admin_key(org)) as other:
        def delete_in_another_thread(_: UnitResolver) -> None:
            thread = threading.Thread(
                target=lambda: outcome.append(other.delete(f"{org.prefix}/units/{team}", timeout=60).status_code))
            thread.start()
            _wait_for_a_blocked_backend()
            deleting.append(thread)

        deleting: list[threading.Thread] = []
        on_first_lookup("Later", delete_in_another_thread)
        response = _import(org, survey["id"], f"unit,{a}\n" + "Team,3\n" * 1500 + "Later,4\n")
        assert response.status_code == 201, response.text
        deleting[0].join(timeout=60)
    assert outcome == [409]
    assert _units(org) == {"Team", "Later"}
    assert len(stored(org, survey["id"])) == 1501


def _admin_key(org: OrgContext) -> str:
    return str(org.admin.headers["Authorization"]).removeprefix("Bearer ")


def _wait_for_a_blocked_backend(seconds: float = 20) -> None:
    """Until some transaction of this database waits for a row lock (bounded)."""
    deadline = time.monotonic() + seconds
    query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                 "AND wait_event_type = 'Lock'")
    while time.monotonic() < deadline:
        with get_sessionmaker()() as session:
            if session.scalar(query):
                return
        time.sleep(0.05)
    raise AssertionError("the concurrent delete never waited for the import's lock")


# --- bounds --------------------------------------------------------------------------------------------------------

@pytest.fixture
def max_rows(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], None]]:
    """Set IMPORT_MAX_ROWS of the running server (it reads the setting per request, in this process)."""
    yield lambda n: monkeypatch.setattr(get_settings(), "import_max_rows", n)


def test_a_file_with_too_many_rows_is_413(org: OrgContext, max_rows: Callable[[int], None]) -> None:
    survey = open_survey(org)
    org.unit("Team")
    a = item_keys(org)[0]
    max_rows(2500)
    response = _import(org, survey["id"], f"unit,{a}\nNew/Team,3\n" + "Team,3\n" * 2500, unknown_units="create")
    assert response.status_code == 413, response.text
    assert problem_code(response) == "payload-too-large"
    assert "2,500 rows" in response.json()["detail"] and "IMPORT_MAX_ROWS" in response.json()["detail"]
    assert stored(org, survey["id"]) == []
    assert _units(org) == {"Team"}
    exactly = _import(org, survey["id"], f"unit,{a}\n" + "\n" + "Team,3\n" * 2500)  # blank lines don't count
    assert exactly.status_code == 201, exactly.text
    assert exactly.json()["imported"] == 2500


def test_an_upload_larger_than_the_limit_is_413(org: OrgContext) -> None:
    """MAX_UPLOAD_BYTES holds for a declared length and for a streamed body without one (counted as it arrives)."""
    survey = open_survey(org)
    org.unit("Team")
    a = item_keys(org)[0]
    limit = get_settings().max_upload_bytes
    head = f"unit,{a}\n".encode()
    line = b"Team,3\n"
    body = head + line * (limit // len(line) + 1)
    url = f"{org.prefix}/surveys/{survey['id']}/responses/import"
    declared = org.admin.post(url, files=csv_upload(body), timeout=120)
    assert declared.status_code == 413, declared.text
    assert problem_code(declared) == "payload-too-large"

    boundary = "bulkbound"
    prefix = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
              "Content-Type: text/csv\r\n\r\n").encode() + head

    def chunks() -> Iterator[bytes]:
        yield prefix
        block = line * 100_000
        for _ in range(limit // len(block) + 2):
            yield block
        yield f"\r\n--{boundary}--\r\n".encode()

    streamed = org.admin.post(url, content=chunks(), timeout=120,
                              headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert streamed.status_code == 413, streamed.text
    assert problem_code(streamed) == "payload-too-large"
    assert stored(org, survey["id"]) == []


# --- the vectorised answer check agrees with the one-cell check --------------------------------------------------

def _definition(questionnaire_id: str) -> Any:
    with get_sessionmaker()() as session:
        return load_definition(session, uuid.UUID(questionnaire_id))


_CELLS = st.lists(st.one_of(
    st.sampled_from(["", " ", "1", "3", "5", "0", "6", "10", "11", "-3", "-4", "+2", " 4 ", "dont_know", "DONT_KNOW",
                     "x", "3.5", "\x1f", "\x00", "é", "٣", "99999", "1e2", "\t2"]),
    st.text(max_size=4)), max_size=60)


@pytest.mark.parametrize(("low", "high", "dont_know"), [(1, 5, True), (0, 10, False), (-3, 3, True)])
def test_cell_codes_agree_with_the_single_cell_check(org: OrgContext, low: int, high: int, dont_know: bool) -> None:
    labels = [f"point {v}" for v in range(low, high + 1)]
    q = create_questionnaire(org, key=f"scale-{low}-{high}", scale_min=low, scale_max=high,
                             scale_labels={"en": labels, "nl": labels},
                             dont_know_label={"en": "?", "nl": "?"} if dont_know else None)
    definition = _definition(q["id"])

    def expected(cell: str) -> int:
        answer, problem = parse_cell(definition, cell)
        if problem is not None:
            return INVALID
        return MISSING if answer is None else DONT_KNOW if answer == "dont_know" else int(answer)

    @settings(max_examples=300, deadline=None)
    @given(_CELLS)
    def agree(cells: list[str]) -> None:
        assert CellCodes(definition).codes(cells).tolist() == [expected(c) for c in cells]

    agree()
