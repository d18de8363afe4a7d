"""Vectorised numerical kernels shared by the public modules (internal; arrays in, arrays out)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special, stats
from scipy.interpolate import CubicSpline

from app.stats._common import FloatArray

# The distributions' functions straight from scipy.special, the functions behind scipy.stats' t, norm, F and
# chi-square: the same values (tests/stats/test_kernels.py) without the ~0.1 ms of argument checks per call that
# scipy.stats adds, which the reports pay thousands of times per dashboard.


def t_quantile(level: float, df: FloatArray | float) -> FloatArray:
    """Two-sided critical value :math:`t_{(1+level)/2,\\,df}` (NaN where df <= 0)."""
    d = np.asarray(df, dtype=np.float64)
    out = np.full(d.shape, np.nan)
    ok = d > 0
    out[ok] = special.stdtrit(d[ok], 0.5 + level / 2.0)
    return out


def two_sided_t_p(t: FloatArray, df: FloatArray) -> FloatArray:
    return np.asarray(2.0 * special.stdtr(df, -np.abs(t)), dtype=np.float64)


def two_sided_normal_p(z: FloatArray) -> FloatArray:
    return np.asarray(2.0 * special.ndtr(-np.abs(z)), dtype=np.float64)


def f_sf(f: float, df1: float, df2: float) -> float:
    """:math:`P(F_{df1,df2} > f)` (``scipy.stats.f.sf``)."""
    return float(special.fdtrc(df1, df2, f))


def f_quantile(p: float, df1: float, df2: float) -> float:
    """``scipy.stats.f.ppf`` for p in (0, 1)."""
    return float(special.fdtri(df1, df2, p))


def chi2_sf(x: float, df: float) -> float:
    """:math:`P(\\chi^2_{df} > x)` (``scipy.stats.chi2.sf``)."""
    return float(special.chdtrc(df, x))


@dataclass(frozen=True)
class Welch:
    """Welch's unequal-variance t test between groups 1 and 2 (elementwise)."""

    difference: FloatArray
    se: FloatArray
    df: FloatArray
    t: FloatArray
    pvalue: FloatArray


def welch(n1: FloatArray, m1: FloatArray, v1: FloatArray, n2: FloatArray, m2: FloatArray, v2: FloatArray) -> Welch:
    """:math:`t = (\\bar x_1-\\bar x_2)/\\sqrt{s_1^2/n_1+s_2^2/n_2}`, Welch-Satterthwaite df."""
    with np.errstate(invalid="ignore", divide="ignore"):
        a, b = v1 / n1, v2 / n2
        se = np.sqrt(a + b)
        df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
        diff = m1 - m2
        t = diff / se
    return Welch(diff, se, df, t, two_sided_t_p(t, df))


def hedges_j(df: FloatArray) -> FloatArray:
    """Exact small-sample correction :math:`J(\\nu)=\\Gamma(\\nu/2)/(\\sqrt{\\nu/2}\\,\\Gamma((\\nu-1)/2))`."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.exp(special.gammaln(df / 2) - 0.5 * np.log(df / 2) - special.gammaln((df - 1) / 2)))


def _bracketed_root(f: Callable[[FloatArray], FloatArray], lo: FloatArray, hi: FloatArray, *,
                    increasing: bool) -> FloatArray:
    """Elementwise root of a monotone ``f`` (Illinois regula falsi), widening ``[lo, hi]`` until it brackets it."""
    sgn = 1.0 if increasing else -1.0

    def g(v: FloatArray) -> FloatArray:  # increasing version of f
        return sgn * f(v)

    glo, ghi = g(lo), g(hi)
    width = hi - lo
    for _ in range(60):  # widen; g(lo) must be < 0 and g(hi) > 0
        bad_lo, bad_hi = glo >= 0, ghi <= 0
        if not (bad_lo.any() or bad_hi.any()):
            break
        width = width * 2.0
        lo = np.where(bad_lo, lo - width, lo)
        hi = np.where(bad_hi, hi + width, hi)
        glo, ghi = g(lo), g(hi)
    side = np.zeros(lo.shape)
    x = lo
    for _ in range(100):
        previous = x
        x = (lo * ghi - hi * glo) / (ghi - glo)
        gx = g(x)
        tol = 1e-13 * (1.0 + np.abs(x))
        if np.all((np.abs(gx) < 1e-15) | (hi - lo < tol) | (np.abs(x - previous) < tol)):
            break
        below = gx < 0  # the root is above x: x becomes the new lower end
        lo, glo = np.where(below, x, lo), np.where(below, gx, glo)
        hi, ghi = np.where(below, hi, x), np.where(below, ghi, gx)
        # Illinois step: halve the stale end's value when the same end survives twice in a row.
        ghi = np.where(below & (side == 1), ghi / 2, ghi)
        glo = np.where(~below & (side == -1), glo / 2, glo)
        side = np.where(below, 1, -1)
    return np.asarray(x, dtype=np.float64)


def noncentral_t_ncp(t: FloatArray, df: FloatArray, prob: float) -> FloatArray:
    """Noncentrality ``ncp`` with ``nct.cdf(t, df, ncp) == prob``, elementwise.

    The cdf falls as ncp grows, so the root is unique. scipy's ``special.nctdtrinc`` (cdflib's search) finds it to
    ~1e-6; from there the root of ``special.nctdtr`` (the cdf behind ``scipy.stats.nct``) is polished in a bracket
    of :math:`\\pm 10^{-4}(1 + |ncp|)`, widened where it does not hold the root. Where cdflib gives nothing finite
    the bracket starts from the normal approximation :math:`ncp \\approx t - z_{prob}\\sqrt{1 + t^2/(2\\nu)}`.
    """
    t = np.asarray(t, dtype=np.float64)
    df = np.broadcast_to(np.asarray(df, dtype=np.float64), t.shape)
    s = np.sqrt(1.0 + t * t / (2.0 * df))
    seed = np.asarray(special.nctdtrinc(df, prob, t), dtype=np.float64)
    found = np.isfinite(seed)
    centre = np.where(found, seed, t - s * special.ndtri(prob))
    half = np.where(found, 1e-4 * (1.0 + np.abs(seed)), 2.0 * s + 1.0)

    def f(ncp: FloatArray) -> FloatArray:
        return np.asarray(special.nctdtr(df, ncp, t), dtype=np.float64) - prob

    return _bracketed_root(f, centre - half, centre + half, increasing=False)


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(20)
_RANGE_MAX = 16.0  # P(range of k <= 10^4 standard normals > 16) < 1e-30: the table ends there


def _composite_gl(a: float, b: float, panels: int) -> tuple[FloatArray, FloatArray]:
    """Nodes and weights of a composite 20-point Gauss-Legendre rule on [a, b]."""
    edges = np.linspace(a, b, panels + 1)
    half = np.diff(edges)[:, None] / 2.0
    mid = (edges[:-1] + edges[1:])[:, None] / 2.0
    return (mid + half * _GL_NODES).ravel(), (half * _GL_WEIGHTS).ravel()


@lru_cache(maxsize=64)
def _range_sf_table(k: int) -> CubicSpline:
    """:math:`P(W_k > w)` for the range :math:`W_k` of k standard normals, on w in [0, 16] (step 0.01) as a cubic
    spline: :math:`P(W_k \\le w) = k\\int \\phi(z)\\,[\\Phi(z) - \\Phi(z - w)]^{k-1}\\,dz`."""
    z, wz = _composite_gl(-9.0, 9.0, 36)
    w = np.linspace(0.0, _RANGE_MAX, 1601)
    phi = np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)
    inner = np.maximum(special.ndtr(z)[None, :] - special.ndtr(z[None, :] - w[:, None]), 0.0)
    cdf = k * (inner ** (k - 1) * (phi * wz)[None, :]).sum(axis=1)
    return CubicSpline(w, 1.0 - cdf)


def _outer_rule(df: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Nodes s and weights (density included) of the outer integral over :math:`s = \\sqrt{\\chi^2_\\nu/\\nu}`, per df:
    a 320-point composite Gauss-Legendre rule in log s between the chi-square quantiles 1e-15 and 1 - 1e-15."""
    log_lo = 0.5 * np.log(stats.chi2.ppf(1e-15, df) / df)
    log_hi = 0.5 * np.log(stats.chi2.isf(1e-15, df) / df)
    x, wx = _composite_gl(0.0, 1.0, 16)
    span = (log_hi - log_lo)[..., None]
    log_s = log_lo[..., None] + span * x
    nu = df[..., None]
    u = nu * np.exp(2.0 * log_s)  # the chi-square value at s; density of log s = 2 u f_chi2(u)
    log_density = np.log(2.0) + (nu / 2.0) * np.log(u / 2.0) - u / 2.0 - special.gammaln(nu / 2.0)
    return np.exp(log_s), np.exp(log_density) * wx * span


def _range_tail(k: int, w: FloatArray) -> FloatArray:
    """:math:`P(W_k > w)`; 1 for w <= 0 (a negative w is no range: the spline must not extrapolate there)."""
    return np.asarray(np.where(w >= _RANGE_MAX, 0.0, _range_sf_table(k)(np.clip(w, 0.0, _RANGE_MAX))))


def studentized_range_sf(q: FloatArray, k: int, df: FloatArray) -> FloatArray:
    """:math:`P(Q_{k,\\nu} > q)` elementwise over ``q`` and ``df`` (scipy's ``studentized_range.sf`` integrates
    each value on its own and takes ~10 ms per value; Games-Howell over a hundred teams needs thousands).

    :math:`P(Q > q) = \\int_0^\\infty f_\\nu(s)\\, P(W_k > q s)\\, ds` with
    :math:`s = \\sqrt{\\chi^2_\\nu/\\nu}`: the range's tail from a spline table (one per k), the outer integral
    over log s between the chi-square quantiles :math:`10^{-15}` and :math:`1 - 10^{-15}` by a 320-point composite
    Gauss-Legendre rule. Agrees with scipy and R's ``ptukey`` to ~1e-12 absolute for df from 1 to 5,000
    (tests/stats/test_anova.py)."""
    q = np.asarray(q, dtype=np.float64)
    df = np.broadcast_to(np.asarray(df, dtype=np.float64), q.shape)
    s, weights = _outer_rule(df)
    return np.asarray(np.clip((weights * _range_tail(k, q[..., None] * s)).sum(axis=-1), 0.0, 1.0))


def solve_studentized_range_quantile(level: float, k: int, df: FloatArray) -> FloatArray:
    """Quantile ``q`` with ``P(Q_{k,df} <= q) = level`` for each df on its own: the root of
    :func:`studentized_range_sf` in log q (so that widening the bracket never reaches q <= 0), started from the
    Bonferroni bound :math:`\\sqrt2\\, t_{1-a/(k(k-1)),df}`."""
    df = np.asarray(df, dtype=np.float64)
    alpha = 1.0 - level
    guess = np.log(np.sqrt(2.0) * special.stdtrit(df, 1.0 - alpha / (k * (k - 1))))
    s, weights = _outer_rule(df)  # once: only q changes between the root's steps

    def f(log_q: FloatArray) -> FloatArray:
        return np.asarray((weights * _range_tail(k, np.exp(log_q)[..., None] * s)).sum(axis=-1)) - alpha

    return np.exp(_bracketed_root(f, guess + np.log(0.85), guess + np.log(1.02), increasing=False))


_CURVE_NODES = (64, 128, 256)
_CURVE_TAIL = 1e-11  # the last Chebyshev coefficients of log q below this: the curve is as good as each root


@lru_cache(maxsize=64)
def _quantile_curve(level: float, k: int) -> FloatArray | None:
    """Chebyshev coefficients of :math:`\\log q_{level;k}` in :math:`x = 1/\\nu` over x in [0, 1] (df from 1 to
    infinity), interpolated at the first-kind Chebyshev nodes, each solved by
    :func:`solve_studentized_range_quantile`; the smallest of 64, 128 or 256 nodes whose last four coefficients are
    below 1e-11, or None where even 256 do not get there (then every df is solved on its own)."""
    for n in _CURVE_NODES:
        x = 0.5 + 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)
        log_q = np.log(solve_studentized_range_quantile(level, k, 1.0 / x))
        coef = np.polynomial.chebyshev.chebfit(2.0 * x - 1.0, log_q, n - 1)
        if np.abs(coef[-4:]).max() < _CURVE_TAIL:
            return np.asarray(coef, dtype=np.float64)
    return None


def studentized_range_quantile(level: float, k: int, df: FloatArray) -> FloatArray:
    """Quantile ``q`` with ``P(Q_{k,df} <= q) = level``, elementwise over ``df``.

    :math:`\\log q` is smooth in 1/df, so for df >= 1 (Welch's df is at least one less than the smaller group) it
    is read from a Chebyshev series per (level, k), computed once (:func:`_quantile_curve`): within 1e-10 relative
    of solving each df on its own for df from 1 to infinity (tested for k up to 300: tests/stats/test_anova.py);
    other df are solved on their own."""
    df = np.asarray(df, dtype=np.float64)
    curve = _quantile_curve(float(level), int(k))
    if curve is None:
        return solve_studentized_range_quantile(level, k, df)
    inside = df >= 1.0
    out = np.full(df.shape, np.nan)
    out[inside] = np.exp(np.polynomial.chebyshev.chebval(2.0 / df[inside] - 1.0, curve))
    outside = ~inside & ~np.isnan(df)
    if outside.any():
        out[outside] = solve_studentized_range_quantile(level, k, df[outside])
    return out


def midranks(totals: FloatArray) -> FloatArray:
    """Average ranks of sorted distinct values that occur ``totals[..., v]`` times (ties get the mean rank)."""
    upto = np.cumsum(totals, axis=-1)
    return np.asarray(upto - totals + (totals + 1.0) / 2.0)


@dataclass(frozen=True)
class MannWhitney:
    u: FloatArray
    z: FloatArray
    pvalue: FloatArray
    sigma: FloatArray


def mann_whitney(c1: FloatArray, c2: FloatArray) -> MannWhitney:
    """Mann-Whitney U of group 1 from count rows over shared sorted values, normal approximation with tie and
    continuity correction (as R's ``wilcox.test(exact=FALSE, correct=TRUE)``)."""
    tot = c1 + c2
    n1, n2 = c1.sum(axis=-1), c2.sum(axis=-1)
    n = n1 + n2
    r1 = np.einsum("...v,...v->...", c1, midranks(tot))
    u = r1 - n1 * (n1 + 1) / 2
    ties = np.einsum("...v,...v->...", tot, tot * tot - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
        z0 = u - n1 * n2 / 2
        z = (z0 - 0.5 * np.sign(z0)) / sigma
    return MannWhitney(u, z, two_sided_normal_p(z), sigma)


@dataclass(frozen=True)
class Kruskal:
    h: float
    df: float
    pvalue: float
    tie_factor: float


def kruskal(counts: FloatArray) -> Kruskal:
    """Kruskal-Wallis H from a groups x sorted-values count table, tie-corrected (R's ``kruskal.test``)."""
    tot = counts.sum(axis=0)
    n = float(tot.sum())
    ng = counts.sum(axis=1)
    rsum = counts @ midranks(tot)
    tie = 1.0 - float(np.sum(tot * (tot * tot - 1))) / (n**3 - n)
    h = (12.0 / (n * (n + 1)) * float(np.sum(rsum * rsum / ng)) - 3.0 * (n + 1)) / tie
    df = float(ng.shape[0] - 1)
    return Kruskal(h, df, chi2_sf(h, df), tie)


@dataclass(frozen=True)
class SignedRank:
    v: float
    z: float
    pvalue: float
    n_nonzero: int
    sigma: float


def _tie_counts(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per distinct |x| in ascending order: how many values have it, and how many of those are positive.

    Whole numbers up to 1,000 (an item's answer differences) are counted directly; other values by sorting, not by
    np.unique's inverse (an argsort): either is several times faster on 100,000 answers."""
    a = np.abs(x)
    if a.shape[0] > 0 and a.max() <= 1000 and np.array_equal(a, np.floor(a)):
        whole = a.astype(np.int64)
        tot, pos = np.bincount(whole), np.bincount(whole[x > 0], minlength=int(whole.max()) + 1)
        seen = tot > 0
        return tot[seen].astype(np.float64), pos[seen].astype(np.float64)
    a = np.sort(a)
    first = np.flatnonzero(np.r_[True, a[1:] != a[:-1]]) if a.shape[0] else np.zeros(0, dtype=np.int64)
    positive = np.sort(x[x > 0])
    pos = np.searchsorted(positive, a[first], side="right") - np.searchsorted(positive, a[first], side="left")
    return np.diff(np.r_[first, a.shape[0]]).astype(np.float64), pos.astype(np.float64)


def signed_rank(d: FloatArray) -> SignedRank:
    """Wilcoxon signed-rank V (sum of ranks of positive differences), zeros dropped, normal approximation with
    tie and continuity correction (R's ``wilcox.test(paired=TRUE, exact=FALSE, correct=TRUE)``)."""
    x = d[d != 0]
    n = x.shape[0]
    tot, pos = _tie_counts(x)
    v = float(pos @ midranks(tot))
    sigma2 = n * (n + 1) * (2 * n + 1) / 24 - float(np.sum(tot**3 - tot)) / 48
    sigma = float(np.sqrt(sigma2)) if sigma2 > 0 else 0.0
    z0 = v - n * (n + 1) / 4
    z = (z0 - 0.5 * np.sign(z0)) / sigma if sigma > 0 else float("nan")
    return SignedRank(v, float(z), float(2 * special.ndtr(-abs(z))), n, sigma)
