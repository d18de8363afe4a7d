"""Property-based checks on random data: cross-checks against pingouin, statsmodels and scipy (test-only
dependencies) and invariants (reverse keying twice is the identity; adding a constant changes no
variance-based figure; the order and naming of groups does not matter)."""

import os
import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.anova import anova_lm
from statsmodels.stats.multitest import multipletests

from app.stats import (
    Scale,
    compare_two,
    games_howell,
    holm,
    icc,
    kruskal_wallis,
    oneway_anova,
    paired,
    reliability,
    reverse_key,
    rwg_j,
    summarize,
    welch_anova,
)
from app.stats import benjamini_hochberg as bh
from tests.stats.helpers import close

# Derandomized by default so CI is reproducible; STATS_HYPOTHESIS_EXAMPLES=500 explores afresh with more examples.
_EXPLORE = os.environ.get("STATS_HYPOTHESIS_EXAMPLES")
SETTINGS = settings(max_examples=int(_EXPLORE or 40), derandomize=_EXPLORE is None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def likert(draw: st.DrawFn, min_rows: int = 8, max_rows: int = 60, k: int = 4, missing: bool = True) -> np.ndarray:
    """Correlated 1..5 answers (a shared trait plus noise), optionally with ~10% missing."""
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(min_rows, max_rows))
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n, 1))
    x = np.clip(np.rint(3 + trait + rng.normal(scale=1.0, size=(n, k))), 1, 5)
    if missing:
        x[rng.random(x.shape) < 0.1] = np.nan
    return x


@st.composite
def groups_of(draw: st.DrawFn, n_groups: int = 4, min_size: int = 3, max_size: int = 30) -> list[np.ndarray]:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    sizes = [draw(st.integers(min_size, max_size)) for _ in range(n_groups)]
    few_values = draw(st.booleans())
    out = []
    for i, s in enumerate(sizes):
        v = rng.normal(loc=i * 0.3, scale=1 + i * 0.5, size=s)
        out.append(np.rint(v * 2) / 2 if few_values else v)
    return out


@SETTINGS
@given(likert())
def test_alpha_matches_pingouin(x: np.ndarray) -> None:
    r = reliability(x)
    if r.alpha.value is None:
        return
    a, ci = pg.cronbach_alpha(pd.DataFrame(x))  # pairwise covariances; CI rounded to 3 decimals by pingouin
    close(r.alpha.value, a, rel=1e-9)
    if r.n_respondents == x.shape[0]:  # pingouin's Feldt n counts every row
        assert r.alpha.ci is not None
        np.testing.assert_allclose([r.alpha.ci.low, r.alpha.ci.high], ci, atol=5e-4 + 1e-9)


@SETTINGS
@given(groups_of(n_groups=2))
def test_two_groups_match_scipy_and_pingouin(g: list[np.ndarray]) -> None:
    x, y = g
    r = compare_two(x, y)
    if r.welch.reason is not None:
        return
    with warnings.catch_warnings():  # scipy warns about near-constant samples; our result must still agree
        warnings.simplefilter("ignore", RuntimeWarning)
        t = stats.ttest_ind(x, y, equal_var=False)
    close([r.welch.statistic, r.welch.pvalue], [t.statistic, t.pvalue], rel=1e-9)
    u = stats.mannwhitneyu(x, y, use_continuity=True, alternative="two-sided", method="asymptotic")
    close([r.mann_whitney.statistic, r.mann_whitney.pvalue], [u.statistic, u.pvalue], rel=1e-9)
    # pingouin uses the approximate correction 1 - 3/(4(n1+n2) - 9), not the exact gamma-function J
    close(r.hedges_g.value, pg.compute_effsize(x, y, eftype="hedges"), rel=5e-3, abs_=1e-9)


@SETTINGS
@given(groups_of(n_groups=4))
def test_many_groups_match_scipy_and_pingouin(g: list[np.ndarray]) -> None:
    y = np.concatenate(g)
    lab = np.repeat(np.arange(len(g)), [len(v) for v in g])
    f = stats.f_oneway(*g)
    close(oneway_anova(y, lab).statistic, f.statistic, rel=1e-9)
    close(kruskal_wallis(y, lab).statistic, stats.kruskal(*g).statistic, rel=1e-9)
    w = pg.welch_anova(data=pd.DataFrame({"y": y, "g": lab}), dv="y", between="g")
    close([welch_anova(y, lab).statistic, welch_anova(y, lab).pvalue], [w["F"].iloc[0], w["p_unc"].iloc[0]],
          rel=1e-7)


@settings(SETTINGS, max_examples=6 if _EXPLORE is None else 30)  # the studentized range is slow to integrate
@given(groups_of(n_groups=4))
def test_games_howell_matches_pingouin(g: list[np.ndarray]) -> None:
    y = np.concatenate(g)
    lab = np.repeat(np.arange(len(g)), [len(v) for v in g])
    gh = pg.pairwise_gameshowell(data=pd.DataFrame({"y": y, "g": lab}), dv="y", between="g")
    ours = games_howell(y, lab)
    close([p.test.statistic for p in ours], gh["T"].to_numpy(), rel=1e-9)
    close([p.test.df for p in ours], gh["df"].to_numpy(), rel=1e-9)
    close([p.test.pvalue for p in ours], gh["pval"].to_numpy(), rel=1e-6, abs_=1e-9)


@SETTINGS
@given(likert(k=2, missing=False))
def test_paired_matches_scipy(x: np.ndarray) -> None:
    r = paired(x[:, 0], x[:, 1])
    if r.t_test.statistic is not None:
        t = stats.ttest_rel(x[:, 0], x[:, 1])
        close([r.t_test.statistic, r.t_test.pvalue], [t.statistic, t.pvalue], rel=1e-9)
    if r.wilcoxon.pvalue is not None and np.any(x[:, 0] != x[:, 1]):
        w = stats.wilcoxon(x[:, 0], x[:, 1], zero_method="wilcox", correction=True, method="approx")
        close(r.wilcoxon.pvalue, w.pvalue, rel=1e-9)


@settings(SETTINGS, max_examples=25 if _EXPLORE is None else int(_EXPLORE))  # multipletests: ~50 ms a call
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40))
def test_adjustments_match_statsmodels(p: list[float]) -> None:
    close(holm(p).adjusted, multipletests(p, method="holm")[1], rel=1e-12)
    close(bh(p).adjusted, multipletests(p, method="fdr_bh")[1], rel=1e-12)


@SETTINGS
@given(groups_of(n_groups=5, min_size=2))
def test_icc_matches_statsmodels_anova(g: list[np.ndarray]) -> None:
    y = np.concatenate(g)
    lab = np.repeat(np.arange(len(g)), [len(v) for v in g])
    fit = smf.ols("y ~ C(g)", data=pd.DataFrame({"y": y, "g": lab})).fit()
    table = anova_lm(fit)
    msb, msw = table["mean_sq"].iloc[0], table["mean_sq"].iloc[1]
    kbar = len(y) / len(g)
    r = icc(y, lab)
    close([r.icc1.value, r.icc2.value], [(msb - msw) / (msb + (kbar - 1) * msw), (msb - msw) / msb], rel=1e-9)


@SETTINGS
@given(likert(min_rows=20, max_rows=80, k=3))
def test_rwg_j_matches_a_pandas_groupby(x: np.ndarray) -> None:
    lab = np.arange(x.shape[0]) % 4
    df = pd.DataFrame(x).assign(g=lab).dropna()
    s = (df.groupby("g").var().mean(axis=1).clip(upper=2.0) / 2.0).reindex(range(4))
    expected = 3 * (1 - s) / (3 * (1 - s) + s)
    res = rwg_j(x, lab, null_variance=2.0)
    ok = ~np.isnan(res.rwg)
    close(res.rwg[ok], expected.to_numpy()[ok], rel=1e-9)


@SETTINGS
@given(likert(k=4))
def test_reverse_keying_twice_is_identity(x: np.ndarray) -> None:
    rev = [True, False, True, True]
    np.testing.assert_array_equal(reverse_key(reverse_key(x, reverse=rev, scale_min=1, scale_max=5),
                                              reverse=rev, scale_min=1, scale_max=5), x)


@SETTINGS
@given(groups_of(n_groups=3), st.floats(-50, 50).map(lambda c: round(c)))
def test_adding_a_constant_changes_no_variance_based_figure(g: list[np.ndarray], c: float) -> None:
    y = np.concatenate(g)
    lab = np.repeat(np.arange(3), [len(v) for v in g])
    a, b = icc(y, lab), icc(y + c, lab)
    close([a.icc1.value, a.icc2.value], [b.icc1.value, b.icc2.value], rel=1e-7, abs_=1e-9)
    ca, cb = compare_two(g[0], g[1]), compare_two(g[0] + c, g[1] + c)
    close([ca.welch.statistic, ca.hedges_g.value, ca.mann_whitney.statistic],
          [cb.welch.statistic, cb.hedges_g.value, cb.mann_whitney.statistic], rel=1e-7, abs_=1e-9)
    close(welch_anova(y, lab).statistic, welch_anova(y + c, lab).statistic, rel=1e-7)
    close(kruskal_wallis(y, lab).statistic, kruskal_wallis(y + c, lab).statistic, rel=1e-12)


@SETTINGS
@given(likert(k=4))
def test_reliability_ignores_a_constant(x: np.ndarray) -> None:
    a, b = reliability(x), reliability(x + 7)
    if a.alpha.value is not None:
        close(a.alpha.value, b.alpha.value, rel=1e-9)
        close(a.item_total_correlation, b.item_total_correlation, rel=1e-9, abs_=1e-12)


@SETTINGS
@given(groups_of(n_groups=4), st.permutations(["w", "x", "y", "z"]))
def test_group_order_and_names_do_not_matter(g: list[np.ndarray], names: list[str]) -> None:
    y = np.concatenate(g)
    lab = np.repeat(np.arange(4), [len(v) for v in g])
    renamed = np.array(names)[lab]
    for f in (oneway_anova, welch_anova):
        close(f(y, lab).statistic, f(y, renamed).statistic, rel=1e-9)
    close(kruskal_wallis(y, lab).statistic, kruskal_wallis(y, renamed).statistic, rel=1e-12)
    close(icc(y, lab).icc1.value, icc(y, renamed).icc1.value, rel=1e-9)
    perm = np.random.default_rng(0).permutation(y.shape[0])  # row order does not matter either
    close(icc(y[perm], lab[perm]).icc2.value, icc(y, lab).icc2.value, rel=1e-9)


@SETTINGS
@given(likert(min_rows=30, max_rows=120, k=6))
def test_summary_regroup_equals_direct_grouping(x: np.ndarray) -> None:
    scale = Scale.from_items(["a", "a", "a", "b", "b", "b"], scale_min=1, scale_max=5,
                             reverse=[False, True, False, False, False, True])
    team = np.arange(x.shape[0]) % 5
    layer = (np.arange(x.shape[0]) // 3) % 3
    from app.stats import cross_groups

    cells = cross_groups(team, layer)
    fine = summarize(x, scale=scale, groups=cells.codes)
    by_team = fine.regroup(cells.cell_levels[0], labels=cells.levels[0])
    direct = summarize(x, scale=scale, groups=team)
    for d in range(2):
        np.testing.assert_array_equal(by_team.score_tables[d].counts, direct.score_tables[d].counts)
        a, b = by_team.descriptives(d), direct.descriptives(d)
        close(a.mean, b.mean, rel=1e-12)
        assert a.reasons == b.reasons
    np.testing.assert_array_equal(by_team.item_counts.complete_counts, direct.item_counts.complete_counts)
    by_layer = fine.regroup(cells.cell_levels[1], labels=cells.levels[1])
    close(by_layer.descriptives(0).mean, summarize(x, scale=scale, groups=layer).descriptives(0).mean, rel=1e-12)


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_inputs_never_warn(n: int) -> None:
    x = np.ones((n, 2))
    scale = Scale.from_items(["a", "a"], scale_min=1, scale_max=5)
    s = summarize(x, scale=scale, groups=np.zeros(n, dtype=int))
    assert s.reliability(0).alpha.value is None
    assert s.icc(0).icc1.value is None
