"""Multi-group one-factor CFA by maximum likelihood from per-group means and covariances (internal).

Group g (:math:`n_g` complete cases, mean :math:`\\bar y_g`, ML covariance :math:`S_g` with divisor :math:`n_g`):
:math:`\\Sigma_g = \\phi_g \\lambda_g\\lambda_g' + \\Theta_g` (diagonal :math:`\\Theta_g`),
:math:`\\mu_g = \\nu_g + \\lambda_g \\alpha_g`; the first loading is 1 (marker). The discrepancy minimised is

.. math::

    F = \\sum_g n_g \\left[\\log|\\Sigma_g| + \\mathrm{tr}(S_g\\Sigma_g^{-1}) - \\log|S_g| - k
        + (\\bar y_g - \\mu_g)'\\Sigma_g^{-1}(\\bar y_g - \\mu_g)\\right]

whose minimum is the likelihood-ratio chi-square against the saturated model (lavaan's ML with
``likelihood = "normal"``: :math:`T = 2N F_{ML}`). Gradient (:math:`d = \\bar y - \\mu`,
:math:`\\Omega = \\Sigma^{-1}(\\Sigma - S - dd')\\Sigma^{-1}`):
:math:`\\partial/\\partial\\lambda = 2\\phi\\Omega\\lambda - 2\\alpha\\Sigma^{-1}d`,
:math:`\\partial/\\partial\\phi = \\lambda'\\Omega\\lambda`,
:math:`\\partial/\\partial\\theta_i = \\Omega_{ii}`, :math:`\\partial/\\partial\\nu = -2\\Sigma^{-1}d`,
:math:`\\partial/\\partial\\alpha = -2\\lambda'\\Sigma^{-1}d` (each times :math:`n_g`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import linalg, optimize

from app.stats._common import FloatArray, IntArray
from app.stats._factor import one_factor_minres

Level = Literal["configural", "metric", "scalar"]
Objective = Callable[[FloatArray], tuple[float, FloatArray]]
GRADIENT_TOL = 1e-9
"""Largest absolute gradient of F / N accepted as converged."""


@dataclass(frozen=True, eq=False)
class GroupMoments:
    n: FloatArray  # (G,)
    mean: FloatArray  # (G, k)
    cov: FloatArray  # (G, k, k), divisor n


@dataclass(frozen=True, eq=False)
class Layout:
    """Where each group's parameters sit in the free vector (-1: fixed: loading 1 = 1, factor mean = 0)."""

    lam: IntArray  # (G, k)
    theta: IntArray  # (G, k)
    phi: IntArray  # (G,)
    nu: IntArray  # (G, k)
    alpha: IntArray  # (G,)
    n_free: int


def layout(n_groups: int, k: int, level: Level) -> Layout:
    counter = iter(range(10**9))

    def new(shape: tuple[int, ...]) -> IntArray:
        return np.array([next(counter) for _ in range(int(np.prod(shape)))], dtype=np.int64).reshape(shape)

    shared_lam = level in ("metric", "scalar")
    lam = np.tile(new((1, k)), (n_groups, 1)) if shared_lam else new((n_groups, k))
    lam[:, 0] = -1
    theta, phi = new((n_groups, k)), new((n_groups,))
    nu = np.tile(new((1, k)), (n_groups, 1)) if level == "scalar" else new((n_groups, k))
    alpha = np.full(n_groups, -1, dtype=np.int64)
    if level == "scalar":
        alpha[1:] = new((n_groups - 1,))
    used = np.concatenate([a.ravel() for a in (lam, theta, phi, nu, alpha)])
    remap = np.full(int(used.max()) + 1, -1, dtype=np.int64)
    kept = np.unique(used[used >= 0])
    remap[kept] = np.arange(kept.size)

    def re(a: IntArray) -> IntArray:
        return np.where(a >= 0, remap[np.maximum(a, 0)], -1)

    return Layout(re(lam), re(theta), re(phi), re(nu), re(alpha), int(kept.size))


@dataclass(frozen=True, eq=False)
class Params:
    lam: FloatArray  # (G, k)
    theta: FloatArray
    phi: FloatArray  # (G,)
    nu: FloatArray
    alpha: FloatArray  # (G,)


def unpack(x: FloatArray, lay: Layout) -> Params:
    def take(idx: IntArray, fixed: float) -> FloatArray:
        return np.where(idx >= 0, x[np.maximum(idx, 0)], fixed)

    return Params(take(lay.lam, 1.0), take(lay.theta, 0.0), take(lay.phi, 0.0), take(lay.nu, 0.0),
                  take(lay.alpha, 0.0))


def objective(x: FloatArray, lay: Layout, gm: GroupMoments, logdet_s: FloatArray) -> tuple[float, FloatArray]:
    """F (see the module docstring) divided by N, and its gradient; all groups at once."""
    p = unpack(x, lay)
    k = gm.mean.shape[1]
    w = gm.n / float(gm.n.sum())
    sigma = p.phi[:, None, None] * p.lam[:, :, None] * p.lam[:, None, :] + p.theta[:, :, None] * np.eye(k)
    try:
        chol = np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        return np.inf, np.zeros(lay.n_free)
    inv = np.linalg.inv(sigma)
    d = gm.mean - (p.nu + p.lam * p.alpha[:, None])
    sd = np.einsum("gij,gj->gi", inv, d)
    logdet = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    f_g = logdet + np.einsum("gij,gij->g", gm.cov, inv) - logdet_s - k + np.einsum("gi,gi->g", d, sd)
    omega = inv @ (sigma - gm.cov - d[:, :, None] * d[:, None, :]) @ inv
    om_lam = np.einsum("gij,gj->gi", omega, p.lam)
    parts = (
        (lay.lam, w[:, None] * (2.0 * p.phi[:, None] * om_lam - 2.0 * p.alpha[:, None] * sd)),
        (lay.theta, w[:, None] * np.diagonal(omega, axis1=1, axis2=2)),
        (lay.phi, w * np.einsum("gi,gi->g", p.lam, om_lam)),
        (lay.nu, w[:, None] * (-2.0 * sd)),
        (lay.alpha, w * (-2.0 * np.einsum("gi,gi->g", p.lam, sd))),
    )
    grad = np.zeros(lay.n_free)
    for idx, val in parts:
        ok = idx >= 0
        np.add.at(grad, idx[ok], val[ok])
    return float(w @ f_g), grad


def start(gm: GroupMoments, lay: Layout, previous: Params | None = None) -> FloatArray:
    """Per group: minres loadings of the correlation matrix, rescaled to the marker; or, warm, the estimates of the
    previous (less constrained) model, with factor means :math:`\\alpha_g = \\sum_i \\lambda_i (\\nu_{gi} -
    \\nu_{1i}) / \\sum_i \\lambda_i^2` against the first group when its intercepts become shared. Pooled where
    shared."""
    x = np.zeros(lay.n_free)
    count = np.zeros(lay.n_free)
    groups = gm.n.shape[0]
    values = _cold_values(gm) if previous is None else _warm_values(previous, lay)
    for g in range(groups):
        lam, theta, phi, nu, alpha = (v[g] for v in values)
        vals = ((lay.lam[g], lam), (lay.theta[g], theta), (lay.phi[g : g + 1], np.array([phi])),
                (lay.nu[g], nu), (lay.alpha[g : g + 1], np.array([alpha])))
        for idx, val in vals:
            ok = idx >= 0
            np.add.at(x, idx[ok], val[ok])
            np.add.at(count, idx[ok], 1.0)
    return x / np.maximum(count, 1.0)


def _cold_values(gm: GroupMoments) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    lam, theta = np.empty_like(gm.mean), np.empty_like(gm.mean)
    phi = np.empty(gm.n.shape[0])
    for g in range(gm.n.shape[0]):
        sd = np.sqrt(np.diag(gm.cov[g]))
        lo = one_factor_minres(gm.cov[g] / np.outer(sd, sd))
        lo = np.full(sd.shape, 0.6) if lo is None or abs(lo[0]) < 0.05 else lo
        raw = lo * sd
        lam[g], theta[g], phi[g] = raw / raw[0], np.maximum(sd**2 - raw**2, 0.1 * sd**2), raw[0] ** 2
    return lam, theta, phi, gm.mean.copy(), np.zeros(gm.n.shape[0])


def _warm_values(p: Params, lay: Layout) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    lam = np.broadcast_to(p.lam.mean(axis=0), p.lam.shape) if lay.lam[0, 1] == lay.lam[-1, 1] else p.lam
    alpha, nu = p.alpha.copy(), p.nu.copy()
    if lay.nu[0, 0] == lay.nu[-1, 0]:  # intercepts shared from now on: move each group's offset into its mean
        means = p.nu + p.lam * p.alpha[:, None]
        alpha = ((means - means[0]) * lam).sum(axis=1) / (lam * lam).sum(axis=1)
        nu = means - lam * alpha[:, None]
    return lam, p.theta, p.phi, nu, alpha


@dataclass(frozen=True, eq=False)
class Fit:
    x: FloatArray
    params: Params
    chisq: float
    converged: bool


def fit(gm: GroupMoments, level: Level, previous: Params | None = None) -> Fit:
    """Minimise F: BFGS from the start (warm from ``previous``, a less constrained model's estimates, when given),
    then Newton steps on a finite-difference Hessian of the exact gradient."""
    lay = layout(gm.n.shape[0], gm.mean.shape[1], level)
    logdet_s = np.array([np.linalg.slogdet(s)[1] for s in gm.cov])
    x = start(gm, lay, previous)

    def fun(v: FloatArray) -> tuple[float, FloatArray]:
        return objective(v, lay, gm, logdet_s)

    res = optimize.minimize(fun, x, jac=True, method="BFGS", options={"gtol": 1e-7, "maxiter": 5000})
    x = np.asarray(res.x)
    f, g = fun(x)
    for _ in range(20):
        if np.max(np.abs(g)) < GRADIENT_TOL * 1e-3:
            break
        h = _hessian(fun, x)
        try:
            step = linalg.solve(h, g, assume_a="sym")
        except (linalg.LinAlgError, ValueError):
            break
        t = 1.0
        while t > 1e-4:
            f_new, g_new = fun(x - t * step)
            # near the minimum F's rounding hides a descent; a step that shrinks the gradient is then still progress
            if f_new <= f + 1e-14 * abs(f) or (f_new <= f + 1e-10 * abs(f)
                                                 and np.max(np.abs(g_new)) < np.max(np.abs(g))):
                break
            t /= 2.0
        else:
            break
        x, f, g = x - t * step, f_new, g_new
    converged = bool(np.isfinite(f) and np.max(np.abs(g)) < GRADIENT_TOL)
    return Fit(x, unpack(x, lay), float(gm.n.sum()) * f, converged)


def _hessian(fun: Objective, x: FloatArray) -> FloatArray:
    """Central differences of the exact gradient, symmetrised."""
    n = x.shape[0]
    h = np.empty((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = 1e-5 * max(1.0, abs(x[i]))
        h[:, i] = (fun(x + e)[1] - fun(x - e)[1]) / (2.0 * e[i])
    return (h + h.T) / 2.0


def independence_chisq(gm: GroupMoments) -> float:
    """Chi-square of the baseline model (free means and variances per group, no covariances), as lavaan's."""
    out = 0.0
    for g in range(gm.n.shape[0]):
        out += float(gm.n[g]) * (float(np.log(np.diag(gm.cov[g])).sum()) - float(np.linalg.slogdet(gm.cov[g])[1]))
    return out
