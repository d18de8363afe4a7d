"""One scale per dimension in a custom questionnaire, end to end: a research instrument with a 1..5 part
("sharing", sharing_2 reverse-keyed, with "don't know") and a 0..4 part ("trying", trying_2 reverse-keyed, no
"don't know") in one questionnaire. Validation per field, the read-back, the respondent form's options and the
answers it takes, the import, the reports' figures (hand-computed here from the rows; rwg(j) against
multilevel::rwg.j in tests/stats/reference/dimension_scales.json) and the SPSS value labels."""

import csv
import gzip
import io
from typing import Any

import numpy as np
import pytest

from tests.factories import OrgContext
from tests.respond_factories import RESPOND, csv_upload, error_locs, invite, stored, submit, token_headers
from tests.stats.helpers import REFERENCE, load_ref
from tests.survey_factories import create_survey, open_survey, questionnaire_body

TRYING = {"min": 0, "max": 4, "labels": {"en": ["None", "A little", "Some", "Much", "Very much"],
                                         "nl": ["Geen", "Een beetje", "Enigszins", "Veel", "Heel veel"]}}
ITEMS = ["sharing_1", "sharing_2", "sharing_3", "trying_1", "trying_2"]
REVERSE = {"sharing_2": 6, "trying_2": 4}  # min + max of the item's own scale


def body(**scale: Any) -> dict[str, Any]:
    b = questionnaire_body(key="two-scales")
    b["dimensions"][1]["scale"] = {**TRYING, **scale}
    return b


@pytest.fixture
def two_scales(org: OrgContext) -> dict[str, Any]:
    created = org.admin.post(f"{org.prefix}/questionnaires", json=body())
    assert created.status_code == 201, created.text
    return dict(created.json())


def test_a_dimensions_scale_is_checked_field_by_field(org: OrgContext) -> None:
    bad = body(min=4, max=4, labels={"en": ["x"], "de": ["y"]}, dont_know_label={"en": "?"})
    locs = error_locs(org.admin.post(f"{org.prefix}/questionnaires", json=bad))
    scale = ["body", "dimensions", 1, "scale"]
    assert [*scale, "max"] in locs  # min < max
    assert [*scale, "labels", "nl"] in locs and [*scale, "labels", "de"] in locs  # every language, no other
    assert [*scale, "dont_know_label", "nl"] in locs
    counted = org.admin.post(f"{org.prefix}/questionnaires", json=body(labels={"en": ["a"] * 4, "nl": ["b"] * 5}))
    assert error_locs(counted) == [[*scale, "labels", "en"]]
    assert "give exactly 5 labels" in counted.json()["errors"][0]["msg"]
    assert error_locs(org.admin.post(f"{org.prefix}/questionnaires", json=body(min=-101))) == [[*scale, "min"]]


def test_the_definition_reads_back_each_dimensions_scale(org: OrgContext, two_scales: dict[str, Any]) -> None:
    sharing, trying = two_scales["dimensions"]
    assert two_scales["uniform_scale"] is False and (two_scales["scale_min"], two_scales["scale_max"]) == (1, 5)
    assert sharing["own_scale"] is False and sharing["scale"]["min"] == 1 and sharing["scale"]["max"] == 5
    assert sharing["scale"]["dont_know_label"] == {"en": "Don't know", "nl": "Weet ik niet"}
    assert trying["own_scale"] is True
    assert trying["scale"] == {**TRYING, "dont_know_label": None}  # an own scale brings its own "don't know"
    listed = {q["id"]: q for q in org.admin.get(f"{org.prefix}/questionnaires").json()}
    assert listed[two_scales["id"]]["uniform_scale"] is False
    assert all(q["uniform_scale"] for q in listed.values() if q["builtin"])


def test_the_form_offers_each_dimensions_options_and_the_api_holds_answers_to_them(
        org: OrgContext, two_scales: dict[str, Any], http: Any) -> None:
    survey = open_survey(org, questionnaire_id=two_scales["id"])
    unit = org.unit("Town")
    token, other = invite(org, survey["id"], unit, count=2)
    form = http.get(RESPOND, params={"lang": "nl"}, headers=token_headers(token)).json()["questionnaire"]
    assert form["scale"] == {"min": 1, "max": 5, "labels": ["Nooit", "Zelden", "Soms", "Vaak", "Altijd"],
                             "dont_know": "Weet ik niet"}
    assert "scale" not in form["dimensions"][0]  # the questionnaire's
    assert form["dimensions"][1]["scale"] == {"min": 0, "max": 4, "labels": TRYING["labels"]["nl"], "dont_know": None}
    wrong = submit(http, token, {"sharing_1": 0, "trying_1": 5, "trying_2": "dont_know", "sharing_3": "dont_know"})
    assert wrong.status_code == 422
    errors = {e["loc"][-1]: e for e in wrong.json()["errors"]}
    assert set(errors) == {"sharing_1", "trying_1", "trying_2"}  # "don't know" is fine on sharing only
    assert "from 1 to 5" in errors["sharing_1"]["msg"] and "from 0 to 4" in errors["trying_1"]["msg"]
    assert errors["trying_2"]["type"] == "dont_know_not_allowed"
    ok = submit(http, token, {"sharing_1": 1, "sharing_2": "dont_know", "sharing_3": 5, "trying_1": 0, "trying_2": 4})
    assert ok.status_code == 201, ok.text
    assert submit(http, other, {"trying_1": 4, "trying_2": 0}).status_code == 201
    rows = stored(org, survey["id"])
    assert sorted((r["sharing_1"], r["trying_1"], r["trying_2"]) for r in rows) == [("", "4", "0"), ("1", "0", "4")]


def reference_csv() -> tuple[str, list[dict[str, str]]]:
    with gzip.open(REFERENCE / "dimension_scales.csv.gz", "rt", encoding="utf-8") as f:
        text = f.read()
    return text, list(csv.DictReader(io.StringIO(text)))


def imported(org: OrgContext, q: dict[str, Any]) -> str:
    survey = create_survey(org, questionnaire_id=q["id"], ask_desired=False, min_group_size=5)
    text, _ = reference_csv()
    response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/responses/import",
                              params={"unknown_units": "create"}, files=csv_upload(text))
    assert response.status_code == 201, response.text
    return str(survey["id"])


def test_an_import_is_checked_against_each_items_scale(org: OrgContext, two_scales: dict[str, Any]) -> None:
    survey = create_survey(org, questionnaire_id=two_scales["id"], ask_desired=False)
    org.unit("Town")
    text = ("unit,layer," + ",".join(ITEMS) + "\nTown,employee,1,5,5,0,4\nTown,employee,0,5,dont_know,5,dont_know\n")
    response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/responses/import", files=csv_upload(text))
    assert response.status_code == 422, response.text
    found = {(e["loc"][1], e["loc"][2]): e["msg"] for e in response.json()["errors"]}
    assert set(found) == {(3, "sharing_1"), (3, "trying_1"), (3, "trying_2")}, found
    assert "from 1 to 5" in found[(3, "sharing_1")] and "from 0 to 4" in found[(3, "trying_1")]
    assert "no \"don't know\"" in found[(3, "trying_2")]  # but "dont_know" on sharing_3 is fine


def keyed(rows: list[dict[str, str]]) -> dict[str, np.ndarray]:
    return {k: np.array([REVERSE[k] - float(r[k]) if k in REVERSE else float(r[k]) for r in rows]) for k in ITEMS}


def test_reports_follow_each_dimensions_scale(org: OrgContext, two_scales: dict[str, Any]) -> None:
    survey = imported(org, two_scales)
    _, rows = reference_csv()
    k = keyed(rows)
    profile = org.admin.get(f"{org.prefix}/surveys/{survey}/reports/profile").json()
    dims = {d["key"]: d for d in profile["dimensions"]}
    sharing = np.column_stack([k["sharing_1"], k["sharing_2"], k["sharing_3"]])
    trying = np.column_stack([k["trying_1"], k["trying_2"]])
    assert dims["sharing"]["mean"] == pytest.approx(sharing.mean())
    assert dims["trying"]["mean"] == pytest.approx(trying.mean())  # 4 - x for trying_2, not 6 - x
    # favourable: the top two keyed options of each scale (4, 5 on 1..5; 3, 4 on 0..4), unfavourable the bottom two
    assert dims["sharing"]["favourable"] == pytest.approx((sharing >= 4).mean())
    assert dims["sharing"]["unfavourable"] == pytest.approx((sharing <= 2).mean())
    assert dims["trying"]["favourable"] == pytest.approx((trying >= 3).mean())
    assert dims["trying"]["unfavourable"] == pytest.approx((trying <= 1).mean())
    t1 = next(i for i in dims["trying"]["items"] if i["key"] == "trying_1")
    raw = np.array([float(r["trying_1"]) for r in rows])
    assert [(a["value"], a["label"], a["count"]) for a in t1["distribution"]] == [
        (v, TRYING["labels"]["en"][v], int((raw == v).sum())) for v in range(5)]
    s1 = next(i for i in dims["sharing"]["items"] if i["key"] == "sharing_1")
    assert [a["value"] for a in s1["distribution"]] == [1, 2, 3, 4, 5]
    table = org.admin.get(f"{org.prefix}/surveys/{survey}/reports/profile", params={"format": "csv"}).text
    header = next(csv.reader(line for line in io.StringIO(table) if not line.startswith("#")))
    assert [c for c in header if c.startswith("count_")] == [f"count_{v}" for v in range(6)]
    # rwg(j) per team with A = each dimension's own number of options (multilevel::rwg.j, ranvar per dimension)
    ref = load_ref("dimension_scales")["rwg_j"]
    agreement = org.admin.get(f"{org.prefix}/surveys/{survey}/reports/agreement").json()
    for team in agreement["teams"]:
        path = "/".join(team["group"]["unit_path"])
        for d in team["dimensions"]:
            assert d["rwg_j"] == pytest.approx(ref[d["key"]][path], rel=1e-9), (path, d["key"])
    assert [(d["key"], d["options"], d["null_variance"]) for d in agreement["dimensions"]] == [
        ("sharing", 5, 2.0), ("trying", 5, 2.0)]  # not the envelope 0..5's 6 options and 35/12
    table = org.admin.get(f"{org.prefix}/surveys/{survey}/reports/agreement", params={"format": "csv"}).text
    dimension_rows = [r for r in csv.DictReader(line for line in io.StringIO(table) if not line.startswith("#"))
                      if r["row"] == "dimension"]
    assert [(r["dimension"], r["options"], float(r["null_variance"])) for r in dimension_rows] == [
        ("sharing", "5", 2.0), ("trying", "5", 2.0)]
    # the readiness summary compares the dimensions as POMP (0..1), each on its own range
    readiness = org.admin.get(f"{org.prefix}/surveys/{survey}/reports/readiness").json()
    assert readiness["metric"] == "pomp"
    by_key = {d["key"]: d for d in readiness["dimensions"]}
    assert by_key["trying"]["pomp"] == pytest.approx(trying.mean() / 4)
    assert by_key["sharing"]["pomp"] == pytest.approx((sharing.mean() - 1) / 4)
    assert (by_key["trying"]["scale_min"], by_key["trying"]["scale_max"]) == (0, 4)
    assert "0-4" in by_key["trying"]["reading"]["en"] and "0-4" in by_key["trying"]["reading"]["nl"]
    # the heatmap's CSV names each dimension's scale beside its figures, as its JSON columns do
    heat = org.admin.get(f"{org.prefix}/surveys/{survey}/reports/heatmap", params={"format": "csv"}).text
    first = next(csv.DictReader(line for line in io.StringIO(heat) if not line.startswith("#")))
    assert (first["trying_scale_min"], first["trying_scale_max"]) == ("0", "4")
    assert (first["sharing_scale_min"], first["sharing_scale_max"]) == ("1", "5")


def test_spss_value_labels_follow_each_dimensions_scale(org: OrgContext, two_scales: dict[str, Any]) -> None:
    survey = imported(org, two_scales)
    sps = org.admin.get(f"{org.prefix}/surveys/{survey}/responses/export", params={"format": "sps"})
    assert sps.status_code == 200, sps.text
    text = sps.text
    labels = text[text.index("VALUE LABELS"):text.index("MISSING VALUES")]
    lines = {line.strip().lstrip("/").split(" ", 1)[0]: line for line in labels.splitlines()[1:]}
    options = "0 'None' 1 'A little' 2 'Some' 3 'Much' 4 'Very much'"
    for key in ("trying_1", "trying_2"):
        assert lines[key].split(" 99 ")[0].strip() == f"/{key} {options}"
    assert lines["sharing_1"].split(" 99 ")[0].strip().lstrip("/") == (
        "sharing_1 1 'Never' 2 'Rarely' 3 'Sometimes' 4 'Often' 5 'Always'")


def test_the_board_report_names_each_dimensions_scale(org: OrgContext, two_scales: dict[str, Any]) -> None:
    survey = imported(org, two_scales)
    for lang, phrase in (("en", "on each dimension's own scale (Sharing 1-5, Trying 0-4)"),
                         ("nl", "op de eigen schaal van elke dimensie (Delen 1-5, Uitproberen 0-4)")):
        html = org.admin.get(f"{org.prefix}/surveys/{survey}/reports/board-report",
                             params={"format": "html", "lang": lang})
        assert html.status_code == 200, html.text
        assert html.text.count(phrase.replace("'", "&#x27;")) == 2, lang  # the heatmap's lead and the method
