"""One-factor minimum-residual (minres / ULS) factor analysis of a correlation matrix (internal)."""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
from scipy import linalg, optimize

from app.stats._common import FloatArray

MAX_COMMUNALITY = 0.995
"""Upper bound of a communality, as ``psych::fa`` bounds uniquenesses below by 0.005."""


def one_factor_minres(r: FloatArray) -> FloatArray | None:
    """Loadings :math:`\\lambda` minimising :math:`\\sum_{i<j} (r_{ij} - \\lambda_i \\lambda_j)^2`.

    This is the objective of ``psych::fa(r, nfactors = 1, fm = "minres")`` (Harman & Jones 1966), which psych
    reaches through the uniquenesses with L-BFGS-B; at the optimum the loadings are the leading eigenvector of
    ``r`` with communalities on the diagonal, so both parametrisations share their minimiser. Here it is solved
    directly with a bounded trust-region least-squares fit (|loading| <= sqrt(0.995), psych's bound), started from
    the square roots of the squared multiple correlations. Returns None when the fit fails.

    The fit is remembered for the same matrix (its bytes): the profile, readiness and drivers reports of one
    dashboard fit the same scopes' matrices, and the fit costs more than the rest of a reliability.
    """
    r = np.ascontiguousarray(r, dtype=np.float64)
    lam = _remembered_fit(r.shape[0], r.tobytes())
    return None if lam is None else lam.copy()


@lru_cache(maxsize=1024)
def _remembered_fit(k: int, raw: bytes) -> FloatArray | None:
    return _fit(np.frombuffer(raw, dtype=np.float64).reshape(k, k))


def _fit(r: FloatArray) -> FloatArray | None:
    k = r.shape[0]
    iu, ju = np.triu_indices(k, 1)
    target = r[iu, ju]
    try:  # the inverse only gives a starting point: for a (nearly) singular matrix, start from 0.5 instead
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"), warnings.catch_warnings():
            warnings.simplefilter("error", linalg.LinAlgWarning)
            smc = 1.0 - 1.0 / np.diag(linalg.inv(r))
        start = np.sqrt(np.clip(smc, 0.01, MAX_COMMUNALITY - 1e-6))
    except (linalg.LinAlgError, linalg.LinAlgWarning, ValueError):
        start = np.full(k, 0.5)
    if not np.all(np.isfinite(start)):
        start = np.full(k, 0.5)

    def resid(lam: FloatArray) -> FloatArray:
        return np.asarray(target - lam[iu] * lam[ju])

    def jac(lam: FloatArray) -> FloatArray:
        jm = np.zeros((target.shape[0], k))
        rows = np.arange(target.shape[0])
        jm[rows, iu] = -lam[ju]
        jm[rows, ju] = -lam[iu]
        return jm

    bound = np.sqrt(MAX_COMMUNALITY)
    fit = optimize.least_squares(
        resid, start, jac=jac, bounds=(-bound, bound), method="trf", xtol=1e-15, ftol=1e-15, gtol=1e-15,
        max_nfev=2000,
    )
    if not fit.success or not np.all(np.isfinite(fit.x)):
        return None
    lam = np.asarray(fit.x, dtype=np.float64)
    return -lam if lam.sum() < 0 else lam
