"""Confidence intervals that agree with Holm's verdict: simultaneous intervals compatible with the step-down test.

An unadjusted 95% interval and a Holm-adjusted p-value can disagree: the interval excludes 0 while the adjusted p
is above alpha. The intervals here are those of Strassburger & Bretz (2008, *Statistics in Medicine* 27:4914-4927,
"Compatible simultaneous lower confidence bounds for the Holm procedure and other Bonferroni-based closed tests")
and Guilbaud (2008, *Biometrical Journal* 50:678-692), applied to each direction of a two-sided test.

For a family of m estimates :math:`\\hat\\theta_i` with standard errors :math:`s_i`, t degrees of freedom
:math:`\\nu_i` (infinite: normal) and two-sided p-values :math:`p_i` of :math:`H_i: \\theta_i = 0`, let R be the
hypotheses Holm rejects at level :math:`\\alpha` (adjusted p < alpha), r = |R|, and
:math:`c_i(\\gamma) = t_{1-\\gamma/2,\\,\\nu_i}`:

* r < m, i not in R: :math:`\\hat\\theta_i \\pm c_i(\\alpha/(m-r))\\, s_i` -- it contains 0, since Holm stopped at a
  p-value of at least :math:`\\alpha/(m-r)`;
* r < m, i in R: from 0 (open: only the direction is established, as the compatible bound of the rejected
  hypothesis is the null value) to the far bound :math:`\\hat\\theta_i \\pm c_i(\\alpha/(m-r))\\, s_i`;
* r = m (every hypothesis rejected): :math:`\\hat\\theta_i \\pm c_i(\\alpha/m)\\, s_i`, its bound nearest 0 cut
  at 0 (again open).

So "the interval excludes 0" (``excludes_zero``: 0 lies outside, or is the interval's open end) holds exactly when
Holm's adjusted p is below alpha. The price of agreeing with the test is the bound at 0: a significant difference
says in which direction, and how large it may be at most, not how small.

Strassburger & Bretz give one-sided bounds (a rejected hypothesis gets the bound 0 and nothing on the far side);
the far bounds of a two-sided rejection here are ours (the marginal bound at the level of the hypotheses left), and
their simultaneous coverage is checked by simulation in ``tests/stats/test_holm_ci.py``, not proven.

The family is every present p-value (None or NaN are not in it, as in :func:`app.stats.multitest.holm`); a test
without an estimate or a positive standard error gets no interval but counts in the family.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as st

from app.stats.multitest import holm


@dataclass(frozen=True)
class HolmInterval:
    """``low``/``high`` (None: unbounded), the family's simultaneous coverage ``level`` (1 - alpha) and whether the
    interval excludes 0 (then one end is 0 itself, open, or the whole interval lies on one side)."""

    low: float | None
    high: float | None
    level: float
    excludes_zero: bool


def _critical(gamma: float, dfs: list[float]) -> list[float]:
    """:math:`t_{1-\\gamma/2,\\nu}` for each df (infinite: the normal quantile), in one vectorised call."""
    q = 1.0 - gamma / 2.0
    df = np.asarray(dfs, dtype=np.float64)
    finite = np.isfinite(df)
    t = st.t.ppf(q, np.where(finite, df, 1.0))
    return [float(c) for c in np.where(finite, t, st.norm.ppf(q))]


def holm_intervals(estimates: Sequence[float | None], standard_errors: Sequence[float | None],
                   dfs: Sequence[float | None], pvalues: Sequence[float | None], *,
                   alpha: float = 0.05) -> tuple[HolmInterval | None, ...]:
    """Holm-compatible intervals of the family (see the module docstring); None where an input is missing.

    ``pvalues`` are the unadjusted two-sided p-values of the same tests (estimate / standard error against t with
    ``dfs``); the verdict is Holm's on them, so the intervals agree with any report that prints Holm's adjusted p.

    Examples
    --------
    >>> cis = holm_intervals([1.0, 0.3], [0.2, 0.2], [float("inf")] * 2, [5.7e-7, 0.1336])
    >>> [(round(c.low, 3), round(c.high, 3), c.excludes_zero) for c in cis]
    [(0.0, 1.392, True), (-0.092, 0.692, False)]
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must lie in (0, 1)")
    m_in = len(estimates)
    if not (len(standard_errors) == len(dfs) == len(pvalues) == m_in):
        raise ValueError("estimates, standard_errors, dfs and pvalues must have the same length")

    def ok(i: int) -> bool:
        values = (estimates[i], standard_errors[i], dfs[i])
        return all(v is not None and not np.isnan(v) for v in values) and float(standard_errors[i]) > 0  # type: ignore[arg-type]

    verdict = holm(pvalues)  # the family: every present p-value, as the report's own adjustment
    rejected = {i for i, a in enumerate(verdict.adjusted) if a is not None and a < alpha}
    m, r = verdict.n_tests, len(rejected)
    present = [i for i in range(m_in) if verdict.adjusted[i] is not None and ok(i)]
    gamma = alpha / (m - r) if r < m else alpha / max(m, 1)
    out: list[HolmInterval | None] = [None] * m_in
    critical = _critical(gamma, [float(dfs[i]) for i in present])  # type: ignore[arg-type]
    for i, c in zip(present, critical, strict=True):
        est, se = float(estimates[i]), float(standard_errors[i])  # type: ignore[arg-type]
        half = c * se
        low, high = est - half, est + half
        if i not in rejected:  # contains 0 (up to rounding: kept exact, so the two never disagree)
            out[i] = HolmInterval(min(low, 0.0), max(high, 0.0), 1.0 - alpha, False)
        elif est > 0:
            out[i] = HolmInterval(max(low, 0.0) if r == m else 0.0, high, 1.0 - alpha, True)
        else:
            out[i] = HolmInterval(low, min(high, 0.0) if r == m else 0.0, 1.0 - alpha, True)
    return tuple(out)
