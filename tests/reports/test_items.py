"""The statements report (`item-profile`): the same figures as the profile, the desired frame computed here from
the imported rows, the previous wave and change as the trend, suppression, CSV."""

import csv
import io
from typing import Any

import numpy as np
import pytest

from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.survey_factories import builtin_questionnaire
from tests.tables import written

POP = [("Town/Social", "employee", 14, 0.0), ("Town/Social", "team_leader", 5, 0.4),
       ("Town/Space", "employee", 12, -0.2), ("Town", "director", 5, 0.6)]


def url(org: OrgContext, survey: str, report: str) -> str:
    return f"{org.prefix}/surveys/{survey}/reports/{report}"


def get(org: OrgContext, survey: str, report: str, **params: Any) -> Any:
    response = org.admin.get(url(org, survey, report), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def desired_block(org: OrgContext, rows: list[dict[str, str]], dimension: str) -> tuple[list[str], np.ndarray]:
    """The desired answers (as ticked) of those who answered every statement of the dimension in that frame."""
    definition = builtin_questionnaire(org)
    keys = [i["key"] for i in next(d for d in definition["dimensions"] if d["key"] == dimension)["items"]]
    block = np.array([[float(r[f"{k}:desired"]) if r.get(f"{k}:desired") else np.nan for k in keys] for r in rows])
    return keys, block[~np.isnan(block).any(axis=1)]


def test_statements_are_the_profiles_the_desired_frame_and_the_trend(org):
    waves = [survey_with_responses(org, Population(POP, seed=s, desired_gap=0.5)) for s in (3, 4)]
    report = get(org, waves[1].id, "item-profile")
    profile = get(org, waves[1].id, "profile")
    before = get(org, waves[0].id, "profile")
    trend = get(org, waves[1].id, "trend")
    assert report["previous_survey_id"] == waves[0].id and report["ask_desired"]
    assert [d["key"] for d in report["dimensions"]] == [d["key"] for d in profile["dimensions"]]
    changes = {i["key"]: i["changes"][0] for i in trend["items"]}
    old = {i["key"]: i for d in before["dimensions"] for i in d["items"]}
    for d, p in zip(report["dimensions"], profile["dimensions"], strict=True):
        assert d["n"] == p["n"]
        keys, wished = desired_block(org, waves[1].rows, d["key"])
        for s, i in zip(d["statements"], p["items"], strict=True):
            now = s["current"]
            assert (now["n"], now["mean"], now["ci"], now["favourable"], now["unfavourable"], now["distribution"]) \
                == (i["n"], i["mean"], i["ci"], i["favourable"], i["unfavourable"], i["distribution"])
            assert now["neutral"] == pytest.approx(1 - i["favourable"] - i["unfavourable"], abs=1e-12)
            assert s["dont_know"] == i["dont_know"]
            column = wished[:, keys.index(s["key"])]
            keyed = 6 - column if s["reverse"] else column
            want = s["desired"]
            assert want["n"] == len(column) and want["mean"] == pytest.approx(column.mean(), abs=1e-12)
            assert want["favourable"] == pytest.approx((keyed >= 4).mean(), abs=1e-12)
            assert want["unfavourable"] == pytest.approx((keyed <= 2).mean(), abs=1e-12)
            assert [a["count"] for a in want["distribution"]] == [int((column == v).sum()) for v in range(1, 6)]
            sign = -1 if s["reverse"] else 1
            assert s["gap"] == pytest.approx(sign * (want["mean"] - now["mean"]), abs=1e-12)
            was = old[s["key"]]
            assert (s["previous"]["n"], s["previous"]["mean"], s["previous"]["favourable"]) == (
                was["n"], was["mean"], was["favourable"])
            assert s["change"] == changes[s["key"]]
            assert s["favourable_change"] == pytest.approx(now["favourable"] - was["favourable"], abs=1e-12)
    first = get(org, waves[0].id, "item-profile")
    assert first["previous_survey_id"] is None
    assert all(s["previous"] is None and s["change"] is None for d in first["dimensions"] for s in d["statements"])
    text = org.admin.get(url(org, waves[1].id, "item-profile"), params={"format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == sum(len(d["statements"]) for d in report["dimensions"])
    s = report["dimensions"][0]["statements"][0]
    assert rows[0]["current_mean"] == written(s["current"]["mean"], "current_mean")
    assert rows[0]["desired_favourable"] == written(s["desired"]["favourable"], "desired_favourable")
    assert rows[0]["change"] == written(s["change"]["difference"], "change")
    nl = get(org, waves[1].id, "item-profile", lang="nl")
    assert nl["language"] == "nl" and nl["dimensions"][0]["name"] == get(org, waves[1].id, "profile",
                                                                        lang="nl")["dimensions"][0]["name"]


def test_hidden_where_the_profile_or_a_frame_hides(org):
    # Space's employees: 6, of whom 2 leave the first dimension blank in the desired frame only: the desired set of
    # that dimension there is 4 < k while the current set is 6.
    definition = builtin_questionnaire(org)
    first = definition["dimensions"][0]["key"]
    pop = Population([("Town/Social", "employee", 8, 0.0), ("Town/Space", "employee", 6, 0.2)], missing=0.0,
                     blank={1: {f"{first}:desired": 2}})
    survey = survey_with_responses(org, pop)
    space = survey.units["Town/Space"]
    report = get(org, survey.id, "item-profile", unit_id=space)
    profile = get(org, survey.id, "profile", unit_id=space)
    assert not report["suppressed"]
    for d, p in zip(report["dimensions"], profile["dimensions"], strict=True):
        for s, i in zip(d["statements"], p["items"], strict=True):
            assert s["current"]["n"] == i["n"] and s["current"]["reason"] == i["reason"]
            if d["key"] == first:
                assert s["desired"]["n"] is None and s["desired"]["distribution"] == []
                assert s["desired"]["reason"] in ("below_minimum", "protects_smaller_group") and s["gap"] is None
            if s["current"]["n"] is None:
                assert s["desired"]["n"] is None
    tiny = survey_with_responses(org, Population([("Village/Team", "employee", 3, 0.0)]))
    hidden = get(org, tiny.id, "item-profile")
    assert hidden["suppressed"] and hidden["dimensions"] == []
    text = org.admin.get(url(org, tiny.id, "item-profile"), params={"format": "csv"}).text
    assert text.splitlines()[1].endswith("true,below_minimum")


def test_the_children_in_one_answer_as_each_unit_alone(org):
    """`level=children`: each child unit exactly as `unit_id=<child>` answers it (a hidden one too), in one answer;
    CSV with the unit first."""
    pop = [*POP, ("Town/Tiny", "employee", 3, 0.0)]
    waves = [survey_with_responses(org, Population(pop, seed=s, desired_gap=0.5)) for s in (5, 6)]
    sid = waves[1].id
    town = waves[1].units["Town"]
    answer = get(org, sid, "item-profile", level="children", unit_id=town)
    assert answer["level"] == "children" and answer["scope"]["unit_id"] == town
    children = [waves[1].units[p] for p in ("Town/Social", "Town/Space", "Town/Tiny")]
    assert sorted(u["group"]["unit_id"] for u in answer["units"]) == sorted(children)
    for unit in answer["units"]:
        alone = get(org, sid, "item-profile", unit_id=unit["group"]["unit_id"])
        assert unit == alone
    tiny = next(u for u in answer["units"] if u["group"]["unit_id"] == waves[1].units["Town/Tiny"])
    assert tiny["suppressed"] and tiny["dimensions"] == []
    assert any(s["change"] and s["change"]["difference"] is not None for u in answer["units"]
               for d in u["dimensions"] for s in d["statements"])
    top = get(org, sid, "item-profile", level="children")  # the organisation: its top units
    assert [u["group"]["unit_id"] for u in top["units"]] == [town]
    text = org.admin.get(url(org, sid, "item-profile"), params={"format": "csv", "level": "children",
                                                                "unit_id": town}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == sum(max(1, sum(len(d["statements"]) for d in u["dimensions"])) for u in answer["units"])
    assert {r["unit_name"] for r in rows} == {"Social", "Space", "Tiny"}
    assert [r["hidden_reason"] for r in rows if r["unit_name"] == "Tiny"] == ["below_minimum"]
