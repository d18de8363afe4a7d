"""Many groups: one-way ANOVA, Welch's ANOVA, Kruskal-Wallis and Games-Howell post hoc comparisons.

All take raw ``values`` with ``groups`` (NaN values left out) or a per-group summary; groups without values are
ignored. Formulas (k groups, :math:`n_g, \\bar x_g, s_g^2`, N values):

* one-way ANOVA: :math:`F = MSB/MSW` on (k - 1, N - k) df (R: ``anova(lm(y ~ factor(g)))``);
* Welch's ANOVA (Welch 1951): :math:`w_g = n_g/s_g^2`,
  :math:`F = \\frac{\\sum w_g(\\bar x_g-\\tilde x)^2/(k-1)}{1 + \\frac{2(k-2)}{k^2-1}\\Lambda}`,
  :math:`\\Lambda = \\sum (1-w_g/\\sum w)^2/(n_g-1)`, df = (k - 1, (k² - 1)/(3Λ))
  (R: ``oneway.test(y ~ g, var.equal = FALSE)``);
* Kruskal-Wallis H with the tie correction :math:`1 - \\sum (t^3-t)/(N^3-N)`, χ²(k - 1)
  (R: ``kruskal.test``); from a :class:`~app.stats.sufficient.FrequencyTable` it is exact without sorting;
* Games-Howell (Games & Howell 1976): for each pair, Welch's t and df,
  :math:`p = P(Q_{k,\\nu} > \\sqrt 2 |t|)` from the studentized range, CI
  :math:`\\bar x_i - \\bar x_j \\pm q_{level;k,\\nu} SE/\\sqrt 2` (as ``pingouin.pairwise_gameshowell``, which gives no
  CI; no base-R function exists — the test reference is a transparent R implementation with ``ptukey``).

Edge cases: fewer than two groups with data → ``one_group``; no within-group df or, for Welch and Games-Howell, a
group below two values → ``n_below_2``; no variance (within groups for F, in some group for Welch, overall for
Kruskal-Wallis) → ``zero_variance``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from app.stats import _kernels as k
from app.stats._common import (
    ArrayLike,
    ConfidenceInterval,
    Estimate,
    MissingReason,
    SignificanceTest,
    check_level,
    missing_estimate,
    missing_test,
    py_label,
)
from app.stats.sufficient import FrequencyTable, Moments


@dataclass(frozen=True)
class AnovaResult:
    """An F test across groups; ``statistic``/``pvalue``/dfs are None exactly when ``reason`` is set."""

    statistic: float | None
    pvalue: float | None
    df_between: float | None
    df_within: float | None
    n_groups: int
    n: int
    reason: MissingReason | None = None


@dataclass(frozen=True)
class PairwiseDifference:
    """One Games-Howell comparison: ``difference`` = mean(first) - mean(second) with its simultaneous CI."""

    first: Any
    second: Any
    difference: Estimate
    test: SignificanceTest


def _moments(data: ArrayLike | Moments | FrequencyTable, groups: ArrayLike | None) -> Moments:
    if isinstance(data, FrequencyTable):
        m = data.moments()
    elif isinstance(data, Moments):
        m = data
    else:
        if groups is None:
            raise ValueError("raw values need groups")
        m = Moments.from_values(data, groups)
    return m.select(m.n > 0)


def oneway_anova(data: ArrayLike | Moments | FrequencyTable, groups: ArrayLike | None = None) -> AnovaResult:
    """Classic one-way ANOVA F test (equal variances assumed)."""
    m = _moments(data, groups)
    g, n = m.n_groups, float(m.n.sum())
    if g < 2 or n - g < 1:
        return AnovaResult(None, None, None, None, g, int(n),
                           MissingReason.ONE_GROUP if g < 2 else MissingReason.N_BELOW_2)
    grand = float(m.n @ m.mean) / n
    ssb = float(m.n @ (m.mean - grand) ** 2)
    ssw = float(m.ss.sum())
    if ssw == 0:
        return AnovaResult(None, None, None, None, g, int(n), MissingReason.ZERO_VARIANCE)
    f = (ssb / (g - 1)) / (ssw / (n - g))
    return AnovaResult(f, k.f_sf(f, g - 1, n - g), float(g - 1), n - g, g, int(n))


def welch_anova(data: ArrayLike | Moments | FrequencyTable, groups: ArrayLike | None = None) -> AnovaResult:
    """Welch's heteroscedastic one-way ANOVA (see the module docstring)."""
    m = _moments(data, groups)
    g, n = m.n_groups, int(m.n.sum())
    if g < 2:
        return AnovaResult(None, None, None, None, g, n, MissingReason.ONE_GROUP)
    if np.any(m.n < 2):
        return AnovaResult(None, None, None, None, g, n, MissingReason.N_BELOW_2)
    var = m.variance
    if np.any(var == 0):
        return AnovaResult(None, None, None, None, g, n, MissingReason.ZERO_VARIANCE)
    w = m.n / var
    sw = float(w.sum())
    mw = float(w @ m.mean) / sw
    a = float(w @ (m.mean - mw) ** 2) / (g - 1)
    lam = float(np.sum((1 - w / sw) ** 2 / (m.n - 1)))
    f = a / (1 + 2 * (g - 2) / (g * g - 1) * lam)
    df2 = (g * g - 1) / (3 * lam)
    return AnovaResult(f, k.f_sf(f, g - 1, df2), float(g - 1), df2, g, n)


def kruskal_wallis(data: ArrayLike | FrequencyTable, groups: ArrayLike | None = None) -> SignificanceTest:
    """Kruskal-Wallis H test with tie correction; ``statistic`` is H, ``df`` = k - 1."""
    if isinstance(data, FrequencyTable):
        table = data
    else:
        if groups is None:
            raise ValueError("raw values need groups")
        table = FrequencyTable.from_values(data, groups)
    counts = table.counts[table.counts.sum(axis=1) > 0].astype(np.float64)
    if counts.shape[0] < 2:
        return missing_test(MissingReason.ONE_GROUP)
    tot = counts.sum(axis=0)
    n = float(tot.sum())
    if n < 2 or float(np.sum(tot * (tot * tot - 1))) >= n**3 - n:
        return missing_test(MissingReason.ZERO_VARIANCE)
    kw = k.kruskal(counts)
    return SignificanceTest(kw.h, kw.pvalue, kw.df)


def games_howell(
    data: ArrayLike | Moments | FrequencyTable, groups: ArrayLike | None = None, *, level: float = 0.95,
    pairs: Sequence[tuple[int, int]] | None = None,
) -> tuple[PairwiseDifference, ...]:
    """Games-Howell comparisons of every pair of groups (i < j in group order), or of ``pairs`` only (positions
    among the groups with data, in the order given): the studentized range still spans all the groups, so each
    figure is the one the full set of pairs would give for it."""
    level = check_level(level)
    m = _moments(data, groups)
    g = m.n_groups
    if pairs is None:
        pairs = list(combinations(range(g), 2))
    elif any(not (0 <= a < g and 0 <= b < g and a != b) for a, b in pairs):
        raise ValueError(f"pairs must name two different groups among {g}")
    if not pairs:
        return ()
    i = np.array([p[0] for p in pairs], dtype=np.int64)
    j = np.array([p[1] for p in pairs], dtype=np.int64)
    var = m.variance
    w = k.welch(m.n[i], m.mean[i], var[i], m.n[j], m.mean[j], var[j])
    ok = (m.n[i] >= 2) & (m.n[j] >= 2) & (w.se > 0)
    q = np.full(len(pairs), np.nan)
    pvals = np.full(len(pairs), np.nan)
    if ok.any():
        q[ok] = k.studentized_range_quantile(level, g, w.df[ok])
        pvals[ok] = k.studentized_range_sf(np.sqrt(2) * np.abs(w.t[ok]), g, w.df[ok])
    out = []
    for p in range(len(pairs)):
        if m.n[i[p]] < 2 or m.n[j[p]] < 2:
            reason: MissingReason | None = MissingReason.N_BELOW_2
        elif w.se[p] == 0:
            reason = MissingReason.ZERO_VARIANCE
        else:
            reason = None
        if reason is None:
            half = float(q[p] * w.se[p] / np.sqrt(2))
            diff = float(w.difference[p])
            est = Estimate(diff, ConfidenceInterval(diff - half, diff + half, level))
            test = SignificanceTest(float(w.t[p]), float(pvals[p]), float(w.df[p]))
        else:
            est, test = missing_estimate(reason), missing_test(reason)
        out.append(PairwiseDifference(py_label(m.labels[i[p]]), py_label(m.labels[j[p]]), est, test))
    return tuple(out)
