"""Current against desired when not everyone answered both frames: the partially overlapping samples t-test.

Each frame's mean is taken over everyone who answered that frame (:math:`n_1`, :math:`n_2` values, of which
:math:`n_{12}` respondents answered both); the paired part enters only through the correlation :math:`r` of the
:math:`n_{12}` pairs (Derrick, Toher & White 2017, :math:`T_{new2}`, "equal variances not assumed"):

.. math::

    T = \\frac{\\bar x_1 - \\bar x_2}{\\sqrt{s_1^2/n_1 + s_2^2/n_2 - 2 r s_1 s_2 n_{12}/(n_1 n_2)}}, \\qquad
    \\nu = (n_{12} - 1) + \\frac{\\gamma - n_{12} + 1}{n_a + n_b + 2 n_{12}} (n_a + n_b)

with :math:`\\gamma` Welch's df of the two whole samples and :math:`n_a, n_b` the respondents who answered only
frame 1 or only frame 2. The CI of the difference is :math:`\\pm t_{\\nu} \\cdot SE`. With every respondent in both
frames it is the paired t-test; with fewer than two pairs it is Welch's test (r = 0 and Welch's df; the R package
``Partiallyoverlapping``'s ``Partover.test(x1, x2, x3, x4)`` refuses that case), and a paired side without variance
gives r = 0 (as ``Partover.test`` does).

Why this test and not the paired one: a report shows each frame's mean over that frame's own respondents (the same
figures as everywhere else), so no figure is ever taken over "those who answered both" -- a set that differs from
each frame's by the few who skipped the other, whose answers a difference of the two figures would give away.

Also: the Wilcoxon signed-rank test of the pairs (as :func:`app.stats.paired`; non-parametric check) and the
standardised difference :math:`d_{av} = (\\bar x_1 - \\bar x_2) / \\sqrt{(s_1^2 + s_2^2)/2}` (Cumming 2012), without
an interval (its standardiser comes from overlapping samples; no exact interval is known to us).

References: Derrick, B., Toher, D., & White, P. (2017). How to compare the means of two samples that include paired
observations and independent observations: a companion to Derrick, Russ, Toher and White (2017). The Quantitative
Methods for Psychology, 13(2), 120-126. Cumming, G. (2012). Understanding the New Statistics. Routledge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.stats import _kernels as k
from app.stats._common import (
    ArrayLike,
    ConfidenceInterval,
    Estimate,
    MissingReason,
    SignificanceTest,
    as_vector,
    check_level,
    missing_estimate,
    missing_test,
)


@dataclass(frozen=True)
class OverlappingComparison:
    """Frame 1 (e.g. desired) against frame 2 (e.g. current) of the same respondents, not all in both."""

    n_first: int  # respondents with a value in frame 1
    n_second: int
    n_both: int
    mean_first: float | None
    mean_second: float | None
    difference: Estimate  # mean_first - mean_second, with its CI
    t_test: SignificanceTest  # T_new2 with its df
    wilcoxon: SignificanceTest  # signed rank of the pairs
    d_av: Estimate  # difference / sqrt((s1^2 + s2^2) / 2); no interval


def partially_overlapping(first: ArrayLike, second: ArrayLike, *, level: float = 0.95) -> OverlappingComparison:
    """Compare two frames answered by partly the same respondents: ``first[i]`` and ``second[i]`` are respondent
    i's values (NaN: not answered in that frame); see the module docstring."""
    level = check_level(level)
    x, y = as_vector(first, "first"), as_vector(second, "second")
    if x.shape != y.shape:
        raise ValueError("first and second need one value per respondent each (same length)")
    has_x, has_y = ~np.isnan(x), ~np.isnan(y)
    both = has_x & has_y
    n1, n2, n12 = (int(np.count_nonzero(m)) for m in (has_x, has_y, both))
    xb, yb = x[both], y[both]
    sr = k.signed_rank(xb - yb)
    wilcoxon = (missing_test(MissingReason.NO_NONZERO_DIFFERENCE) if sr.n_nonzero == 0
                else SignificanceTest(sr.v, sr.pvalue))
    if n1 == 0 or n2 == 0:
        e, t = missing_estimate(MissingReason.ALL_MISSING), missing_test(MissingReason.ALL_MISSING)
        return OverlappingComparison(n1, n2, n12, _mean(x[has_x]), _mean(y[has_y]), e, t, wilcoxon, e)
    x1, x2 = xb if n1 == n12 else x[has_x], yb if n2 == n12 else y[has_y]  # often everyone answered both
    m1, m2 = float(x1.mean()), float(x2.mean())
    diff = m1 - m2
    if n1 < 2 or n2 < 2:
        reason = MissingReason.N_BELOW_2
        return OverlappingComparison(n1, n2, n12, m1, m2, Estimate(diff, None, reason), missing_test(reason),
                                     wilcoxon, missing_estimate(reason))
    v1, v2 = float(x1.var(ddof=1)), float(x2.var(ddof=1))
    r = _correlation(xb, yb)
    var = v1 / n1 + v2 / n2 - 2.0 * r * np.sqrt(v1 * v2) * n12 / (n1 * n2)
    d_av = (Estimate(diff / float(np.sqrt((v1 + v2) / 2)), None) if v1 + v2 > 0
            else missing_estimate(MissingReason.ZERO_VARIANCE))
    if not var > 0:
        reason = MissingReason.ZERO_VARIANCE
        return OverlappingComparison(n1, n2, n12, m1, m2, Estimate(diff, None, reason), missing_test(reason),
                                     wilcoxon, d_av)
    se = float(np.sqrt(var))
    df = _df(v1 / n1, v2 / n2, n1, n2, n12)
    half = float(k.t_quantile(level, df)) * se
    tval = diff / se
    p = float(k.two_sided_t_p(np.asarray(tval), np.asarray(df)))
    ci = ConfidenceInterval(diff - half, diff + half, level)
    return OverlappingComparison(n1, n2, n12, m1, m2, Estimate(diff, ci), SignificanceTest(tval, p, df), wilcoxon,
                                 d_av)


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if values.size else None


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson's r of the pairs; 0 with fewer than two pairs or a side without variance."""
    if a.size < 2:
        return 0.0
    ac, bc = a - a.mean(), b - b.mean()
    saa, sbb = float(ac @ ac), float(bc @ bc)
    return float(np.clip(float(ac @ bc) / np.sqrt(saa * sbb), -1.0, 1.0)) if saa > 0 and sbb > 0 else 0.0


def _df(q1: float, q2: float, n1: int, n2: int, n12: int) -> float:
    """Derrick et al.'s df: the pairs' n12 - 1 plus a share of the extra Welch df by the unpaired respondents."""
    welch = (q1 + q2) ** 2 / (q1**2 / (n1 - 1) + q2**2 / (n2 - 1))
    if n12 < 2:  # no correlation to speak of: Welch's test
        return welch
    unpaired = (n1 - n12) + (n2 - n12)
    return (n12 - 1) + (welch - n12 + 1) / (unpaired + 2 * n12) * unpaired


__all__ = ["OverlappingComparison", "partially_overlapping"]
