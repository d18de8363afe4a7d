"""Data-quality warnings: mis-keyed items, low alpha (by unit, layer and language), straight-lining, don't know."""

import csv
import io

import numpy as np
import pytest

from tests.factories import OrgContext
from tests.report_factories import Population
from tests.reports.test_profile import Keyed, cronbach, import_rows, reports, synthetic_rows
from tests.respond_factories import invite, item_keys, submit
from tests.survey_factories import builtin_questionnaire, open_survey
from tests.tables import written


def quality(org: OrgContext, survey_id: str, client=None, **params) -> dict:
    response = (client or org.admin).get(f"{reports(org, survey_id)}/data-quality", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def of(body: dict, code: str) -> list[dict]:
    return [w for w in body["warnings"] if w["code"] == code]


@pytest.fixture
def messy(org: OrgContext):
    """Q/Main (40, with 8 straight-liners and 'don't know' on one item), below it Q/Main/Tiny (3 straight-liners),
    Q/Noise (12 random answers), and the reverse-keyed item openness_3 answered as if it were not reversed."""
    rng = np.random.default_rng(11)
    keys = item_keys(org)
    rows = synthetic_rows(org, Population([("Q/Main", "employee", 40, 0.0)], missing=0.0, seed=3))
    for row in rows:
        row["openness_3"] = str(6 - int(row["openness_3"]))
    for row in rows[:14]:
        row["collegiality_2"] = "dont_know"
    rows += [{"unit": "Q/Main", "layer": "employee", **dict.fromkeys(keys, "4")} for _ in range(8)]
    rows += [{"unit": "Q/Noise", "layer": "employee", **{k: str(rng.integers(1, 6)) for k in keys}} for _ in range(12)]
    rows += [{"unit": "Q/Main/Tiny", "layer": "employee", **dict.fromkeys(keys, "2")} for _ in range(3)]
    return import_rows(org, rows)


def test_mis_keyed_item_is_flagged(org, messy):
    body = quality(org, messy.id, unit_id=messy.units["Q"])
    flagged = of(body, "negative_item_total")
    assert ("openness", "openness_3") in [(w["dimension"], w["item"]) for w in flagged]
    warning = next(w for w in flagged if w["item"] == "openness_3")
    data = Keyed(org, messy.rows)
    block = data.keyed[:, data.dim_of == 0]
    pos = [k for k in data.keys if data.keys.index(k) in np.flatnonzero(data.dim_of == 0)].index("openness_3")
    rest = np.delete(block, pos, axis=1).sum(axis=1)
    assert warning["evidence"]["value"] == pytest.approx(np.corrcoef(block[:, pos], rest)[0, 1])
    assert warning["evidence"]["n"] == len(messy.rows) and warning["severity"] == "critical"
    assert "openness_3" in warning["message"]["en"] and "openness_3" in warning["message"]["nl"]
    assert warning["group"]["unit_id"] == messy.units["Q"]


def test_low_alpha_in_a_visible_unit(org, messy):
    body = quality(org, messy.id, unit_id=messy.units["Q"])
    noisy = [w for w in of(body, "low_alpha") if w["group"]["unit_path"] == ["Q", "Noise"]]
    assert noisy
    data = Keyed(org, messy.rows)
    mask = data.where(unit_prefix="Q/Noise")
    names = {d["key"]: d["names"] for d in builtin_questionnaire(org)["dimensions"]}
    for warning in noisy:
        d = data.dimensions.index(warning["dimension"])
        alpha = cronbach(data.keyed[mask][:, data.dim_of == d])
        assert warning["evidence"] == {"n": 12, "figure": "alpha", "value": pytest.approx(alpha), "threshold": 0.7}
        assert alpha < 0.7
        assert warning["message"]["nl"].startswith(names[warning["dimension"]]["nl"] + " is niet consistent in Noise")
        assert warning["message"]["en"].startswith(names[warning["dimension"]]["en"] + " is not consistent in Noise")


def test_straight_lining_only_for_visible_groups(org, messy):
    body = quality(org, messy.id, unit_id=messy.units["Q"])
    lining = {"/".join(w["group"]["unit_path"]) + ":" + (w["group"]["layer_key"] or ""): w
              for w in of(body, "straight_lining")}
    assert lining["Q/Main:"]["evidence"] == {"n": 51, "figure": "straight_lining_share",
                                            "value": pytest.approx(11 / 51), "threshold": 0.1}
    assert lining["Q:"]["evidence"]["value"] == pytest.approx(11 / 63)
    assert lining["Q:employee"]["evidence"]["n"] == 63
    for warning in body["warnings"]:
        assert not warning["group"]["suppressed"] and warning["group"]["n"] is not None
    main = quality(org, messy.id, unit_id=messy.units["Q/Main"])
    assert main["group"]["n"] == 51
    assert all(w["group"]["unit_path"] != ["Q", "Main", "Tiny"] for w in main["warnings"])
    tiny = quality(org, messy.id, unit_id=messy.units["Q/Main/Tiny"])
    assert tiny["suppressed"] and tiny["warnings"] == [] and tiny["dont_know"] == []


def test_dont_know_share_per_item(org, messy):
    body = quality(org, messy.id, unit_id=messy.units["Q"])
    share = {d["item"]: d for d in body["dont_know"]}
    assert share["collegiality_2"] == {"item": "collegiality_2", "dimension": "collegiality", "n": 63,
                                       "dont_know": 14, "share": pytest.approx(14 / 63), "suppressed": False}
    assert share["openness_1"]["dont_know"] == 0
    [warning] = of(body, "high_dont_know")
    assert warning["item"] == "collegiality_2" and warning["severity"] == "info"
    profile = org.admin.get(f"{reports(org, messy.id)}/profile", params={"unit_id": messy.units["Q"]}).json()
    item = next(i for d in profile["dimensions"] for i in d["items"] if i["key"] == "collegiality_2")
    assert item["dont_know"] == 14 and item["n"] == 49


def _answers(org: OrgContext, rng: np.random.Generator, noise: bool) -> dict[str, int]:
    definition = builtin_questionnaire(org)
    reverse = {i["key"]: i["reverse"] for d in definition["dimensions"] for i in d["items"]}
    person = rng.normal(0, 0.8)
    out = {}
    for key in item_keys(org):
        value = int(rng.integers(1, 6)) if noise else int(np.clip(np.rint(3 + person + rng.normal(0, 0.4)), 1, 5))
        out[key] = 6 - value if reverse[key] and not noise else value
    return out


def test_low_alpha_by_answering_language(org, http):
    """Web answers carry their language: alpha per language only for the organisation as a whole, only where both
    the language group and the rest reach the minimum group size, and never with the group's n."""
    survey = open_survey(org, ask_desired=False, min_group_size=5, languages=["en", "nl"])
    ids = org.tree({"L": {"L1": {}, "L2": {}}})
    rng = np.random.default_rng(5)
    for unit, dutch, english in (("L1", 6, 6), ("L2", 4, 6)):
        tokens = invite(org, survey["id"], ids[unit], count=dutch + english)
        for i, token in enumerate(tokens):
            language = "nl" if i < dutch else "en"
            response = submit(http, token, _answers(org, rng, noise=language == "nl"), language=language)
            assert response.status_code in (200, 201), response.text
    org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").raise_for_status()
    whole = quality(org, survey["id"])
    by_language = [w for w in of(whole, "low_alpha") if w["language"]]
    assert by_language and {w["language"] for w in by_language} == {"nl"}
    assert all(w["evidence"]["n"] is None and "(nl)" in w["message"]["en"] for w in by_language)
    for unit in ("L1", "L2"):  # a unit's language groups are never described (nor is "the rest" of them)
        assert not [w for w in quality(org, survey["id"], unit_id=ids[unit])["warnings"] if w["language"]]


def test_unit_scoped_key(org, messy):
    scoped = org.client_for("analyst", messy.units["Q/Main"])
    body = quality(org, messy.id, client=scoped)
    assert body["group"]["unit_id"] == messy.units["Q/Main"]
    assert all(w["group"]["unit_path"][:2] == ["Q", "Main"] for w in body["warnings"])
    outside = scoped.get(f"{reports(org, messy.id)}/data-quality", params={"unit_id": messy.units["Q/Noise"]})
    assert outside.status_code == 404


def test_the_csv_holds_every_warning_and_dont_know_share(org, messy):
    body = quality(org, messy.id)
    response = org.admin.get(f"{reports(org, messy.id)}/data-quality", params={"format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    warnings = [r for r in rows if r["row"] == "warning"]
    assert len(warnings) == len(body["warnings"]) > 0
    for row, w in zip(warnings, body["warnings"], strict=True):
        assert (row["code"], row["severity"], row["figure"]) == (w["code"], w["severity"], w["evidence"]["figure"])
        assert row["value"] == written(w["evidence"]["value"], "value") and row["message_nl"] == w["message"]["nl"]
        assert row["evidence_n"] == ("" if w["evidence"]["n"] is None else str(w["evidence"]["n"]))
    shares = [r for r in rows if r["row"] == "dont_know"]
    assert [r["item"] for r in shares] == [d["item"] for d in body["dont_know"]]
    assert [r["value"] for r in shares] == [written(d["share"], "value") for d in body["dont_know"]]
