"""Many-group tests against R: anova(lm()), oneway.test(var.equal = FALSE), kruskal.test, and Games-Howell
written out with ptukey in make_reference.R (no base-R function exists)."""

import numpy as np
import pytest

from app.stats import (
    FrequencyTable,
    MissingReason,
    Moments,
    games_howell,
    kruskal_wallis,
    oneway_anova,
    scale_scores,
    summarize,
    welch_anova,
)
from tests.stats.helpers import bfi_items, bfi_scale, close, load_csv, load_ref, value

REF = load_ref("anova")
BFI = load_csv("bfi")
SAT = load_csv("sat_act")
LQ = load_csv("lq2002")


def data(key: str) -> tuple[np.ndarray, np.ndarray]:
    edu = BFI["education"]
    keep = ~np.isnan(edu)
    if key.startswith("bfi"):
        d = 0 if "agree" in key else 1
        return scale_scores(bfi_items(), scale=bfi_scale()).scores[keep, d], edu[keep]
    if key == "lq_lead_company":
        return np.column_stack([LQ[f"LEAD{i:02d}"] for i in range(1, 12)]).mean(axis=1), LQ["COMPID"]
    keep = ~np.isnan(SAT["education"])
    return SAT["SATV"][keep], SAT["education"][keep]


KEYS = ["bfi_agree_education", "bfi_consc_education", "lq_lead_company", "satv_education"]


@pytest.mark.parametrize("key", KEYS)
def test_anova_welch_kruskal_match_r(key: str) -> None:
    ref = REF[key]
    y, g = data(key)
    a = oneway_anova(y, g)
    close([a.statistic, a.pvalue, a.df_between, a.df_within], [ref["anova_f"], ref["anova_p"], *ref["anova_df"]])
    w = welch_anova(y, g)
    close([w.statistic, w.pvalue, w.df_between, w.df_within], [ref["welch_f"], ref["welch_p"], *ref["welch_df"]])
    k = kruskal_wallis(y, g)
    close([k.statistic, k.pvalue, k.df], [ref["kruskal_h"], ref["kruskal_p"], ref["kruskal_df"]])
    table = FrequencyTable.from_values(y, g)
    for other in (oneway_anova(table), welch_anova(table), welch_anova(Moments.from_values(y, g))):
        assert other.reason is None
    close(kruskal_wallis(table).statistic, ref["kruskal_h"])


def test_summary_table_gives_the_same_tests() -> None:
    edu = BFI["education"]
    keep = ~np.isnan(edu)
    summary = summarize(bfi_items()[keep], scale=bfi_scale(), groups=edu[keep])
    ref = REF["bfi_consc_education"]
    close(oneway_anova(summary.score_tables[1]).statistic, ref["anova_f"])
    close(kruskal_wallis(summary.score_tables[1]).statistic, ref["kruskal_h"])


@pytest.mark.parametrize("key, source", [("games_howell_bfi_agree_education", "bfi_agree_education"),
                                         ("games_howell_satv_education", "satv_education")])
def test_games_howell_matches_r(key: str, source: str) -> None:
    ref = value(REF[key])
    res = games_howell(*data(source))
    assert len(res) == len(ref)
    for r, e in zip(res, ref, strict=True):
        assert (float(r.first), float(r.second)) == (float(e["first"]), float(e["second"]))
        assert r.difference.ci is not None
        close([r.difference.value, r.test.statistic, r.test.df], [e["diff"], e["t"], e["df"]])
        close(r.test.pvalue, e["p"])  # both integrate the studentized range numerically; they agree to ~1e-9
        close([r.difference.ci.low, r.difference.ci.high], e["ci"], rel=1e-6)


def test_edge_cases_say_why() -> None:
    one = oneway_anova([1.0, 2.0, 3.0], [0, 0, 0])
    assert one.reason is MissingReason.ONE_GROUP and one.statistic is None
    assert welch_anova([1.0, 2.0, 3.0], [0, 0, 0]).reason is MissingReason.ONE_GROUP
    assert kruskal_wallis([1.0, 2.0, 3.0], [0, 0, 0]).reason is MissingReason.ONE_GROUP
    assert games_howell([1.0, 2.0, 3.0], [0, 0, 0]) == ()
    assert oneway_anova([1.0, 2.0], [0, 1]).reason is MissingReason.N_BELOW_2
    assert oneway_anova([1.0, 1.0, 2.0, 2.0], [0, 0, 1, 1]).reason is MissingReason.ZERO_VARIANCE
    assert welch_anova([1.0, 2.0, 3.0], [0, 0, 1]).reason is MissingReason.N_BELOW_2
    assert welch_anova([1.0, 1.0, 2.0, 3.0], [0, 0, 1, 1]).reason is MissingReason.ZERO_VARIANCE
    assert kruskal_wallis([2.0, 2.0, 2.0], [0, 1, 1]).reason is MissingReason.ZERO_VARIANCE
    gh = games_howell([1.0, 2.0, 3.0, 5.0, 4.0, 4.0], [0, 0, 0, 1, 2, 2])
    assert [p.test.reason for p in gh] == [MissingReason.N_BELOW_2, None, MissingReason.N_BELOW_2]
    gh = games_howell([1.0, 2.0, 3.0, 5.0, 5.0, 4.0, 4.0], [0, 0, 0, 1, 1, 2, 2])
    assert gh[2].test.reason is MissingReason.ZERO_VARIANCE and gh[0].test.pvalue is not None
    with pytest.raises(ValueError):
        oneway_anova([1.0, 2.0])
    with pytest.raises(ValueError):
        games_howell([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1], level=2.0)


def test_studentized_range_kernels_match_r() -> None:
    """The fast tail (one spline table per k, a fixed outer rule) and the interpolated quantile against R's ptukey
    (make_ptukey_reference.R): k from 2 to 120, df from 1.5 to 3,000, the quantile read from its cached curve."""
    import json
    from pathlib import Path

    from app.stats import _kernels

    ref = json.loads((Path(__file__).parent / "reference" / "ptukey.json").read_text())
    sf = ref["sf"]["value"]
    for k in sorted(set(sf["k"])):
        rows = [i for i, kk in enumerate(sf["k"]) if kk == k and isinstance(sf["sf"][i], float)]  # R: NaN, df < 2
        got = _kernels.studentized_range_sf(np.array([sf["q"][i] for i in rows]), int(k),
                                            np.array([sf["df"][i] for i in rows]))
        # R's ptukey is good to ~1e-6 absolute (small df, far tails, many groups); scipy's studentized_range agrees
        # with these kernels to ~1e-11 on the same values (measured; not run here: its first call imports cffi)
        close(got, [sf["sf"][i] for i in rows], rel=0.0, abs_=2e-6)
    qv = ref["quantile"]["value"]
    many = np.concatenate([np.array(qv["df"]), np.exp(np.linspace(np.log(2.0), np.log(3000.0), 190))])
    got = _kernels.studentized_range_quantile(0.95, 30, many)[: len(qv["df"])]
    close(got, qv["q"], rel=1e-4)  # R's error at df 3.5 (5e-5): scipy's ppf agrees with ours to ~1e-12 there


def test_quantile_curve_equals_each_df_solved_on_its_own() -> None:
    """Games-Howell's CIs read q from one Chebyshev series per (level, k): it must give what solving each df on its
    own gives (to 1e-10 relative, the roots' own noise being ~1e-11), over random df from 1 to a million and k up to
    300; a curve on too few nodes is off by 1e-7 for many groups and fails here. At k = 3 and df near 1 the old
    bracket widened into q < 0 and found 55 instead of scipy's 25.7."""
    from scipy import stats

    from app.stats import _kernels

    rng = np.random.default_rng(15)
    df = np.concatenate([[1.0, 1.0001, 1.02, 1.5, 2.0, 1e6], np.exp(rng.uniform(0.0, np.log(1e5), 60))])
    for k in (2, 3, 17, 79, 300):
        for level in (0.95, 0.99):
            close(_kernels.studentized_range_quantile(level, k, df),
                  _kernels.solve_studentized_range_quantile(level, k, df), rel=1e-10)
    close(_kernels.studentized_range_quantile(0.95, 3, np.array([1.02])), stats.studentized_range.ppf(0.95, 3, 1.02),
          rel=1e-9)
    below = np.array([0.5, 0.9])  # outside the curve's df: solved on their own
    close(_kernels.studentized_range_quantile(0.95, 5, below),
          _kernels.solve_studentized_range_quantile(0.95, 5, below), rel=1e-14)


def test_games_howell_of_chosen_pairs_equals_those_of_all_pairs() -> None:
    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(6), [5, 7, 9, 6, 8, 10])
    x = rng.normal(groups * 0.3, 1.0)
    every = {(int(p.first), int(p.second)): p for p in games_howell(x, groups)}
    chosen = games_howell(x, groups, pairs=[(4, 1), (0, 5)])
    assert [(c.first, c.second) for c in chosen] == [(4, 1), (0, 5)]
    close(chosen[1].test.pvalue, every[(0, 5)].test.pvalue, rel=1e-12)
    close(chosen[0].difference.value, -every[(1, 4)].difference.value, rel=1e-12)
    close(chosen[0].test.pvalue, every[(1, 4)].test.pvalue, rel=1e-12)
    with pytest.raises(ValueError):
        games_howell(x, groups, pairs=[(0, 6)])
