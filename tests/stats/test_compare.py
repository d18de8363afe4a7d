"""Two-group and paired comparisons against R: t.test, wilcox.test (exact = FALSE, correct = TRUE),
effectsize::hedges_g / cohens_d and a precise noncentral-t inversion written out in make_reference.R.

effectsize 0.8.3 inverts the noncentral t with Nelder-Mead (abstol 1e-9 on a sum of absolute errors), so its
CI bounds are only good to about 1e-4; the same definition solved with uniroot (tol 1e-13) is matched to 1e-6.
"""

import numpy as np
import pytest

from app.stats import (
    FrequencyTable,
    MissingReason,
    compare_groups,
    compare_two,
    compare_with_rest,
    paired,
    paired_many,
    scale_scores,
)
from tests.stats.helpers import bfi_items, bfi_scale, close, load_csv, load_ref

REF = load_ref("compare")
BFI = load_csv("bfi")
SAT = load_csv("sat_act")
LQ = load_csv("lq2002")


def scores(d: int) -> np.ndarray:
    return scale_scores(bfi_items(), scale=bfi_scale()).scores[:, d]


def samples(key: str) -> tuple[np.ndarray, np.ndarray]:
    edu, gender = BFI["education"], BFI["gender"]
    lead = np.column_stack([LQ[f"LEAD{i:02d}"] for i in range(1, 12)]).mean(axis=1)
    return {
        "bfi_agree_gender": lambda: (scores(0)[gender == 1], scores(0)[gender == 2]),
        "bfi_consc_edu_1_5": lambda: (scores(1)[edu == 1], scores(1)[edu == 5]),
        "satv_gender": lambda: (SAT["SATV"][SAT["gender"] == 1], SAT["SATV"][SAT["gender"] == 2]),
        "satq_gender": lambda: (SAT["SATQ"][SAT["gender"] == 1], SAT["SATQ"][SAT["gender"] == 2]),
        "lq_lead_company_13_vs_rest": lambda: (lead[LQ["COMPID"] == 13], lead[LQ["COMPID"] != 13]),
    }[key]()


TWO = ["bfi_agree_gender", "bfi_consc_edu_1_5", "satv_gender", "satq_gender", "lq_lead_company_13_vs_rest"]


@pytest.mark.parametrize("key", TWO)
def test_two_groups_match_r(key: str) -> None:
    ref = REF[key]
    r = compare_two(*samples(key))
    assert (r.n_first, r.n_second) == (ref["n1"], ref["n2"])
    close([r.mean_first, r.mean_second], [ref["mean1"], ref["mean2"]])
    assert r.difference.ci is not None and r.hedges_g.ci is not None
    close(r.difference.value, ref["difference"])
    close([r.difference.ci.low, r.difference.ci.high], ref["difference_ci"])
    close([r.welch.statistic, r.welch.df, r.welch.pvalue], [ref["welch_t"], ref["welch_df"], ref["welch_p"]])
    close([r.mann_whitney.statistic, r.mann_whitney.pvalue], [ref["mw_u"], ref["mw_p"]])
    close(r.hedges_g.value, ref["hedges_g"])
    close([r.hedges_g.ci.low, r.hedges_g.ci.high], ref["hedges_g_ci_precise"], rel=1e-6)
    close([r.hedges_g.ci.low, r.hedges_g.ci.high], ref["hedges_g_ci_effectsize"], rel=1e-3)


PAIRED = {
    "sleep_paired": None,
    "bfi_C1_C2_paired": ("C1", "C2"),
    "satv_satq_paired": None,
}


def paired_samples(key: str) -> tuple[np.ndarray, np.ndarray]:
    if key == "sleep_paired":  # datasets::sleep, extra for drug 1 and drug 2, patients 1..10
        d1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
        d2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
        return np.array(d1), np.array(d2)
    if key == "bfi_C1_C2_paired":
        return BFI["C1"], BFI["C2"]
    return SAT["SATV"], SAT["SATQ"]


@pytest.mark.parametrize("key", list(PAIRED))
def test_paired_matches_r(key: str) -> None:
    ref = REF[key]
    r = paired(*paired_samples(key))
    assert r.n == ref["n"]
    assert r.gap.ci is not None and r.d_z.ci is not None
    close(r.gap.value, ref["gap"])
    close([r.gap.ci.low, r.gap.ci.high], ref["gap_ci"])
    close([r.t_test.statistic, r.t_test.df, r.t_test.pvalue], [ref["t"], ref["df"], ref["p"]])
    close([r.wilcoxon.statistic, r.wilcoxon.pvalue], [ref["v"], ref["wilcoxon_p"]])
    close(r.d_z.value, ref["d_z"])
    close([r.d_z.ci.low, r.d_z.ci.high], ref["d_z_ci_precise"], rel=1e-6)
    close([r.d_z.ci.low, r.d_z.ci.high], ref["d_z_ci_effectsize"], rel=1e-3)


def test_table_paths_equal_the_raw_path() -> None:
    edu = BFI["education"]
    keep = ~np.isnan(edu)
    table = FrequencyTable.from_values(scores(1)[keep], edu[keep])
    pairs = compare_groups(table)
    assert len(pairs) == 10 and (pairs[3].first, pairs[3].second) == (1.0, 5.0)
    ref = REF["bfi_consc_edu_1_5"]
    close([pairs[3].welch.pvalue, pairs[3].mann_whitney.pvalue], [ref["welch_p"], ref["mw_p"]])
    lead = np.column_stack([LQ[f"LEAD{i:02d}"] for i in range(1, 12)]).mean(axis=1)
    rest = compare_with_rest(FrequencyTable.from_values(lead, LQ["COMPID"]))
    thirteen = next(r for r in rest if r.first == 13)
    ref = REF["lq_lead_company_13_vs_rest"]
    assert thirteen.second == "rest"
    close([thirteen.welch.statistic, thirteen.mann_whitney.statistic], [ref["welch_t"], ref["mw_u"]])
    with pytest.raises(ValueError):
        compare_groups(table, pairs=[(0, 9)])


def test_two_group_edge_cases_say_why() -> None:
    empty = compare_two([1.0, 2.0], [np.nan])
    assert empty.n_second == 0 and empty.mean_second is None
    assert empty.welch.reason is MissingReason.ALL_MISSING and empty.mann_whitney.reason is MissingReason.ALL_MISSING
    single = compare_two([1.0, 2.0, 3.0], [5.0])
    assert single.welch.reason is MissingReason.N_BELOW_2 and single.hedges_g.reason is MissingReason.N_BELOW_2
    assert single.mann_whitney.statistic == 0.0  # ranks still work with one value
    flat = compare_two([2.0, 2.0], [3.0, 3.0])
    assert flat.difference.value == -1.0 and flat.difference.ci is None
    assert flat.difference.reason is MissingReason.ZERO_VARIANCE and flat.welch.reason is MissingReason.ZERO_VARIANCE
    assert flat.mann_whitney.pvalue is not None  # ranks differ: the rank test has variance
    ties = compare_two([2.0, 2.0], [2.0, 2.0, 2.0])
    assert ties.mann_whitney.reason is MissingReason.ZERO_VARIANCE
    assert compare_groups(FrequencyTable.from_values([1.0, 2.0], [0, 0])) == ()
    with pytest.raises(ValueError):
        compare_two([1.0, 2.0], [3.0, 4.0], level=95)


def test_paired_edge_cases_say_why() -> None:
    none = paired([np.nan, 1.0], [2.0, np.nan])
    assert none.n == 0 and none.t_test.reason is MissingReason.ALL_MISSING
    one = paired([1.0], [2.0])
    assert one.gap.value == -1.0 and one.t_test.reason is MissingReason.N_BELOW_2
    same = paired([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert same.wilcoxon.reason is MissingReason.NO_NONZERO_DIFFERENCE
    assert same.t_test.reason is MissingReason.ZERO_VARIANCE and same.d_z.reason is MissingReason.ZERO_VARIANCE
    shifted = paired([2.0, 3.0, 4.0], [1.0, 2.0, 3.0])
    assert shifted.gap.value == 1.0 and shifted.t_test.reason is MissingReason.ZERO_VARIANCE
    assert shifted.wilcoxon.statistic == 6.0
    with pytest.raises(ValueError):
        paired([1.0, 2.0], [1.0])


def test_paired_many_gives_what_paired_gives_one_by_one() -> None:
    """The batched d_z root searches agree with the single ones (to the search's own tolerance), edge cases too."""
    rng = np.random.default_rng(5)
    pairs = [paired_samples(key) for key in PAIRED]
    pairs += [([np.nan, 1.0], [2.0, np.nan]), ([1.0], [2.0]), ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]), ([], [])]
    for n in (2, 3, 40, 2000):
        x = rng.integers(1, 6, n).astype(float)
        y = np.clip(x + rng.integers(-1, 3, n), 1, 5)
        x[rng.random(n) < 0.1] = np.nan
        pairs.append((x, y))
    many = paired_many(pairs)
    assert len(many) == len(pairs)
    for (x, y), got in zip(pairs, many, strict=True):
        one = paired(x, y)
        assert (got.n, got.gap, got.t_test, got.wilcoxon) == (one.n, one.gap, one.t_test, one.wilcoxon)
        assert got.d_z.value == one.d_z.value and got.d_z.reason is one.d_z.reason
        if one.d_z.ci is not None:
            assert got.d_z.ci is not None
            close([got.d_z.ci.low, got.d_z.ci.high], [one.d_z.ci.low, one.d_z.ci.high], rel=1e-11)
    ref = REF["sleep_paired"]
    assert many[0].d_z.ci is not None
    close([many[0].d_z.ci.low, many[0].d_z.ci.high], ref["d_z_ci_precise"], rel=1e-6)
    assert paired_many([]) == ()
    with pytest.raises(ValueError):
        paired_many([([1.0, 2.0], [1.0, 2.0]), ([1.0, 2.0], [1.0])])
    with pytest.raises(ValueError):
        paired_many([([1.0, 2.0], [1.0, 2.0])], level=1.5)


def test_moments_from_a_database_give_all_but_the_rank_test() -> None:
    from app.stats import Moments

    lead = np.column_stack([LQ[f"LEAD{i:02d}"] for i in range(1, 12)]).mean(axis=1)
    g = LQ["COMPID"].astype(int)
    c = lead - 3.0
    sums = Moments.from_sums(np.bincount(g), np.bincount(g, weights=c), np.bincount(g, weights=c * c), shift=3.0)
    ref = REF["lq_lead_company_13_vs_rest"]
    thirteen = next(r for r in compare_with_rest(sums) if r.first == 13)
    assert thirteen.hedges_g.ci is not None
    close([thirteen.welch.statistic, thirteen.welch.pvalue, thirteen.hedges_g.value],
          [ref["welch_t"], ref["welch_p"], ref["hedges_g"]], rel=1e-9)
    close([thirteen.hedges_g.ci.low, thirteen.hedges_g.ci.high], ref["hedges_g_ci_precise"], rel=1e-6)
    assert thirteen.mann_whitney.reason is MissingReason.NEEDS_RAW_DATA
    table_pairs = compare_groups(FrequencyTable.from_values(lead, g), pairs=[(0, 5)])
    sums_pairs = compare_groups(sums.select(sums.n > 0), pairs=[(0, 5)])
    close(sums_pairs[0].welch.statistic, table_pairs[0].welch.statistic, rel=1e-9)
    assert sums_pairs[0].mann_whitney.reason is MissingReason.NEEDS_RAW_DATA


def test_signed_rank_counts_ties_alike_for_whole_and_fractional_differences() -> None:
    """Whole-number differences are tallied by counting, others by sorting: both give scipy's statistic."""
    from scipy import stats

    rng = np.random.default_rng(11)
    for d in (rng.integers(-4, 5, 5000).astype(float), rng.integers(-4, 5, 5000) / 3.0,
              np.r_[rng.integers(-3, 4, 300), 1500.0, -2000.0], rng.normal(size=400).round(1)):
        r = paired(d, np.zeros_like(d))
        w = stats.wilcoxon(d, zero_method="wilcox", correction=True, method="approx")
        close(r.wilcoxon.pvalue, w.pvalue, rel=1e-9)
        assert r.wilcoxon.statistic == float(np.sum(stats.rankdata(np.abs(d[d != 0]))[d[d != 0] > 0]))


def test_noncentral_t_inversion_equals_a_root_solved_per_value() -> None:
    """Hedges' g's CI bounds: the inversion seeded by cdflib's ``nctdtrinc`` and polished on ``nctdtr`` against
    Brent's method on ``scipy.stats.nct.cdf``, value by value, over random t and df (cdflib's seed alone is off by
    up to ~2e-6, so a fast path that skipped the polish would fail here)."""
    from scipy import optimize, stats

    from app.stats import _kernels

    rng = np.random.default_rng(15)
    df = np.exp(rng.uniform(np.log(2.0), np.log(1e5), 80))
    t = rng.uniform(-1.0, 1.0, 80) * rng.choice([0.5, 5.0, 40.0], 80)
    for prob in (0.975, 0.025, 0.995):
        got = _kernels.noncentral_t_ncp(t, df, prob)
        want = []
        for tv, dv, g in zip(t, df, got, strict=True):
            def cdf(nc: float, tv: float = tv, dv: float = dv, prob: float = prob) -> float:
                return float(stats.nct.cdf(tv, dv, nc)) - prob

            # A bracket around our root (nct.cdf is NaN for some nc far from t), which must hold the true root.
            lo, hi = g - 0.01 * (1 + abs(g)), g + 0.01 * (1 + abs(g))
            assert cdf(lo) > 0 > cdf(hi), (tv, dv, prob)
            want.append(optimize.brentq(cdf, lo, hi, xtol=1e-14, rtol=1e-15))
        close(got, want, rel=1e-10, abs_=1e-12)
