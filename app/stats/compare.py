"""Two-group and paired comparisons.

Two groups (a layer against another, a team against the rest), from raw values or from a
:class:`~app.stats.sufficient.FrequencyTable` (counts per group and distinct value, computed once for all pairs):

* mean difference :math:`\\bar x_1 - \\bar x_2` with Welch's CI :math:`\\pm t_{\\nu}\\,SE`,
  :math:`SE = \\sqrt{s_1^2/n_1 + s_2^2/n_2}` (R: ``t.test(x, y)$conf.int``);
* Welch's t with Welch-Satterthwaite df (Welch 1947; R: ``t.test(x, y)``);
* Mann-Whitney U of the first group, normal approximation with tie and continuity correction
  (R: ``wilcox.test(x, y, exact = FALSE, correct = TRUE)``, whose W is this U);
* Hedges' g = J·d with pooled SD and the exact correction :math:`J(\\nu)` (Hedges 1981; Hedges & Olkin 1985),
  :math:`\\nu = n_1 + n_2 - 2`, and a CI from inverting the noncentral t distribution (Steiger & Fouladi 1997),
  multiplied by J — the definition of R's ``effectsize::hedges_g`` (which solves the inversion with a coarser
  optimiser).

Paired current vs desired: mean gap (current - desired) with t CI, paired t (R: ``t.test(x, y, paired = TRUE)``),
Wilcoxon signed-rank V = sum of the ranks of positive gaps, zeros dropped, normal approximation with tie and
continuity correction (R: ``wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = TRUE)``) and
:math:`d_z = \\bar d / s_d` (Cohen 1988) with a noncentral-t CI divided by :math:`\\sqrt n` (as
``effectsize::cohens_d(x, y, paired = TRUE)``, whose CI it matches).

Edge cases: a group with fewer than two values gives ``n_below_2`` for everything variance-based (the rank test
still runs with one value per group); an empty group gives ``all_missing``; zero variance in both groups gives
``zero_variance``; all values tied gives ``zero_variance`` for the rank test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

import numpy as np

from app.stats import _kernels as k
from app.stats._common import (
    ArrayLike,
    ConfidenceInterval,
    Estimate,
    IntArray,
    MissingReason,
    SignificanceTest,
    as_vector,
    check_level,
    missing_estimate,
    missing_test,
    py_label,
)
from app.stats.sufficient import FrequencyTable, Moments


@dataclass(frozen=True)
class TwoGroupComparison:
    """First group against second: sizes, means, and every figure with its reason when missing."""

    first: Any
    second: Any
    n_first: int
    n_second: int
    mean_first: float | None
    mean_second: float | None
    difference: Estimate
    welch: SignificanceTest
    mann_whitney: SignificanceTest
    hedges_g: Estimate


@dataclass(frozen=True)
class PairedComparison:
    """Current against desired within respondents (pairs with a missing side are left out)."""

    n: int
    mean_current: float | None
    mean_desired: float | None
    gap: Estimate
    t_test: SignificanceTest
    wilcoxon: SignificanceTest
    d_z: Estimate


def _f(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _compare(
    m: Moments, counts: IntArray | None, i: np.ndarray[Any, Any], j: np.ndarray[Any, Any], level: float,
    labels_j: Sequence[Any],
) -> tuple[TwoGroupComparison, ...]:
    n1, n2 = m.n[i], m.n[j]
    m1, m2 = m.mean[i], m.mean[j]
    v1, v2 = m.variance[i], m.variance[j]
    w = k.welch(n1, m1, v1, n2, m2, v2)
    half = k.t_quantile(level, np.where(np.isfinite(w.df), w.df, 0.0)) * w.se
    mw = None if counts is None else k.mann_whitney(counts[i].astype(np.float64), counts[j].astype(np.float64))
    df_p = n1 + n2 - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        sp = np.sqrt((m.ss[i] + m.ss[j]) / df_p)
        d = (m1 - m2) / sp
        t_pooled = (m1 - m2) / (sp * np.sqrt(1 / n1 + 1 / n2))
    ok_g = (n1 >= 2) & (n2 >= 2) & (sp > 0)
    jcorr = k.hedges_j(np.where(ok_g, df_p, 3.0))
    ncp_lo = np.full(n1.shape, np.nan)
    ncp_hi = np.full(n1.shape, np.nan)
    if ok_g.any():
        ncp_lo[ok_g] = k.noncentral_t_ncp(t_pooled[ok_g], df_p[ok_g], 0.5 + level / 2)
        ncp_hi[ok_g] = k.noncentral_t_ncp(t_pooled[ok_g], df_p[ok_g], 0.5 - level / 2)
    scale_g = jcorr * np.sqrt(1 / np.where(ok_g, n1, 1) + 1 / np.where(ok_g, n2, 1))
    out = []
    for p in range(n1.shape[0]):
        a, b = int(n1[p]), int(n2[p])
        if a == 0 or b == 0:
            reason = MissingReason.ALL_MISSING
        elif a < 2 or b < 2:
            reason = MissingReason.N_BELOW_2
        elif w.se[p] == 0:
            reason = MissingReason.ZERO_VARIANCE
        else:
            reason = None
        if reason is None:
            diff = Estimate(float(w.difference[p]), ConfidenceInterval(
                float(w.difference[p] - half[p]), float(w.difference[p] + half[p]), level))
            welch_test = SignificanceTest(float(w.t[p]), float(w.pvalue[p]), float(w.df[p]))
        elif reason is MissingReason.ZERO_VARIANCE:  # the difference itself is known, only its uncertainty is not
            diff = Estimate(float(w.difference[p]), None, reason)
            welch_test = missing_test(reason)
        else:
            diff, welch_test = missing_estimate(reason), missing_test(reason)
        if reason is None:
            g = Estimate(float(jcorr[p] * d[p]), ConfidenceInterval(
                float(ncp_lo[p] * scale_g[p]), float(ncp_hi[p] * scale_g[p]), level))
        else:
            g = missing_estimate(reason)
        if mw is None:
            u_test = missing_test(MissingReason.NEEDS_RAW_DATA)
        elif a == 0 or b == 0:
            u_test = missing_test(MissingReason.ALL_MISSING)
        elif not mw.sigma[p] > 0:
            u_test = missing_test(MissingReason.ZERO_VARIANCE)
        else:
            u_test = SignificanceTest(float(mw.u[p]), float(mw.pvalue[p]))
        out.append(TwoGroupComparison(
            py_label(m.labels[i[p]]), py_label(labels_j[p]), a, b, _f(m1[p]), _f(m2[p]), diff, welch_test, u_test,
            g))
    return tuple(out)


def compare_two(x: ArrayLike, y: ArrayLike, *, level: float = 0.95) -> TwoGroupComparison:
    """Compare two independent samples (NaN values are left out); see the module docstring for the figures.

    Examples
    --------
    >>> r = compare_two([1, 2, 3, 4, 5], [2, 4, 4, 5, 5])
    >>> round(r.welch.statistic, 4), round(r.mann_whitney.pvalue, 4)
    (-1.118, 0.3337)
    """
    level = check_level(level)
    a, b = as_vector(x, "x"), as_vector(y, "y")
    table = FrequencyTable.from_samples([a, b])
    return _compare(table.moments(), table.counts, np.array([0]), np.array([1]), level, [1])[0]


def _split(data: FrequencyTable | Moments) -> tuple[Moments, IntArray | None]:
    if isinstance(data, FrequencyTable):
        return data.moments(), data.counts
    return data, None


def compare_groups(
    data: FrequencyTable | Moments, *, pairs: Sequence[tuple[int, int]] | None = None, level: float = 0.95
) -> tuple[TwoGroupComparison, ...]:
    """Compare groups pairwise: every pair (i < j) by default, or the given index pairs.

    From :class:`~app.stats.sufficient.Moments` (e.g. database sums) every figure but the rank test is computed;
    Mann-Whitney then says ``needs_raw_data`` — pass a :class:`~app.stats.sufficient.FrequencyTable` for it.
    """
    level = check_level(level)
    m, counts = _split(data)
    pr = list(combinations(range(m.n_groups), 2)) if pairs is None else [(int(a), int(b)) for a, b in pairs]
    if not pr:
        return ()
    idx = np.array(pr, dtype=np.int64)
    if idx.min() < 0 or idx.max() >= m.n_groups:
        raise ValueError("pairs refer to groups the data do not have")
    return _compare(m, counts, idx[:, 0], idx[:, 1], level, [m.labels[q] for q in idx[:, 1]])


def compare_with_rest(data: FrequencyTable | Moments, *, level: float = 0.95) -> tuple[TwoGroupComparison, ...]:
    """Compare each group with all other respondents together (second label: ``"rest"``)."""
    level = check_level(level)
    g = int(data.counts.shape[0]) if isinstance(data, FrequencyTable) else data.n_groups
    labels = np.concatenate([data.labels.astype(object), np.full(g, "rest", dtype=object)])
    if isinstance(data, FrequencyTable):  # the rest's counts are the column totals minus the group's
        rest = data.counts.sum(axis=0)[None, :] - data.counts
        table = FrequencyTable(labels, data.values, np.concatenate([data.counts, rest]))
        return _compare(table.moments(), table.counts, np.arange(g), np.arange(g, 2 * g), level, ["rest"] * g)
    total = data.total()
    n_r = total.n[0] - data.n
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_r = np.where(n_r > 0, (total.n[0] * total.mean[0] - np.nan_to_num(data.n * data.mean)) / n_r, np.nan)
    # the rest's ss: the total's ss minus the group's ss and both parts' between-part terms (Chan et al. 1979)
    dev_g = np.where(data.n > 0, data.mean - total.mean[0], 0.0)
    dev_r = np.where(n_r > 0, mean_r - total.mean[0], 0.0)
    ss_r = np.maximum(total.ss[0] - data.ss - data.n * dev_g**2 - n_r * dev_r**2, 0.0)
    both = Moments(labels, np.concatenate([data.n, n_r]), np.concatenate([data.mean, mean_r]),
                   np.concatenate([data.ss, ss_r]))
    return _compare(both, None, np.arange(g), np.arange(g, 2 * g), level, ["rest"] * g)


def paired(current: ArrayLike, desired: ArrayLike, *, level: float = 0.95) -> PairedComparison:
    """Compare paired answers (current vs desired) of the same respondents; see the module docstring.

    .. math:: t = \\bar d / (s_d/\\sqrt n), \\quad d_z = \\bar d / s_d, \\quad d = current - desired

    Many comparisons at once (every dimension and item of a group): :func:`paired_many`, which gives the same
    results faster.
    """
    return paired_many([(current, desired)], level=level)[0]


def _paired_without_ci(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any], level: float) -> PairedComparison:
    """Everything of one paired comparison but the d_z CI (left None, its reason too, when there is one to come)."""
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = int(x.shape[0])
    d = x - y
    if n == 0:
        e, t = missing_estimate(MissingReason.ALL_MISSING), missing_test(MissingReason.ALL_MISSING)
        return PairedComparison(0, None, None, e, t, t, e)
    mean = float(d.mean())
    sd = float(d.std(ddof=1)) if n >= 2 else float("nan")
    reason = MissingReason.N_BELOW_2 if n < 2 else (MissingReason.ZERO_VARIANCE if sd == 0 else None)
    if reason is None:
        se = sd / float(np.sqrt(n))
        half = float(k.t_quantile(level, float(n - 1))) * se
        tval = mean / se
        gap = Estimate(mean, ConfidenceInterval(mean - half, mean + half, level))
        t_test = SignificanceTest(tval, float(k.two_sided_t_p(np.asarray(tval), np.asarray(n - 1.0))), n - 1.0)
        dz = Estimate(mean / sd, None)
    else:
        gap = Estimate(mean, None, reason)
        t_test, dz = missing_test(reason), missing_estimate(reason)
    sr = k.signed_rank(d)
    w = missing_test(MissingReason.NO_NONZERO_DIFFERENCE) if sr.n_nonzero == 0 else SignificanceTest(sr.v, sr.pvalue)
    return PairedComparison(n, float(x.mean()), float(y.mean()), gap, t_test, w, dz)


def paired_many(pairs: Sequence[tuple[ArrayLike, ArrayLike]], *, level: float = 0.95) -> tuple[PairedComparison, ...]:
    """:func:`paired` for each ``(current, desired)`` pair, in order.

    The d_z confidence limits invert the noncentral t distribution by a root search; here the searches of all
    pairs run together, one vectorised search per limit, which is most of the time :func:`paired` takes.
    """
    level = check_level(level)
    out = []
    for i, (current, desired) in enumerate(pairs):
        x, y = as_vector(current, f"current[{i}]"), as_vector(desired, f"desired[{i}]")
        if x.shape != y.shape:
            raise ValueError("current and desired need one value per respondent each (same length)")
        out.append(_paired_without_ci(x, y, level))
    todo = [i for i, r in enumerate(out) if r.d_z.value is not None and r.d_z.reason is None]
    if todo:
        tval = np.array([out[i].t_test.statistic for i in todo], dtype=np.float64)
        df = np.array([out[i].n - 1.0 for i in todo])
        low = k.noncentral_t_ncp(tval, df, 0.5 + level / 2) / np.sqrt(df + 1.0)
        high = k.noncentral_t_ncp(tval, df, 0.5 - level / 2) / np.sqrt(df + 1.0)
        for i, lo, hi in zip(todo, low, high, strict=True):
            ci = ConfidenceInterval(float(lo), float(hi), level)
            out[i] = replace(out[i], d_z=Estimate(out[i].d_z.value, ci))
    return tuple(out)


__all__ = ["PairedComparison", "TwoGroupComparison", "compare_groups", "compare_two", "compare_with_rest", "paired",
           "paired_many"]

