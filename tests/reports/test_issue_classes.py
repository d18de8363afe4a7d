"""The classes of leaks an independent attacker found (issue 12), each as its worked example: every figure of a
dimension now rests on one respondent set per frame, so the arithmetic that isolated the few who left something out
gives zero, or a group of at least k. (Open waves over time: tests/reports/test_publication.py; every figure of
every report against every small group: tests/attack.)"""

from typing import Any

import pytest

from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.survey_factories import builtin_questionnaire

POP = [("Org/D/T", "employee", 7, 0.0), ("Org/D/U", "employee", 9, 0.2), ("Org/E/V", "employee", 8, -0.1),
       ("Org/E/W", "employee", 10, 0.1)]


def _get(org: OrgContext, survey: str, name: str, **params: Any) -> Any:
    response = org.admin.get(f"{org.prefix}/surveys/{survey}/reports/{name}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _keyed_item_means(org: OrgContext, dimension: dict[str, Any]) -> float:
    """The sum of a profile dimension's item means, keyed (6 - x for reverse-keyed items), as the attacker did."""
    reverse = {i["key"]: i["reverse"] for d in builtin_questionnaire(org)["dimensions"] for i in d["items"]}
    return sum(6 - i["mean"] if reverse[i["key"]] else i["mean"] for i in dimension["items"])


@pytest.fixture
def skipped(org: OrgContext) -> Any:
    # in T: two leave the desired frame of openness blank; in U: one skips a personal initiative item, two skip a
    # transparency item (both frames)
    return survey_with_responses(org, Population(POP, missing=0.0, seed=12, blank={
        0: {"openness:desired": 2}, 1: {"personal_initiative_3": 1, "transparency_2": 2}}))


def test_frames_current_rests_on_one_set(org, skipped):
    t = skipped.units["Org/D/T"]
    profile = next(d for d in _get(org, skipped.id, "profile", unit_id=t)["dimensions"] if d["key"] == "openness")
    gap = next(d for d in _get(org, skipped.id, "desired-gap", unit_id=t)["groups"][0]["dimensions"]
               if d["key"] == "openness")
    # was: profile n 7 against desired-gap n 5 over the current frame, 7 x mean - 5 x mean = the two skippers
    assert gap["n_current"] == profile["n"] == 7 and gap["mean_current"] == pytest.approx(profile["mean"], abs=1e-12)
    assert gap["n_desired"] == 5 and gap["n"] == 5


def test_a_dimension_and_its_items_rest_on_one_set(org, skipped):
    u = skipped.units["Org/D/U"]
    for name in ("personal_initiative", "transparency"):
        d = next(x for x in _get(org, skipped.id, "profile", unit_id=u)["dimensions"] if x["key"] == name)
        assert d["n"] == 9 - {"personal_initiative": 1, "transparency": 2}[name]
        assert {i["n"] for i in d["items"]} == {d["n"]}
        # was: 5 x dimension sum - the item sums = the skipper's score; now the identity holds exactly
        assert 5 * d["mean"] == pytest.approx(_keyed_item_means(org, d), abs=1e-9)
        # pooled shares are the items' shares over the same set
        assert d["n_answers"] == 5 * d["n"]


def test_pooled_shares_never_outlive_a_hidden_item(org):
    data = survey_with_responses(org, Population([("S/Tiny", "employee", 3, 0.0), ("S/Big", "employee", 9, 0.0)],
                                                 missing=0.0, seed=2, blank={0: {"transparency_2": 1}}),
                                 min_group_size=3)
    tiny = next(d for d in _get(org, data.id, "profile", unit_id=data.units["S/Tiny"])["dimensions"]
                if d["key"] == "transparency")
    # two of three answered everything: the dimension, its items and its pooled shares are hidden together
    assert tiny["n"] is None and tiny["n_answers"] is None and tiny["favourable"] is None
    assert all(i["n"] is None and i["favourable"] is None for i in tiny["items"])


def test_different_reports_of_one_cell_share_its_set(org, skipped):
    d = skipped.units["Org/D"]
    gap = next(x for x in _get(org, skipped.id, "desired-gap", unit_id=d)["groups"][0]["dimensions"]
               if x["key"] == "collegiality")
    row = next(g for g in _get(org, skipped.id, "breakdown", unit_id=skipped.units["Org"], level="children")["groups"]
               if g["group"]["unit_id"] == d)
    figure = next(x for x in row["dimensions"] if x["key"] == "collegiality")
    # was: desired-gap's current mean over the pairs against the breakdown's over the scored
    assert (gap["n_current"], gap["mean_current"]) == (figure["n"], pytest.approx(figure["mean"], abs=1e-12))


def test_language_groups_are_never_described_below_the_organisation(org, skipped):
    for unit in ("Org/D", "Org/D/T"):
        quality = _get(org, skipped.id, "data-quality", unit_id=skipped.units[unit])
        assert not [w for w in quality["warnings"] if w["language"]]
    assert all(w["evidence"]["n"] is None for w in _get(org, skipped.id, "data-quality")["warnings"]
               if w["language"])
