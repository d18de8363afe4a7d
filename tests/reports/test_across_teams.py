"""The tests across teams (agreement report) and the statements' fit (profile), end to end through the API on one
generated organisation, against R (`tests/stats/reference/make_teams_reference.R`: oneway.test, kruskal.test,
ptukey Games-Howell, multilevel::rwg.j, psych::alpha); and hidden teams never enter a test."""

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.stats import welch_anova
from tests.factories import OrgContext
from tests.reports.test_gaps import csv_rows
from tests.survey_factories import builtin_questionnaire, create_survey

REFERENCE = Path(__file__).parents[1] / "stats" / "reference"
REF = json.loads((REFERENCE / "teams.json").read_text())
REL = 1e-6


def close(actual: Any, expected: Any, rel: float = REL) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=rel,
                               atol=1e-12)


def _import(org: OrgContext) -> tuple[str, list[dict[str, str]]]:
    text = gzip.decompress((REFERENCE / "teams_org.csv.gz").read_bytes()).decode()
    survey = create_survey(org, ask_desired=False, min_group_size=5)
    response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/responses/import",
                              params={"unknown_units": "create"}, files={"file": ("r.csv", text.encode(), "text/csv")})
    assert response.status_code == 201, response.text
    return f"{org.prefix}/surveys/{survey['id']}/reports", list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def teams_org(org: OrgContext) -> tuple[str, list[dict[str, str]]]:
    return _import(org)


def _path(unit_path: list[str]) -> str:
    return "/".join(unit_path)


def test_tests_across_teams_match_r(org, teams_org):
    url, _ = teams_org
    report = org.admin.get(f"{url}/agreement", params={"pairs": "all"}).json()
    teams = {_path(t["group"]["unit_path"]): t for t in report["teams"]}
    assert not {"Dept/Pair", "Dept/Trio"} & set(teams)  # below k: their answers count with the department
    assert [d["key"] for d in report["dimensions"]] == list(REF["dimensions"])
    for d, dim in enumerate(report["dimensions"]):
        ref = REF["dimensions"][dim["key"]]
        expected_teams = ref["teams"]["value"]
        shown = {name: teams[name]["dimensions"][d] for name in teams if not teams[name]["suppressed"]
                 and teams[name]["dimensions"][d]["mean"] is not None}
        assert set(shown) == set(expected_teams)  # the visible teams on this dimension, and only they
        for name, figure in shown.items():
            assert figure["n"] == expected_teams[name]["n"]
            close(figure["mean"], expected_teams[name]["mean"])
            close(figure["rwg_j"], ref["rwg_j"]["value"]["teams"][name])
        rwg = ref["rwg_j"]["value"]
        close([dim["mean_rwg_j"], dim["median_rwg_j"]], [rwg["mean"], rwg["median"]])
        t = dim["teams_differ"]
        assert t["n_teams"] == dim["n_teams"] == len(expected_teams)
        assert t["n"] == dim["n"] == sum(v["n"] for v in expected_teams.values())
        for name, got_f, got_df, got_p in (("welch", t["welch_f"], t["welch_df"], t["welch"]),
                                           ("oneway", t["oneway_f"], t["oneway_df"], t["oneway"])):
            r = ref[name]["value"]
            close([got_f, *got_df, got_p["p"], got_p["p_adjusted"]], [r["f"], *r["df"], r["p"], r["p_holm"]])
            assert got_p["correction"] == "holm" and got_p["family_size"] == 5
        r = ref["kruskal"]["value"]
        close([t["kruskal_h"], t["kruskal_df"], t["kruskal"]["p"], t["kruskal"]["p_adjusted"]],
              [r["h"], r["df"], r["p"], r["p_holm"]])
        assert t["significant"] == (r["p"] is not None and ref["welch"]["value"]["p_holm"] < 0.05)
        close(dim["f"], ref["oneway"]["value"]["f"])  # the ICC's F: the same teams
        pairs = {frozenset((_path(p["first_path"]), _path(p["second_path"]))): p for p in t["pairs"]}
        assert len(pairs) == t["n_pairs"] == len(ref["games_howell"]["value"])
        for e in ref["games_howell"]["value"]:
            p = pairs[frozenset((e["first"], e["second"]))]
            sign = 1.0 if _path(p["first_path"]) == e["first"] else -1.0
            close([sign * p["difference"], sign * p["t"], p["df"], p["p"]], [e["diff"], e["t"], e["df"], e["p"]])
            ci = sorted([sign * p["difference_ci"]["low"], sign * p["difference_ci"]["high"]])
            close(ci, e["ci"])
            assert p["significant"] == (e["p"] < 0.05)
        assert t["n_significant_pairs"] == sum(1 for e in ref["games_howell"]["value"] if e["p"] < 0.05)
        largest = max(ref["games_howell"]["value"], key=lambda e: abs(e["diff"]))
        got = t["largest_difference"]
        assert {_path(got["first_path"]), _path(got["second_path"])} == {largest["first"], largest["second"]}
        if t["significant"] and got["significant"]:
            assert t["reading"]["en"].startswith(f"Teams differ in {dim['name'].lower()} more than chance explains")
            assert t["reading"]["nl"].startswith("Teams verschillen in ")
            assert got["first_name"] in t["reading"]["en"] and got["second_name"] in t["reading"]["en"]
            assert "verschillen het meest" in t["reading"]["nl"]
    default = org.admin.get(f"{url}/agreement").json()  # pairs=significant: only the significant ones
    for dim in default["dimensions"]:
        t = dim["teams_differ"]
        assert len(t["pairs"]) == t["n_significant_pairs"] and all(p["significant"] for p in t["pairs"])
    assert any(d["teams_differ"]["significant"] for d in default["dimensions"])


def test_csv_carries_the_tests_and_the_pairs(org, teams_org):
    url, _ = teams_org
    report = org.admin.get(f"{url}/agreement", params={"pairs": "all"}).json()
    rows = csv_rows(org.admin.get(f"{url}/agreement", params={"pairs": "all", "format": "csv"}))
    dims = {r["dimension"]: r for r in rows if r["row"] == "dimension"}
    pairs = [r for r in rows if r["row"] == "pair"]
    assert len(pairs) == sum(d["teams_differ"]["n_pairs"] for d in report["dimensions"])
    for dim in report["dimensions"]:
        row, t = dims[dim["key"]], dim["teams_differ"]
        close([float(row["welch_f"]), float(row["welch_p_adjusted"]), float(row["kruskal_h"]),
               float(row["mean_rwg_j"])], [t["welch_f"], t["welch"]["p_adjusted"], t["kruskal_h"], dim["mean_rwg_j"]],
              rel=2e-3)  # the CSV rounds (docs/exports.md)
        assert row["reading_en"] == t["reading"]["en"] and row["reading_nl"] == t["reading"]["nl"]
    team = next(r for r in rows if r["row"] == "team" and r["unit_path"] == "Dept/Dijk")
    assert float(team["mean"]) > 0


def test_a_hidden_team_never_enters_a_test(org, teams_org):
    """The Welch ANOVA equals app.stats's over the visible teams' scale scores only, and differs from the one that
    lets the hidden teams (Pair, Trio) in: their answers count in the department, never in a test across teams."""
    url, rows = teams_org
    report = org.admin.get(f"{url}/agreement", params={"pairs": "all"}).json()
    definition = builtin_questionnaire(org)
    for d, dimension in enumerate(definition["dimensions"]):
        keyed = []
        for item in dimension["items"]:
            raw = np.array([float(r[item["key"]]) if r[item["key"]] else np.nan for r in rows])
            keyed.append(6 - raw if item["reverse"] else raw)
        scores = np.column_stack(keyed).mean(axis=1)  # NaN unless every statement was answered
        units = np.array([r["unit"] for r in rows])
        t = report["dimensions"][d]["teams_differ"]
        visible = set(REF["dimensions"][dimension["key"]]["teams"]["value"])
        ok = ~np.isnan(scores)
        inside = ok & np.isin(units, sorted(visible))
        close(t["welch_f"], welch_anova(scores[inside], units[inside]).statistic)
        with_hidden = ok & np.isin(units, sorted(visible | {"Dept/Pair", "Dept/Trio"}))
        assert t["welch_f"] != pytest.approx(welch_anova(scores[with_hidden], units[with_hidden]).statistic)
        named = {_path(p[side]) for p in t["pairs"] for side in ("first_path", "second_path")}
        assert named == visible
    scoped = org.admin.get(f"{url}/agreement", params={"unit_id": report["teams"][0]["group"]["unit_id"]}).json()
    for dim in scoped["dimensions"]:  # one team in scope: nothing to compare, and it says why
        t = dim["teams_differ"]
        assert t["n_teams"] <= 1 and t["welch"] is None and t["reason"] == "one_group" and t["reading"] is None


def test_statements_fit_matches_psych_where_shown(org, teams_org):
    url, _ = teams_org
    profile = org.admin.get(f"{url}/profile").json()
    for dim in profile["dimensions"]:
        ref = REF["dimensions"][dim["key"]]["items"]["value"]
        assert [i["key"] for i in dim["items"]] == ref["keys"]
        close([i["item_total_correlation"] for i in dim["items"]], ref["r_drop"])
        close([i["alpha_if_deleted"] for i in dim["items"]], ref["alpha_drop"])
        close(dim["reliability"]["alpha"], ref["alpha"])
        for i in dim["items"]:
            assert i["reading"]["en"].startswith(("Fits its dimension", "Fits its dimension poorly", "Runs against"))
            assert "item-totaal r = " in i["reading"]["nl"]
    rows = csv_rows(org.admin.get(f"{url}/profile", params={"format": "csv"}))
    items = {r["key"]: r for r in rows if r["level"] == "item"}
    first = profile["dimensions"][0]["items"][0]
    close(float(items[first["key"]]["item_total_correlation"]), first["item_total_correlation"], rel=2e-3)
    assert items[first["key"]]["reading_nl"] == first["reading"]["nl"]
    units = {"/".join(u["path"]): u["id"] for u in org.admin.get(f"{org.prefix}/units").json()}
    haven = org.admin.get(f"{url}/profile", params={"unit_id": units["Dept/Haven"]}).json()
    hidden = [i for d in haven["dimensions"] if d["reason"] for i in d["items"]]
    assert hidden  # fewer than 5 answered every diversity statement in Haven: no item figures, no fit
    assert all(i["item_total_correlation"] is None and i["alpha_if_deleted"] is None and i["reading"] is None
               for i in hidden)


def test_beyond_forty_teams_only_the_pair_furthest_apart():
    """45 teams (990 pairs): the list holds only the pair of the highest and the lowest mean, with the figures that
    Games-Howell over every pair gives it; the ANOVAs still span every team."""
    from app.reports.across_teams import Entering, teams_differ
    from app.stats import FrequencyTable, games_howell

    rng = np.random.default_rng(11)
    groups = np.repeat(np.arange(45), rng.integers(5, 12, 45))
    scores = np.clip(np.round((3 + 0.4 * rng.normal(size=45)[groups] + rng.normal(0, 0.7, groups.size)) * 5) / 5,
                     1, 5)
    table = FrequencyTable.from_values(scores, groups)
    entering = Entering(table, [f"u{i}" for i in range(45)], [f"Team {i}" for i in range(45)],
                        [["Dept", f"Team {i}"] for i in range(45)])
    names = {"en": ["Openness"], "nl": ["Openheid"]}
    (t,) = teams_differ([entering], names, "all")
    assert t.n_teams == 45 and t.pairs_reason == "too_many_teams" and t.n_significant_pairs is None
    assert t.n_pairs == 1 and len(t.pairs) == 1 and t.largest_difference == t.pairs[0]
    means = table.moments().mean
    hi, lo = int(np.argmax(means)), int(np.argmin(means))
    assert {t.largest_difference.first, t.largest_difference.second} == {f"u{hi}", f"u{lo}"}
    full = {(int(p.first), int(p.second)): p for p in games_howell(scores, groups)}[(min(hi, lo), max(hi, lo))]
    close(abs(t.largest_difference.difference), abs(full.difference.value))
    close(t.largest_difference.p, full.test.pvalue)
    close(t.welch_f, welch_anova(scores, groups).statistic)


def test_the_reading_in_both_languages():
    from app.reports.across_teams import TeamPair, teams_reading

    names = {"en": "Openness", "nl": "Openheid"}
    pair = TeamPair(first="a", first_name="Team A", first_path=["A"], second="c", second_name="Team C",
                    second_path=["C"], difference=-0.8, difference_ci=None, t=-3.0, df=20.0, p=0.01, significant=True,
                    reason=None)
    r = teams_reading(names, 0.003, pair)
    assert r is not None
    assert r.en == ("Teams differ in openness more than chance explains (Welch ANOVA, adjusted p = 0.003); Team C and "
                    "Team A differ most.")
    assert r.nl == ("Teams verschillen in openheid meer dan toeval verklaart (Welch-ANOVA, gecorrigeerde p = 0,003); "
                    "Team C en Team A verschillen het meest.")
    r = teams_reading(names, 0.0496, pair.model_copy(update={"significant": False}))
    assert r is not None and r.en.endswith("(Welch ANOVA, adjusted p = 0.0496).")  # no "0.050" beside "differ"
    r = teams_reading(names, 0.41, pair)
    assert r is not None and r.nl == ("Teams verschillen in openheid niet meer dan toeval verklaart (Welch-ANOVA, "
                                      "gecorrigeerde p = 0,410).")
    assert teams_reading(names, None, None) is None
