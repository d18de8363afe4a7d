"""Trend across versions of a questionnaire whose dimension changed scale (docs/scales.md): `trying` on 1..7 in
versions 1 and 3 and on 0..4 in version 2. A wave that asked it on another scale gives no figure of it
(`other_scale`); each dimension is read against its last comparable wave (`compared_with`), which the default
report looks back for past the previous wave, and says so in a sentence. Means checked by hand from the rows."""

import csv
import io
from typing import Any

import numpy as np
import pytest

from tests.factories import OrgContext
from tests.scale_factories import answers_csv, item_tops, mixed_questionnaire, mixed_survey

FOUR = {"min": 0, "max": 4, "labels": {"en": ["a", "b", "c", "d", "e"], "nl": ["a", "b", "c", "d", "e"]}}


def trying_scores(seed: int, q: dict[str, Any], low: int) -> np.ndarray:
    """Each respondent's trying score: trying_1 and the reverse-keyed trying_2 (low + high - x), averaged."""
    high = item_tops(q)["trying_2"]
    rows = list(csv.DictReader(io.StringIO(answers_csv(seed, tops=item_tops(q)))))
    return np.array([(int(r["trying_1"]) + low + high - int(r["trying_2"])) / 2 for r in rows])


@pytest.fixture
def waves(org: OrgContext) -> dict[str, Any]:
    v1 = mixed_questionnaire(org, key="changing")
    v2 = mixed_questionnaire(org, key="changing", **FOUR)
    v3 = mixed_questionnaire(org, key="changing")
    assert [v["version"] for v in (v1, v2, v3)] == [1, 2, 3]
    ids = {name: mixed_survey(org, q, seed=seed, title=name)
           for name, q, seed in (("W0", v1, 1), ("W1", v1, 2), ("W2", v2, 3), ("W3", v3, 4))}
    return {"ids": ids, "v1": v1, "v3": v3}


def trend(org: OrgContext, latest: str, **params: Any) -> dict[str, Any]:
    response = org.admin.get(f"{org.prefix}/surveys/{latest}/reports/trend", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_the_default_looks_back_for_the_last_comparable_wave(org: OrgContext, waves: dict[str, Any]) -> None:
    ids = waves["ids"]
    report = trend(org, ids["W3"])
    assert [w["title"] for w in report["waves"]] == ["W1", "W2", "W3"]  # W1: trying's last 1..7 wave
    dims = {d["key"]: d for d in report["dimensions"]}
    sharing, trying = dims["sharing"], dims["trying"]
    assert sharing["compared_with"] == ids["W2"] and sharing["comparison"] is None
    assert trying["compared_with"] == ids["W1"]
    assert [f["reason"] for f in trying["waves"]] == [None, "other_scale", None]
    assert trying["waves"][1]["mean"] is None and trying["waves"][1]["n"] is None
    by_kind = {(c["kind"], c["from_survey_id"]): c for c in trying["changes"]}
    assert by_kind[("consecutive", ids["W1"])]["reason"] == "other_scale"
    assert by_kind[("consecutive", ids["W2"])]["reason"] == "other_scale"
    since = by_kind[("first_to_last", ids["W1"])]
    before, after = trying_scores(2, waves["v1"], 1), trying_scores(4, waves["v3"], 1)
    assert trying["waves"][0]["mean"] == pytest.approx(before.mean(), abs=1e-12)
    assert since["difference"] == pytest.approx(after.mean() - before.mean(), abs=1e-12)
    assert trying["comparison"]["en"] == ("Trying is compared with W1, the latest earlier wave that asked it on the "
                                          "1-7 scale; W2 (0-4) asked it on another scale.")
    dutch = next(d for d in trend(org, ids["W3"], lang="nl")["dimensions"] if d["key"] == "trying")
    assert dutch["comparison"]["nl"] == ("Uitproberen wordt vergeleken met W1, de laatste eerdere meting die het op "
                                         "de schaal 1-7 vroeg; W2 (0-4) vroeg het op een andere schaal.")
    # sharing kept its scale: every wave shows it
    assert all(f["mean"] is not None for f in sharing["waves"])
    items = {i["key"]: i for i in report["items"]}
    assert items["trying_1"]["waves"][1]["reason"] == "other_scale" and items["trying_1"]["compared_with"] == ids["W1"]
    assert items["sharing_1"]["waves"][1]["reason"] is None


def test_named_waves_on_another_scale_are_marked_not_refused(org: OrgContext, waves: dict[str, Any]) -> None:
    ids = waves["ids"]
    only = trend(org, ids["W3"], surveys=ids["W2"])  # 422 before: now trying alone has no comparable wave
    trying = next(d for d in only["dimensions"] if d["key"] == "trying")
    assert trying["compared_with"] is None and trying["changes"][0]["reason"] == "other_scale"
    assert trying["comparison"]["en"].startswith("No earlier wave asked Trying on the 1-7 scale (W2 (0-4))")
    sharing = next(d for d in only["dimensions"] if d["key"] == "sharing")
    assert sharing["changes"][0]["difference"] is not None and sharing["compared_with"] == ids["W2"]
    # three earlier waves: trying's last comparable one is in the middle, so its change gets a pair of its own
    report = trend(org, ids["W3"], surveys=",".join(ids[w] for w in ("W0", "W1", "W2")))
    trying = next(d for d in report["dimensions"] if d["key"] == "trying")
    assert trying["compared_with"] == ids["W1"]
    (own,) = [c for c in trying["changes"] if c["kind"] == "last_comparable"]
    assert (own["from_survey_id"], own["to_survey_id"]) == (ids["W1"], ids["W3"])
    after, before = trying_scores(4, waves["v3"], 1), trying_scores(2, waves["v1"], 1)
    assert own["difference"] == pytest.approx(after.mean() - before.mean(), abs=1e-12)
    assert own["welch"]["family_size"] == report["dimension_family_size"]  # one Holm family with the others
    sharing = next(d for d in report["dimensions"] if d["key"] == "sharing")
    assert not [c for c in sharing["changes"] if c["kind"] == "last_comparable"]  # its neighbour is comparable
    table = org.admin.get(f"{org.prefix}/surveys/{ids['W3']}/reports/trend",
                          params={"surveys": ",".join(ids[w] for w in ("W0", "W1", "W2")), "format": "csv"}).text
    rows = [r for r in csv.DictReader(line for line in io.StringIO(table) if not line.startswith("#"))
            if r["row"] == "last_comparable"]
    assert [(r["key"], r["from_survey_id"]) for r in rows if r["level"] == "dimension"] == [("trying", ids["W1"])]


def test_statements_and_the_board_name_the_wave_compared_with(org: OrgContext, waves: dict[str, Any]) -> None:
    ids = waves["ids"]
    items = org.admin.get(f"{org.prefix}/surveys/{ids['W3']}/reports/item-profile").json()
    assert items["previous_survey_id"] == ids["W2"]
    statements = {s["key"]: s for d in items["dimensions"] for s in d["statements"]}
    assert statements["trying_1"]["previous"]["reason"] == "other_scale"
    assert statements["trying_1"]["previous"]["mean"] is None
    assert statements["trying_1"]["change"]["reason"] == "other_scale"
    assert statements["sharing_1"]["previous"]["mean"] is not None
    html = org.admin.get(f"{org.prefix}/surveys/{ids['W3']}/reports/board-report", params={"format": "html"}).text
    readiness = html[html.find("Readiness"):html.find("Heatmap")]
    assert "since W1" in readiness and "since W2" in readiness  # trying against W1, sharing against W2


def test_an_actions_effect_is_read_in_the_next_wave_on_its_dimensions_scale(org: OrgContext,
                                                                            waves: dict[str, Any]) -> None:
    ids = waves["ids"]
    actions = f"{org.prefix}/surveys/{ids['W1']}/actions"

    def effect(dimension: str, **params: Any) -> dict[str, Any]:
        made = org.admin.post(actions, json={"dimension_key": dimension, "title": f"Act on {dimension}"})
        assert made.status_code == 201, made.text
        response = org.admin.get(f"{actions}/{made.json()['id']}/effect", params=params)
        assert response.status_code == 200, response.text
        return dict(response.json())

    trying = effect("trying")  # W2 asked trying on 0..4: the next wave on its 1..7 is W3
    assert trying["after_survey_id"] == ids["W3"]
    before, after = trying_scores(2, waves["v1"], 1), trying_scores(4, waves["v3"], 1)
    assert trying["dimension"]["change"]["difference"] == pytest.approx(after.mean() - before.mean(), abs=1e-12)
    assert effect("sharing")["after_survey_id"] == ids["W2"]
    named = effect("trying", after_survey_id=ids["W2"])  # named: no figure set beside another scale's
    assert named["dimension"]["change"]["reason"] == "other_scale"
    assert named["dimension"]["before"]["reason"] == "other_scale"  # read on the later wave's scale
