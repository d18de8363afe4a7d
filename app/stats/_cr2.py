"""Cluster-robust (CR2) variances of layer contrasts in the random-intercept model, with Satterthwaite df (internal).

The fixed effects :math:`\\hat\\beta = M X'Wy` of :mod:`app.stats.mixed` (cell-means coding, working covariance
:math:`\\Phi_j = I + \\gamma J` per cluster in units of :math:`\\sigma^2`, :math:`W_j = \\Phi_j^{-1}`,
:math:`M = (X'WX)^{-1}`) get the bias-reduced linearisation estimator of Bell & McCaffrey (2002), as generalised by
Pustejovsky & Tipton (2018):

.. math::

    V^{CR2} = M \\Big(\\sum_j X_j'W_j A_j e_j e_j' A_j W_j X_j\\Big) M, \\qquad
    A_j = D_j' B_j^{+1/2} D_j, \\quad B_j = D_j (\\Phi_j - X_j M X_j') D_j',

with :math:`e_j` the marginal residuals :math:`y_j - X_j\\hat\\beta`, :math:`D_j'D_j = \\Phi_j` (any square root
gives the same :math:`A_j`; the symmetric one is used) and :math:`B^{+1/2}` the symmetric square root of the
Moore-Penrose inverse (eigenvalues below 1e-12 count as 0, as in clubSandwich). For a contrast :math:`c'\\beta`
the degrees of freedom are Satterthwaite's under the working model: with :math:`h_j = A_j W_j X_j M c`,
:math:`d_j = h_j'\\Phi_j h_j` and :math:`v_j = X_j'h_j`, the contrast's variance is a quadratic form in y whose
matrix, in the cluster blocks, is :math:`\\Omega_{ij} = \\delta_{ij} d_j - v_i'Mv_j`, and

.. math::

    \\nu = \\frac{(\\mathrm{tr}\\,\\Omega)^2}{\\lVert\\Omega\\rVert_F^2}
         = \\frac{(\\sum_j d_j - v_j'Mv_j)^2}
                {\\sum_j d_j^2 - 2\\sum_j d_j v_j'Mv_j + \\mathrm{tr}(MSMS)}, \\quad S = \\sum_j v_jv_j'.

Every matrix here commutes with swapping two respondents of the same cluster and layer, so all of it lives on the
vectors that are constant within a cell: per cluster an L x L problem (L layers, empty cells padded with exact
zeros), computed from the cells' counts and residual sums alone, in O(C L³).

This is ``clubSandwich::coef_test(m, vcov = "CR2", test = "Satterthwaite")`` / ``Wald_test(..., test = "HTZ")``
for one contrast on an ``lme4::lmer(y ~ layer + (1 | team))`` fit (tests/stats/reference/mixed.json).

References: Bell, R. M., & McCaffrey, D. F. (2002). Bias reduction in standard errors for linear regression with
multi-stage samples. Survey Methodology 28(2), 169-181. Pustejovsky, J. E., & Tipton, E. (2018). Small-sample
methods for cluster-robust variance estimation and hypothesis testing in fixed effects models. J. Bus. Econ. Stat.
36(4), 672-683.
"""

from __future__ import annotations

import numpy as np

from app.stats._common import FloatArray
from app.stats._mixed_fit import Cells, Gls

EIGEN_TOL = 1e-12
"""Eigenvalues of :math:`B_j` at or below this count as zero (clubSandwich's ``matrix_power``)."""


def cr2(cells: Cells, fit: Gls, rows: FloatArray) -> tuple[FloatArray, FloatArray]:
    """CR2 variances and Satterthwaite df of the contrasts ``rows @ beta`` (one row per contrast).

    ``cells`` and ``fit`` as in :mod:`app.stats._mixed_fit` (clusters without respondents removed). A df is NaN
    where the contrast's variance is not positive (e.g. a layer met in one cluster only).
    """
    n = cells.n
    p = n.shape[1]
    nj = n.sum(axis=1)
    g = fit.gamma
    w = np.sqrt(n)  # (C, p): the cells' basis vectors 1/sqrt(n_c) have X-rows sqrt(n_c)
    ww = w[:, :, None] * w[:, None, :]
    eye = np.eye(p)[None, :, :]
    phi = eye + g * ww
    root = eye + ((np.sqrt(1.0 + nj * g) - 1.0) / nj)[:, None, None] * ww  # symmetric square root of phi
    wmat = eye - fit.a[:, None, None] * ww  # phi^-1
    m = np.linalg.inv(fit.m)
    b = root @ (phi - m[None, :, :] * ww) @ root
    b = (b + np.swapaxes(b, 1, 2)) / 2.0
    vals, vecs = np.linalg.eigh(b)
    inv_sqrt = np.where(vals > EIGEN_TOL, 1.0 / np.sqrt(np.where(vals > EIGEN_TOL, vals, 1.0)), 0.0)
    adj = root @ (vecs * inv_sqrt[:, None, :]) @ np.swapaxes(vecs, 1, 2) @ root
    # E_j = X_j' W_j A_j in the cell basis (X_j = diag(w_j)); residuals there are the cell sums / sqrt(n_c)
    est = w[:, :, None] * (wmat @ adj)
    e = np.divide(fit.resid_sum, w, out=np.zeros_like(w), where=n > 0)
    u = (est @ e[:, :, None])[:, :, 0]
    cov = m @ (u.T @ u) @ m
    var = ((rows @ cov) * rows).sum(axis=1)
    h = (rows @ m)[None, :, :] @ est  # (C, K, p): h_j = A_j W_j X_j M c for each contrast c
    d = ((h @ phi) * h).sum(axis=2)
    v = h * w[:, None, :]
    vmv = ((v @ m) * v).sum(axis=2)
    s = np.transpose(v, (1, 2, 0)) @ np.transpose(v, (1, 0, 2))  # (K, p, p): sum over clusters of v_j v_j'
    ms = m[None, :, :] @ s
    trace = (d - vmv).sum(axis=0)
    frob = (d**2).sum(axis=0) - 2.0 * (d * vmv).sum(axis=0) + (ms * np.transpose(ms, (0, 2, 1))).sum(axis=(1, 2))
    ok = (var > 0) & (frob > 0) & (trace > 0)
    df = np.where(ok, trace**2 / np.where(ok, frob, 1.0), np.nan)
    return var, df
