"""Imports take what Excel saves (UTF-8 with or without BOM, UTF-16 "Unicode text", Windows-1252) and layers by key
or by name in any of their languages."""

import codecs
import csv
import io
import uuid

import pytest

from app.orgs.layer_names import LayerNames
from app.orgs.models import Layer
from tests.factories import OrgContext
from tests.respond_factories import csv_upload, item_keys, stored
from tests.survey_factories import open_survey

UNITS = "path,external_key\nRuimte/Café Zoë,T1\nSociaal/Jeugd & Gezin €,T2\n"
PATHS = ["Ruimte", "Ruimte/Café Zoë", "Sociaal", "Sociaal/Jeugd & Gezin €"]
SAVED_AS = {
    "CSV UTF-8 (with BOM)": codecs.BOM_UTF8 + UNITS.encode(),
    "UTF-8 without BOM": UNITS.encode(),
    "Unicode text (UTF-16, tabs)": UNITS.replace(",", "\t").encode("utf-16"),
    "UTF-16 big-endian with BOM": codecs.BOM_UTF16_BE + UNITS.encode("utf-16-be"),
    "UTF-16 without BOM": UNITS.encode("utf-16-le"),
    "CSV (Windows-1252, semicolons)": UNITS.replace(",", ";").encode("cp1252"),
}


def _paths(org: OrgContext) -> list[str]:
    return sorted("/".join(u["path"]) for u in org.admin.get(f"{org.prefix}/units").json())


def test_a_name_that_ends_in_a_separator_is_refused(org: OrgContext) -> None:
    """A one-column header with lines of two cells (`Team Balie;`) would name units `Team Balie;` that stay in every
    picker: each such line is refused, and nothing is stored."""
    text = "\ufeffpath\r\nDienstverlening/Burgerzaken/Team Balie;\r\nDienstverlening/Team Documenten\r\n;Sociaal\r\n"
    response = org.admin.post(f"{org.prefix}/units/import", files=csv_upload(text))
    assert response.status_code == 422, response.text
    assert [(e["loc"], e["msg"]) for e in response.json()["errors"]] == [
        (["file", 2, "path"], "starts or ends with a separator (, or ;): is each line separated as the header is?"),
        (["file", 4, "path"], "starts or ends with a separator (, or ;): is each line separated as the header is?")]
    assert _paths(org) == []


@pytest.mark.parametrize("saved_as", SAVED_AS)
def test_units_import_reads_what_excel_saves(org: OrgContext, saved_as: str) -> None:
    response = org.admin.post(f"{org.prefix}/units/import", files=csv_upload(SAVED_AS[saved_as]))
    assert response.status_code == 200, response.text
    assert _paths(org) == PATHS


def test_people_import_in_windows_1252(org: OrgContext) -> None:
    body = "email;name;role\nzoe@gemeente.test;Zoë Müller-Öztürk;analyst\n".encode("cp1252")
    response = org.admin.post(f"{org.prefix}/people/import", files=csv_upload(body))
    assert response.status_code == 200, response.text
    assert [p["name"] for p in org.admin.get(f"{org.prefix}/people").json()] == ["Zoë Müller-Öztürk"]


@pytest.mark.parametrize(("body", "says"), [
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "Excel workbook"),
    (b"path\nT\x81am\n", "not text in UTF-8, UTF-16 or Windows-1252"),
])
def test_what_is_not_text_says_how_to_save_as_csv_utf8(org: OrgContext, body: bytes, says: str) -> None:
    for path in ("units/import", "people/import"):
        response = org.admin.post(f"{org.prefix}/{path}", files=csv_upload(body))
        assert response.status_code == 422, response.text
        assert says in response.json()["detail"] and "CSV UTF-8 (comma delimited)" in response.json()["detail"]
    survey = open_survey(org)
    for path in ("responses/import", "invitations/import"):
        response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/{path}", files=csv_upload(body))
        assert response.status_code == 422 and "CSV UTF-8" in response.json()["detail"], response.text


def test_response_import_takes_layer_names_in_any_language_and_windows_1252(org: OrgContext) -> None:
    survey = open_survey(org)
    org.unit("Café", external_key="C")
    a = item_keys(org)[0]
    layers = ["team_leader", "Teamleider", "team leader", "TEAM-LEADER", " Medewerker ", "employee", "Employee", ""]
    body = (f"unit;layer;{a}\n" + "".join(f"Café;{layer};3\n" for layer in layers)).encode("cp1252")
    response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/responses/import", files=csv_upload(body))
    assert response.status_code == 201, response.text
    assert sorted(r["layer"] for r in stored(org, survey["id"])) == ["", *["employee"] * 3, *["team_leader"] * 4]
    bad = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/responses/import",
                         files=csv_upload(f"unit,layer,{a}\nCafé,chef,3\n"))
    assert bad.status_code == 422
    [error] = bad.json()["errors"]
    assert error["loc"] == ["file", 2, "layer"] and "team_leader (Team leader, Teamleider)" in error["msg"]


def test_invitation_import_takes_layer_names_and_answers_with_the_key(org: OrgContext) -> None:
    survey = open_survey(org)
    org.unit("Team", external_key="T1")
    response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations/import",
                              headers={"Accept": "text/csv"},
                              files=csv_upload("unit\tlayer\tcount\nT1\tTeamleider\t1\nT1\tdirecteur\t1\n"
                                               .encode("utf-16")))
    assert response.status_code == 201, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["layer"] for r in rows] == ["team_leader", "director"]


def _layer(key: str, rank: int, en: str, nl: str) -> Layer:
    return Layer(id=uuid.uuid4(), key=key, rank=rank, names={"en": en, "nl": nl})


def test_a_key_wins_and_a_name_two_layers_share_names_neither() -> None:
    lead, staff, other = (_layer("lead", 1, "Manager", "Leiding"), _layer("staff", 2, "Staff", "Leiding"),
                          _layer("manager", 3, "Boss", "Baas"))
    names = LayerNames([lead, staff, other])
    assert names.find("Leiding") is None  # two layers are called that
    assert names.find("manager") is other  # a key means its own layer, though another's name folds to it
    assert names.find("MANAGER") is None  # ... and once folded it is both a key and a name
    assert names.find("staff") is staff and names.find("Staff ") is staff and names.find("baas") is other
    assert "lead (Manager, Leiding)" in names.unknown("x")
