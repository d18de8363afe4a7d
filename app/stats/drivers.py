"""Driver analysis: how much of an outcome each predictor accounts for, as relative importance summing to R².

Input: respondents x p predictors (e.g. the five dimension scores) and one outcome score per respondent.
**Complete cases only**: a respondent with any missing predictor or outcome is left out (and counted). Everything
is computed from the (p+1) x (p+1) correlation matrix of the complete cases, so the scale of each variable is
irrelevant and the rows are read once.

Formulas, with R the correlation matrix of the predictors and r their correlations with the outcome:

* R² of a subset S of predictors: :math:`R^2(S) = r_S^\\top R_{SS}^{-1} r_S` (the ordinary least-squares R² of
  ``lm(y ~ x_S)``); all :math:`2^p` subsets are solved, so p is limited to :data:`MAX_PREDICTORS`.
* General dominance (Azen & Budescu 2003), equal to LMG (Lindeman, Merenda & Gold 1980; Grömping 2006, R's
  ``relaimpo::calc.relimp(type = "lmg")``): the R² increment of predictor j averaged over all p! orderings,
  :math:`\\mathrm{LMG}_j = \\sum_{S \\not\\ni j} \\frac{|S|!\\,(p-|S|-1)!}{p!}\\,[R^2(S\\cup j) - R^2(S)]`.
  The weights sum to :math:`R^2` of the full model and are non-negative.
* Johnson's relative weights (Johnson 2000; Tonidandel & LeBreton 2011): with :math:`R = Q\\Lambda Q^\\top`,
  :math:`R^{1/2} = Q\\Lambda^{1/2}Q^\\top` and :math:`\\beta = R^{-1/2} r` (the outcome regressed on the
  orthogonal counterparts :math:`Z = X R^{-1/2}` of the predictors),
  :math:`\\varepsilon_j = \\sum_k (R^{1/2})_{jk}^2\\,\\beta_k^2`; they sum to :math:`\\beta^\\top\\beta = R^2`.
* Bootstrap percentile intervals (Efron & Tibshirani 1993, ch. 13): respondents are resampled with replacement
  ``n_bootstrap`` times from ``numpy.random.default_rng(seed)`` (one ``integers(0, n, n)`` draw per resample,
  so a seed gives the same intervals on every machine and for any chunking); each resample's covariance matrix
  comes from its multiplicity counts times the cross-products of the centred rows (one matrix product per chunk
  of resamples, no copy of the rows); the interval is the ``(1-level)/2`` and ``(1+level)/2`` quantiles of the
  replicates (linear interpolation, R's ``quantile(type = 7)``). A resample whose predictor correlation matrix is
  singular (or with a constant variable) is left out and counted (:attr:`DriverAnalysis.n_bootstrap_used`).
  Percentile intervals of these bounded, upward-biased statistics cover a little less than ``level``: in the
  simulation of ``tests/stats/test_drivers.py`` (n = 300, four correlated predictors) 90-95% at 95%.

Checked against R (``tests/stats/reference/make_drivers_reference.R``: ``lm`` on every subset for LMG, Johnson's
formula by ``eigen``) to 1e-6. Errors are ``ValueError``: fewer than ``min_respondents`` complete cases (default
:data:`MIN_RESPONDENTS`), a constant predictor or outcome, a singular predictor correlation matrix, wrong shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import numpy as np

from app.stats._common import (
    ArrayLike,
    BoolArray,
    ConfidenceInterval,
    Estimate,
    FloatArray,
    as_matrix,
    as_vector,
    check_level,
)

MIN_RESPONDENTS = 50
"""Fewest complete cases for a driver analysis (reports use it per scope). With five predictors, fewer than ~50
respondents leave the weights mostly noise (their bootstrap intervals span most of R²). It is far above the
default anonymity threshold (a survey's minimum group size, 5 by default), but a survey may set that minimum
higher (up to 1,000): a report shows drivers for a scope only when it has at least the larger of the two, and
publishes them through the anonymity protection like every other figure."""

MAX_PREDICTORS = 12
"""All 2^p subsets are solved for general dominance; 12 predictors are 4,096 subsets."""

SINGULAR_TOLERANCE = 1e-10
"""Smallest eigenvalue of the predictor correlation matrix below which it counts as singular."""

_CHUNK_CELLS = 4_000_000  # resamples x respondents per matrix product (32 MB of float64 counts)


@dataclass(frozen=True, eq=False)
class DriverAnalysis:
    """Relative importance of each predictor (in the order given) for the outcome, with bootstrap intervals.

    ``general_dominance`` (LMG) and ``relative_weights`` (Johnson) each sum to ``r_squared.value``. Intervals are
    None when ``n_bootstrap`` is 0. ``replicates_*`` hold the bootstrap values (``n_bootstrap_used`` rows, one
    column per predictor), e.g. for intervals of a weight's share of R² (``replicates_general_dominance /
    replicates_r_squared[:, None]``) or of the difference between two weights.
    """

    n_respondents: int
    n_incomplete: int
    r_squared: Estimate
    general_dominance: tuple[Estimate, ...]
    relative_weights: tuple[Estimate, ...]
    n_bootstrap: int
    n_bootstrap_used: int
    seed: int
    level: float
    replicates_r_squared: FloatArray
    replicates_general_dominance: FloatArray
    replicates_relative_weights: FloatArray

    @property
    def n_predictors(self) -> int:
        return len(self.general_dominance)

    def general_dominance_values(self) -> FloatArray:
        """The LMG weights as an array (p,)."""
        return np.array([e.value for e in self.general_dominance], dtype=np.float64)

    def relative_weight_values(self) -> FloatArray:
        """Johnson's relative weights as an array (p,)."""
        return np.array([e.value for e in self.relative_weights], dtype=np.float64)


def _subset_weights(p: int) -> tuple[list[list[int]], FloatArray]:
    """Predictor indices of every subset (bit mask order) and the (2^p, p) matrix M with LMG = R²(subsets) @ M."""
    subsets = [[j for j in range(p) if mask >> j & 1] for mask in range(1 << p)]
    m = np.zeros((1 << p, p))
    for mask, s in enumerate(subsets):
        w = factorial(len(s)) * factorial(p - len(s) - 1) / factorial(p) if len(s) < p else 0.0
        for j in range(p):
            if not mask >> j & 1:
                m[mask | 1 << j, j] += w
                m[mask, j] -= w
    return subsets, m


def _importance(corr: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """R², LMG and relative weights of a stack of correlation matrices (B, p+1, p+1), outcome last.

    Rows whose predictor matrix is singular or not finite come back as NaN.
    """
    b, q = corr.shape[0], corr.shape[1]
    p = q - 1
    rxx, rxy = corr[:, :p, :p], corr[:, :p, p]
    good: BoolArray = np.asarray(np.isfinite(corr).all(axis=(1, 2)))
    rxx = np.where(good[:, None, None], rxx, np.eye(p))
    rxy = np.where(good[:, None], rxy, 0.0)
    lam, vec = np.linalg.eigh(rxx)
    good &= lam[:, 0] > SINGULAR_TOLERANCE
    lam = np.where(good[:, None], lam, 1.0)
    rxx = np.where(good[:, None, None], rxx, np.eye(p))
    # Johnson: beta = R^-1/2 r, eps_j = sum_k (R^1/2)_jk^2 beta_k^2
    half = np.einsum("bjk,bk,blk->bjl", vec, np.sqrt(lam), vec)
    inv_half = np.einsum("bjk,bk,blk->bjl", vec, 1.0 / np.sqrt(lam), vec)
    beta = np.einsum("bjk,bk->bj", inv_half, rxy)
    rw = np.einsum("bjk,bk->bj", half * half, beta * beta)
    subsets, m = _subset_weights(p)
    r2 = np.zeros((b, 1 << p))
    for mask in range(1, 1 << p):
        s = subsets[mask]
        r_s = rxy[:, s]
        r2[:, mask] = np.einsum("bj,bj->b", r_s, np.linalg.solve(rxx[:, s][:, :, s], r_s[:, :, None])[:, :, 0])
    lmg = r2 @ m
    full = r2[:, -1]
    bad = ~good
    full[bad] = np.nan
    lmg[bad] = np.nan
    rw[bad] = np.nan
    return full, lmg, rw


def _correlation(cov: FloatArray) -> FloatArray:
    d = np.sqrt(np.einsum("bii->bi", cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr: FloatArray = cov / (d[:, :, None] * d[:, None, :])
    corr[~(d > 0).all(axis=1)] = np.nan
    return corr


def relative_importance_from_correlation(corr: ArrayLike) -> tuple[float, FloatArray, FloatArray]:
    """R², general dominance (LMG) and Johnson's relative weights from one correlation matrix, outcome last.

    Examples
    --------
    >>> r2, lmg, rw = relative_importance_from_correlation([[1, 0, 0.3], [0, 1, 0.4], [0.3, 0.4, 1]])
    >>> round(r2, 6), lmg.round(6).tolist(), rw.round(6).tolist()
    (0.25, [0.09, 0.16], [0.09, 0.16])
    """
    c = np.asarray(corr, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or not 2 <= c.shape[0] <= MAX_PREDICTORS + 1:
        raise ValueError(f"corr must be a square matrix of 2..{MAX_PREDICTORS + 1} variables, got shape {c.shape}")
    if not np.allclose(c, c.T) or not np.allclose(np.diag(c), 1.0):
        raise ValueError("corr must be a symmetric correlation matrix (ones on the diagonal)")
    _check_predictors(c[:-1, :-1])
    r2, lmg, rw = _importance(c[None])
    return float(r2[0]), lmg[0], rw[0]


def _check_predictors(rxx: FloatArray) -> None:
    lam = np.linalg.eigvalsh(rxx)
    if not lam[0] > SINGULAR_TOLERANCE:
        raise ValueError("the predictors' correlation matrix is singular (a predictor is a linear combination of "
                         f"others; smallest eigenvalue {lam[0]:.3g}): drop or merge predictors")


def _bootstrap(xc: FloatArray, n_bootstrap: int, seed: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """R², LMG and relative weights of ``n_bootstrap`` resamples of the centred variables ``xc`` (q, n)."""
    q, n = xc.shape
    iu = np.triu_indices(q)
    feats = np.concatenate([xc, xc[iu[0]] * xc[iu[1]]]).T  # (n, q + q(q+1)/2): each row's values and products
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_bootstrap, _CHUNK_CELLS // n))
    sums = np.empty((n_bootstrap, feats.shape[1]))
    counts = np.empty((chunk, n))  # reused: a fresh 32 MB array per chunk costs as much as the product
    for start in range(0, n_bootstrap, chunk):
        stop = min(start + chunk, n_bootstrap)
        for i in range(stop - start):  # one draw per resample: the stream does not depend on the chunk size
            counts[i] = np.bincount(rng.integers(0, n, n), minlength=n)
        sums[start:stop] = counts[: stop - start] @ feats
    s1, s2 = sums[:, :q], sums[:, q:]
    cross = np.empty((n_bootstrap, q, q))
    cross[:, iu[0], iu[1]] = s2
    cross[:, iu[1], iu[0]] = s2
    cov = cross - s1[:, :, None] * s1[:, None, :] / n  # times (n - 1); the correlation does not mind
    return _importance(_correlation(cov))


def _interval(values: FloatArray, level: float) -> list[ConfidenceInterval | None]:
    if values.shape[0] == 0:
        return [None] * values.shape[1]
    lo, hi = np.quantile(values, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return [ConfidenceInterval(float(a), float(b), level) for a, b in zip(lo, hi, strict=True)]


def driver_analysis(
    predictors: ArrayLike,
    outcome: ArrayLike,
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    min_respondents: int = MIN_RESPONDENTS,
) -> DriverAnalysis:
    """General dominance (LMG) and Johnson's relative weights of ``predictors`` for ``outcome``, with bootstrap CIs.

    Parameters
    ----------
    predictors : array_like, shape (N, p)
        One column per predictor (e.g. dimension scores); NaN = missing. 1 <= p <= :data:`MAX_PREDICTORS`.
    outcome : array_like, shape (N,)
        The outcome score; NaN = missing. Only respondents with every value present are used.
    n_bootstrap : int
        Number of resamples for the percentile intervals (0: no intervals).
    seed : int
        Seed of ``numpy.random.default_rng``: the same data and seed give the same intervals.
    level : float
        Confidence level of the intervals.
    min_respondents : int
        Fewest complete cases accepted (never below ``p + 2``).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=(500, 3))
    >>> y = x @ [0.6, 0.3, 0.0] + rng.normal(size=500)
    >>> res = driver_analysis(x, y, n_bootstrap=200, seed=7)
    >>> bool(np.isclose(res.general_dominance_values().sum(), res.r_squared.value))
    True
    >>> res.general_dominance_values().round(2).tolist()
    [0.27, 0.03, 0.01]
    >>> res.n_respondents, res.n_bootstrap_used
    (500, 200)
    """
    level = check_level(level)
    x = as_matrix(predictors, "predictors")
    y = as_vector(outcome, "outcome")
    n_all, p = x.shape
    if y.shape[0] != n_all:
        raise ValueError(f"outcome must have one value per respondent ({n_all}), got {y.shape[0]}")
    if not 1 <= p <= MAX_PREDICTORS:
        raise ValueError(f"driver analysis needs 1..{MAX_PREDICTORS} predictors, got {p}")
    if int(n_bootstrap) != n_bootstrap or n_bootstrap < 0:
        raise ValueError(f"n_bootstrap must be a non-negative whole number, got {n_bootstrap}")
    n_bootstrap = int(n_bootstrap)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative whole number (intervals are reproducible), got {seed!r}")
    seed = int(seed)
    data = np.empty((p + 1, n_all))  # variables x respondents: every pass below runs along contiguous rows
    data[:p] = x.T
    data[p] = y
    complete = ~np.isnan(data).any(axis=0)
    n = int(complete.sum())
    if n < n_all:
        data = data[:, complete]
    need = max(int(min_respondents), p + 2)
    if n < need:
        raise ValueError(f"driver analysis needs at least {need} respondents with every score present, got {n}")
    mean = data.mean(axis=1)
    xc = data - mean[:, None]
    cov = (xc @ xc.T)[None]
    var = np.diag(cov[0]) / n
    constant = var <= (1e-12 * np.maximum(np.abs(mean), 1.0)) ** 2
    if constant.any():
        names = [f"predictor {j}" if j < p else "the outcome" for j in np.flatnonzero(constant)]
        raise ValueError(f"{', '.join(names)} has the same value for every respondent: no driver analysis")
    corr = _correlation(cov)
    _check_predictors(corr[0, :p, :p])
    r2, lmg, rw = _importance(corr)
    if n_bootstrap:
        b_r2, b_lmg, b_rw = _bootstrap(xc, n_bootstrap, seed)
        ok = np.isfinite(b_r2)
        b_r2, b_lmg, b_rw = b_r2[ok], b_lmg[ok], b_rw[ok]
    else:
        b_r2, b_lmg, b_rw = np.empty(0), np.empty((0, p)), np.empty((0, p))
    ci_r2 = _interval(b_r2[:, None], level)[0]
    return DriverAnalysis(
        n_respondents=n,
        n_incomplete=n_all - n,
        r_squared=Estimate(float(r2[0]), ci_r2),
        general_dominance=tuple(Estimate(float(v), ci) for v, ci in zip(lmg[0], _interval(b_lmg, level),
                                                                       strict=True)),
        relative_weights=tuple(Estimate(float(v), ci) for v, ci in zip(rw[0], _interval(b_rw, level), strict=True)),
        n_bootstrap=n_bootstrap,
        n_bootstrap_used=int(b_r2.shape[0]),
        seed=seed,
        level=level,
        replicates_r_squared=b_r2,
        replicates_general_dominance=b_lmg,
        replicates_relative_weights=b_rw,
    )
