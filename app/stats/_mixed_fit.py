"""REML fit of a random-intercept model from a cluster x layer table of sufficient statistics (internal).

Model :math:`y_{ij} = \\beta_{l(i)} + u_j + e_{ij}`, :math:`u_j \\sim N(0, \\tau)`, :math:`e_{ij} \\sim N(0, s)`,
with :math:`\\gamma = \\tau/s`. Within cluster j every matrix the fit needs has the form :math:`f_I I + f_J J`
(J = the all-ones matrix): :math:`V_j = s(I + \\gamma J)`,
:math:`V_j^{-1} = s^{-1}(I - a_j J)` with :math:`a_j = \\gamma/(1 + n_j\\gamma)`. Such matrices multiply as
:math:`(f_I, f_J)(g_I, g_J) = (f_I g_I, f_I g_J + f_J g_I + n_j f_J g_J)`, and with layer dummies X
(cell-means coding) :math:`X_j'(f_I I + f_J J)X_j = f_I \\mathrm{diag}(n_{j\\cdot}) + f_J n_{j\\cdot}n_{j\\cdot}'`,
so the whole fit costs O(C L²) for C clusters and L layers, whatever the number of respondents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg, optimize

from app.stats._common import FloatArray

Pair = tuple[FloatArray, FloatArray]
"""A per-cluster matrix :math:`f_I I + f_J J` as its two coefficient arrays (one value per cluster)."""

GAMMA_MAX = 1e12
"""Beyond this ratio of between- to within-cluster variance the within variance counts as zero."""


@dataclass(frozen=True, eq=False)
class Cells:
    """Counts, means (centred: 0 where empty) and within-cell sums of squares, clusters x layers."""

    n: FloatArray
    mean: FloatArray
    ss: FloatArray

    @property
    def n_cluster(self) -> FloatArray:
        return np.asarray(self.n.sum(axis=1))

    @property
    def n_layer(self) -> FloatArray:
        return np.asarray(self.n.sum(axis=0))


@dataclass(frozen=True, eq=False)
class Gls:
    """The GLS fit for a given :math:`\\gamma`; ``m`` is :math:`s X'V^{-1}X`, ``rss`` is :math:`s\\,e'V^{-1}e`."""

    gamma: float
    a: FloatArray
    beta: FloatArray
    m: FloatArray
    resid_sum: FloatArray  # (C, L): sum of residuals per cell
    cluster_resid: FloatArray  # (C,): sum of residuals per cluster
    resid_sq: FloatArray  # (C,): sum of squared residuals per cluster
    rss: float


def gls(cells: Cells, gamma: float) -> Gls:
    nc = cells.n_cluster
    a = gamma / (1.0 + nc * gamma)
    na = cells.n * a[:, None]
    m = np.diag(cells.n_layer) - cells.n.T @ na
    s = cells.n * cells.mean
    b = s.sum(axis=0) - na.T @ s.sum(axis=1)
    beta = np.asarray(linalg.solve(m, b, assume_a="pos"))
    dev = np.where(cells.n > 0, cells.mean - beta[None, :], 0.0)
    resid_sum = cells.n * dev
    cluster_resid = resid_sum.sum(axis=1)
    resid_sq = (cells.ss + cells.n * dev * dev).sum(axis=1)
    rss = float(resid_sq.sum() - a @ cluster_resid**2)
    return Gls(gamma, a, beta, m, resid_sum, cluster_resid, resid_sq, max(rss, 0.0))


def reml_criterion(cells: Cells, fit: Gls) -> float:
    """-2 x the REML log-likelihood at the profiled :math:`s` (lme4's ``REMLcrit``)."""
    nr = float(cells.n.sum()) - cells.n.shape[1]
    logdet = float(np.linalg.slogdet(fit.m)[1])
    return float(nr * (1.0 + np.log(2.0 * np.pi * fit.rss / nr)) + np.log1p(cells.n_cluster * fit.gamma).sum()
                 + logdet)


def profile_slope(cells: Cells, gamma: float) -> float:
    """Derivative in :math:`\\gamma` of the profiled REML criterion
    :math:`(N-p)\\log r(\\gamma) + \\sum_j \\log(1+n_j\\gamma) + \\log|M(\\gamma)|`."""
    nc = cells.n_cluster
    fit = gls(cells, gamma)
    da = 1.0 / (1.0 + nc * gamma) ** 2
    drss = -float(da @ fit.cluster_resid**2)  # envelope theorem: beta is optimal
    dm = -cells.n.T @ (cells.n * da[:, None])
    nr = float(cells.n.sum()) - cells.n.shape[1]
    tr = float(np.trace(linalg.solve(fit.m, dm, assume_a="pos")))
    return float(nr * drss / fit.rss + float((nc / (1.0 + nc * gamma)).sum()) + tr)


def fit_gamma(cells: Cells) -> float | None:
    """The REML estimate of :math:`\\gamma` (0 at the boundary); None when it runs off to infinity (no within
    variance left)."""
    if profile_slope(cells, 0.0) >= 0.0:
        return 0.0
    hi = 1.0
    while profile_slope(cells, hi) < 0.0:
        hi *= 8.0
        if hi > GAMMA_MAX:
            return None
    lo = hi / 8.0 if hi > 1.0 else 0.0
    root: float = optimize.brentq(lambda g: profile_slope(cells, g), lo, hi, xtol=1e-300, rtol=1e-15,
                                  maxiter=500)
    return root


def _mul(f: Pair, g: Pair, nc: FloatArray) -> Pair:
    return f[0] * g[0], f[0] * g[1] + f[1] * g[0] + nc * f[1] * g[1]


def _xx(cells: Cells, f: Pair) -> FloatArray:
    """:math:`\\sum_j X_j' F_j X_j`."""
    return np.asarray(np.diag(f[0] @ cells.n) + cells.n.T @ (cells.n * f[1][:, None]))


def _xe(fit: Gls, cells: Cells, f: Pair) -> FloatArray:
    """:math:`\\sum_j X_j' F_j e_j`."""
    return np.asarray(fit.resid_sum.T @ f[0] + cells.n.T @ (f[1] * fit.cluster_resid))


def _ee(fit: Gls, f: Pair) -> float:
    """:math:`\\sum_j e_j' F_j e_j`."""
    return float(f[0] @ fit.resid_sq + f[1] @ fit.cluster_resid**2)


def _tr(cells: Cells, f: Pair) -> float:
    return float(cells.n_cluster @ (f[0] + f[1]))


@dataclass(frozen=True, eq=False)
class Derivatives:
    """``cov``: covariance of beta; ``dcov[k]``: its derivative in variance parameter k (0: tau, 1: s);
    ``info``: the observed REML information of (tau, s)."""

    cov: FloatArray
    dcov: tuple[FloatArray, FloatArray]
    info: FloatArray


def derivatives(cells: Cells, fit: Gls, s: float) -> Derivatives:
    """Observed information :math:`I_{kl} = -\\tfrac12 \\mathrm{tr}(PV_kPV_l) + y'PV_kPV_lPy` (Harville 1977) and
    :math:`\\partial \\mathrm{Cov}(\\hat\\beta)/\\partial\\psi_k = \\mathrm{Cov}\\,X'WV_kWX\\,\\mathrm{Cov}`, with
    :math:`P = W - WX\\,\\mathrm{Cov}\\,X'W`, :math:`W = V^{-1}`, :math:`V_\\tau = J`, :math:`V_s = I` and
    :math:`Py = We`."""
    nc = cells.n_cluster
    ones, zeros = np.ones_like(nc), np.zeros_like(nc)
    w: Pair = (ones / s, -fit.a / s)
    basis: tuple[Pair, Pair] = ((zeros, ones), (ones, zeros))  # V_tau = J, V_s = I
    cov = s * np.asarray(linalg.inv(fit.m))
    wvw = [_mul(_mul(w, v, nc), w, nc) for v in basis]
    h = [_xx(cells, f) for f in wvw]
    xe = [_xe(fit, cells, f) for f in wvw]
    info = np.empty((2, 2))
    for k in range(2):
        for m in range(k, 2):
            wvwv = _mul(wvw[k], basis[m], nc)
            wvwvw = _mul(wvwv, w, nc)
            trace = _tr(cells, wvwv) - 2.0 * float(np.sum(cov * _xx(cells, wvwvw))) + float(
                np.sum((cov @ h[k]) * (cov @ h[m]).T))
            quad = _ee(fit, wvwvw) - float(xe[k] @ cov @ xe[m])
            info[k, m] = info[m, k] = -0.5 * trace + quad
    dcov = (cov @ h[0] @ cov, cov @ h[1] @ cov)
    return Derivatives(cov, dcov, info)


def satterthwaite(d: Derivatives, contrasts: FloatArray, *, boundary: bool) -> tuple[FloatArray, FloatArray]:
    """Variance and Satterthwaite df of each contrast row: :math:`\\nu = 2 v^2 / (g' A g)`, A the inverse observed
    information; at the boundary (tau = 0) tau is held fixed, leaving s alone."""
    var = np.einsum("ij,jk,ik->i", contrasts, d.cov, contrasts)
    g = np.column_stack([np.einsum("ij,jk,ik->i", contrasts, dc, contrasts) for dc in d.dcov])
    if boundary:
        quad = g[:, 1] ** 2 / d.info[1, 1]
    else:
        a = np.asarray(linalg.inv(d.info))
        quad = np.einsum("ij,jk,ik->i", g, a, g)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(quad > 0, 2.0 * var**2 / quad, np.inf)
    return var, df
