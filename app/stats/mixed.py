"""Layer comparisons that respect the teams: a linear mixed model with a random intercept per cluster.

Respondent i in cluster (team) j and layer l:

.. math::

    y_{ij} = \\beta_{l(i)} + u_j + e_{ij}, \\qquad u_j \\sim N(0, \\sigma_u^2), \\quad e_{ij} \\sim N(0, \\sigma^2),

fitted by restricted maximum likelihood (REML; Patterson & Thompson 1971). With
:math:`\\gamma = \\sigma_u^2/\\sigma^2`, :math:`M(\\gamma) = \\sigma^2 X'V^{-1}X` and :math:`r(\\gamma)` the GLS
residual sum of squares in units of :math:`\\sigma^2`, the profiled REML criterion is

.. math::

    d(\\gamma) = (N-p)\\left(1 + \\log \\frac{2\\pi r(\\gamma)}{N-p}\\right) + \\sum_j \\log(1+n_j\\gamma)
                + \\log|M(\\gamma)|

(lme4's ``REMLcrit``; Bates et al. 2015), minimised by a root of :math:`d'(\\gamma)` (or at :math:`\\gamma = 0`,
a *boundary* fit); then :math:`\\hat\\sigma^2 = r/(N-p)`, :math:`\\hat\\beta = M^{-1}X'V^{-1}y\\cdot\\sigma^2` and
:math:`\\mathrm{Cov}(\\hat\\beta) = \\hat\\sigma^2 M^{-1}`. Everything is computed from the cluster x layer table of
counts, means and within-cell sums of squares (``count, avg, var GROUP BY team, layer``), so the cost does not
grow with the number of respondents.

A contrast :math:`c'\\beta` (a layer mean, or the difference of two layers) has
:math:`t = c'\\hat\\beta/\\sqrt{v}`, :math:`v = c'\\mathrm{Cov}(\\hat\\beta)c`, with Satterthwaite's degrees of
freedom :math:`\\nu = 2v^2/(g'Ag)`: g the gradient of v in :math:`(\\sigma_u^2, \\sigma^2)` and A the inverse of
the observed REML information (Satterthwaite 1946; as ``lmerTest``, Kuznetsova, Brockhoff & Christensen 2017, with
exact instead of numerical derivatives). At the boundary :math:`\\sigma_u^2` is held at 0. CIs are
:math:`c'\\hat\\beta \\pm t_{\\nu}\\sqrt v`; the pairwise differences' p-values are also Holm-adjusted as one family.
The overall test of equal layer means is lmerTest's ``anova()`` F test: its hypothesis rows (from the Doolittle
factor of :math:`X'X` in treatment coding) decomposed into uncorrelated contrasts with their own Satterthwaite
:math:`\\nu_m`, and :math:`\\nu = 2E/(E-q)`, :math:`E = \\sum \\nu_m/(\\nu_m-2)` (F itself does not depend on the
rows chosen; its df does, a little).

:math:`ICC = \\sigma_u^2/(\\sigma_u^2+\\sigma^2)` (conditional on layer); design effect
:math:`1 + (\\bar n - 1)\\,ICC` with :math:`\\bar n = N/C` (Kish 1965): how much a team-level mean's variance exceeds
that of a simple random sample of the same size. It does not apply to layer differences *within* teams, which the
random intercept makes more precise, not less; that is why the model, not the design effect, gives the p-values.

As a secondary check every layer mean and pairwise difference also carries ``robust``: the CR2 cluster-robust
(bias-reduced linearisation) SE of the same estimate, :math:`V^{CR2} = M\\,\\sum_j X_j'W_jA_je_je_j'A_jW_jX_j\\,M`
with :math:`A_j = D_j'B_j^{+1/2}D_j`, :math:`B_j = D_j(\\Phi_j - X_jMX_j')D_j'`, :math:`D_j'D_j = \\Phi_j` the model's
working covariance of cluster j, and a t test with Satterthwaite df under the working model (Bell & McCaffrey 2002;
Pustejovsky & Tipton 2018; formulas in :mod:`app.stats._cr2`). It does not lean on the random intercept being the
right model for the within-team correlation; where it and the model disagree, the structure is doubtful. It is
not Holm-adjusted: the model's p-values are the primary ones.

Edge cases (a result with ``reason`` instead of an exception): no values → ``all_missing``; fewer clusters with
data than ``min_clusters`` (default 5: below that REML variance estimates are unreliable; McNeish & Stapleton 2016)
→ ``too_few_clusters``; no cluster with two respondents or no residual df → ``n_below_2``; the layers explain every
value, or the within-cluster variance is zero → ``zero_variance``; a REML information matrix that is not positive
definite (no proper maximum) → ``not_estimable``. A layer asked for in ``layer_order`` without
respondents gets ``all_missing`` on its own figures; the others are fitted without it.

Checked against R: ``lmerTest::lmer(y ~ layer + (1 | team), REML = TRUE)``, ``contest``/``emmeans``-style
contrasts and ``anova``; the robust figures against ``clubSandwich::coef_test(m, vcov = "CR2", test =
"Satterthwaite")`` and ``Wald_test(..., test = "HTZ")`` (tests/stats/reference/make_mixed_reference.R).

References: Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models using lme4.
J. Stat. Softw. 67(1). Kuznetsova, A., Brockhoff, P. B., & Christensen, R. H. B. (2017). lmerTest package: tests in
linear mixed effects models. J. Stat. Softw. 82(13). Harville, D. A. (1977). Maximum likelihood approaches to
variance component estimation. JASA 72, 320-338. McNeish, D., & Stapleton, L. M. (2016). Modeling clustered data
with very few clusters. Multivariate Behav. Res. 51(4), 495-518. Kish, L. (1965). Survey Sampling. Wiley.
Bell, R. M., & McCaffrey, D. F. (2002). Bias reduction in standard errors for linear regression with multi-stage
samples. Survey Methodology 28(2), 169-181. Pustejovsky, J. E., & Tipton, E. (2018). Small-sample methods for
cluster-robust variance estimation and hypothesis testing in fixed effects models. J. Bus. Econ. Stat. 36(4),
672-683.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
from scipy import linalg, stats

from app.stats import _kernels as k
from app.stats import _mixed_fit as mf
from app.stats._common import (
    ArrayLike,
    ConfidenceInterval,
    Estimate,
    FloatArray,
    MissingReason,
    SignificanceTest,
    as_vector,
    check_level,
    encode_groups,
    missing_estimate,
    missing_test,
    py_label,
)
from app.stats._cr2 import cr2
from app.stats.anova import AnovaResult
from app.stats.multitest import holm
from app.stats.sufficient import Moments


@dataclass(frozen=True)
class VarianceComponents:
    """REML variance components; ``at_boundary`` when the between-cluster variance is estimated as 0."""

    between: float  # sigma_u^2, the clusters' random intercept
    within: float  # sigma^2, the residual
    icc: float  # between / (between + within)
    design_effect: float  # 1 + (mean_cluster_size - 1) * icc
    mean_cluster_size: float  # N / C
    at_boundary: bool


@dataclass(frozen=True)
class ClusterRobust:
    """A secondary check of an estimate: its CR2 cluster-robust SE and t test (Satterthwaite df; see the module
    docstring). ``se`` is None (and the test carries ``reason``) when the robust variance is not positive."""

    se: float | None
    test: SignificanceTest


@dataclass(frozen=True)
class LayerMean:
    """A layer's model-based mean (its fixed effect in cell-means coding) with SE and Satterthwaite df."""

    layer: Any
    n: int
    n_clusters: int  # clusters with at least one respondent of this layer
    mean: Estimate
    se: float | None
    df: float | None
    robust: ClusterRobust | None = None  # None when the model is not fitted


@dataclass(frozen=True)
class LayerContrast:
    """``difference`` = mean(first) - mean(second) with its CI; ``test`` is the t test with Satterthwaite df."""

    first: Any
    second: Any
    difference: Estimate
    se: float | None
    test: SignificanceTest
    pvalue_holm: float | None  # Holm-adjusted across all pairwise contrasts of this model
    robust: ClusterRobust | None = None  # None when the model is not fitted; not part of the Holm family


@dataclass(frozen=True, eq=False)
class MixedModelResult:
    """The fitted model; ``reason`` (and no figures) when it could not be fitted.

    ``coefficients`` and ``covariance`` are the layer means and their covariance in ``layers`` order (NaN for a
    layer without respondents).
    """

    n: int
    n_clusters: int
    layers: tuple[Any, ...]
    reason: MissingReason | None
    variance: VarianceComponents | None
    means: tuple[LayerMean, ...]
    contrasts: tuple[LayerContrast, ...]
    layer_test: AnovaResult
    reml_criterion: float | None
    coefficients: FloatArray | None
    covariance: FloatArray | None


@dataclass(frozen=True, eq=False)
class _Table:
    layers: tuple[Any, ...]
    n: FloatArray  # clusters x layers (all requested layers)
    mean: FloatArray  # centred by `centre`, 0 where empty
    ss: FloatArray
    centre: float


def _layer_index(labels: np.ndarray[Any, Any], layer_order: Sequence[Any] | None) -> tuple[tuple[Any, ...], Any]:
    if layer_order is None:
        return tuple(py_label(v) for v in labels), np.arange(labels.shape[0])
    order = tuple(py_label(v) for v in layer_order)
    if len(set(order)) != len(order):
        raise ValueError("layer_order holds a layer twice")
    pos = {v: i for i, v in enumerate(order)}
    missing = [py_label(v) for v in labels if py_label(v) not in pos]
    if missing:
        raise ValueError(f"layers {missing!r} are not in layer_order")
    return order, np.array([pos[py_label(v)] for v in labels], dtype=np.int64)


def _table(data: ArrayLike | Moments, clusters: ArrayLike, layers: ArrayLike,
           layer_order: Sequence[Any] | None) -> _Table:
    y = None if isinstance(data, Moments) else as_vector(data, "values")
    n_rows = data.n_groups if isinstance(data, Moments) else int(np.asarray(y).shape[0])
    cl = encode_groups(clusters, n_rows, "clusters")
    ly = encode_groups(layers, n_rows, "layers")
    order, to_pos = _layer_index(ly.labels, layer_order)
    n_l = len(order)
    size = cl.n_groups * n_l
    code = cl.codes * n_l + to_pos[ly.codes]
    if isinstance(data, Moments):
        cells = data.regroup(code, labels=np.arange(size))
    else:
        cells = Moments.from_values(np.asarray(y), code)  # labels: the codes present; NaN values left out
    n, mean, ss = np.zeros(size), np.zeros(size), np.zeros(size)
    idx = np.asarray(cells.labels, dtype=np.int64)
    ok = cells.n > 0
    n[idx[ok]], mean[idx[ok]], ss[idx[ok]] = cells.n[ok], cells.mean[ok], cells.ss[ok]
    total = float(n.sum())
    centre = float(n @ mean) / total if total > 0 else 0.0
    mean = np.where(n > 0, mean - centre, 0.0)
    shape = (cl.n_groups, n_l)
    return _Table(order, n.reshape(shape), mean.reshape(shape), ss.reshape(shape), centre)


def _missing_result(t: _Table, reason: MissingReason) -> MixedModelResult:
    n_l = t.n.sum(axis=0)
    means = tuple(LayerMean(lay, int(n_l[i]), int((t.n[:, i] > 0).sum()), missing_estimate(reason), None, None)
                  for i, lay in enumerate(t.layers))
    contrasts = tuple(LayerContrast(t.layers[a], t.layers[b], missing_estimate(reason), None, missing_test(reason),
                                    None) for a, b in combinations(range(len(t.layers)), 2))
    test = AnovaResult(None, None, None, None, int((n_l > 0).sum()), int(n_l.sum()), reason)
    return MixedModelResult(int(n_l.sum()), int((t.n.sum(axis=1) > 0).sum()), t.layers, reason, None, means,
                            contrasts, test, None, None, None)


def _estimate(value: float, var: float, df: float, level: float) -> tuple[Estimate, float, SignificanceTest]:
    se = float(np.sqrt(var))
    half = float(k.t_quantile(level, df)) * se
    tval = value / se
    p = float(k.two_sided_t_p(np.asarray(tval), np.asarray(df)))
    return Estimate(value, ConfidenceInterval(value - half, value + half, level)), se, SignificanceTest(tval, p, df)


def _robust(cells: mf.Cells, fit: mf.Gls, beta: FloatArray, rows: FloatArray) -> list[ClusterRobust]:
    var, df = cr2(cells, fit, rows)
    out = []
    for r in range(rows.shape[0]):
        if not (var[r] > 0 and np.isfinite(df[r])):
            out.append(ClusterRobust(None, missing_test(MissingReason.NOT_ESTIMABLE)))
            continue
        se = float(np.sqrt(var[r]))
        tval = float(rows[r] @ beta) / se
        p = float(k.two_sided_t_p(np.asarray(tval), np.asarray(df[r])))
        out.append(ClusterRobust(se, SignificanceTest(tval, p, float(df[r]))))
    return out


def _f_test(beta: FloatArray, d: mf.Derivatives, n_layer: FloatArray, boundary: bool) -> AnovaResult:
    """lmerTest's multi-df Satterthwaite F test of all layers equal, with the hypothesis rows ``anova()`` uses."""
    p = beta.shape[0]
    n = int(n_layer.sum())
    if p < 2:
        return AnovaResult(None, None, None, None, p, n, MissingReason.ONE_GROUP)
    # lmerTest's type I (= type III for one factor) rows: the layer rows of t(L), X'X = LU (Doolittle) in treatment
    # coding; for a positive definite X'X, L is the Cholesky factor with its columns scaled to a unit diagonal
    xtx = np.diag(np.r_[float(n), n_layer[1:]])
    xtx[0, 1:] = xtx[1:, 0] = n_layer[1:]
    chol = linalg.cholesky(xtx, lower=True)
    rows = (chol / np.diag(chol)[None, :]).T[1:]
    to_means = np.eye(p)
    to_means[1:, 0] = -1.0  # treatment-coded beta = to_means @ layer means
    lmat = rows @ to_means
    vals, vecs = np.linalg.eigh(lmat @ d.cov @ lmat.T)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    pos = vals > max(np.sqrt(np.finfo(float).eps) * vals[0], 0.0)
    q = int(pos.sum())
    ptl = vecs[:, :q].T @ lmat
    fval = float(((ptl @ beta) ** 2 / vals[:q]).sum()) / q
    _, nu = mf.satterthwaite(d, ptl, boundary=boundary)
    if q == 1 or np.all(np.abs(np.diff(nu)) < 1e-8):
        ddf = float(nu.mean())
    elif np.any(nu <= 2):
        ddf = 2.0
    else:
        e = float((nu / (nu - 2)).sum())
        ddf = 2.0 * e / (e - q)
    return AnovaResult(fval, float(stats.f.sf(fval, q, ddf)), float(q), ddf, p, n)


def layer_mixed_model(
    data: ArrayLike | Moments,
    *,
    clusters: ArrayLike,
    layers: ArrayLike,
    layer_order: Sequence[Any] | None = None,
    level: float = 0.95,
    min_clusters: int = 5,
) -> MixedModelResult:
    """Fit ``y ~ layer + (1 | cluster)`` by REML and compare the layers (see the module docstring).

    ``data``: one value per respondent (NaN left out) with ``clusters`` and ``layers`` one label each; or
    :class:`~app.stats.sufficient.Moments` of cells (e.g. team x layer sums from the database) with
    ``clusters``/``layers`` one label per cell (cells sharing both labels are merged). ``layer_order``: the layers
    to report, in this order (pairwise differences first minus second for earlier against later); default all
    layers present, sorted.

    Examples
    --------
    >>> y = [3.0, 3.4, 3.9, 2.1, 2.2, 3.0, 4.0, 4.4, 4.1, 2.8, 3.1, 3.9, 3.6, 3.3, 4.2, 2.9, 3.2, 3.5]
    >>> team = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6]
    >>> layer = ["employee", "employee", "leader"] * 6
    >>> r = layer_mixed_model(y, clusters=team, layers=layer)
    >>> c = r.contrasts[0]
    >>> c.first, c.second, round(c.difference.value, 4), round(c.test.df, 2), round(c.test.pvalue, 4)
    ('employee', 'leader', -0.6, 11.0, 0.0009)
    >>> round(r.variance.between, 6), round(r.variance.within, 6), round(r.variance.icc, 4)
    (0.309051, 0.071515, 0.8121)
    """
    level = check_level(level)
    if int(min_clusters) != min_clusters or min_clusters < 2:
        raise ValueError("min_clusters must be a whole number >= 2")
    t = _table(data, clusters, layers, layer_order)
    present = t.n.sum(axis=0) > 0
    cells = mf.Cells(t.n[:, present], t.mean[:, present], t.ss[:, present])
    nc = cells.n_cluster
    n_total, n_clusters, p = float(nc.sum()), int((nc > 0).sum()), int(present.sum())
    if n_total == 0:
        return _missing_result(t, MissingReason.ALL_MISSING)
    if n_clusters < min_clusters:
        return _missing_result(t, MissingReason.TOO_FEW_CLUSTERS)
    if n_total <= n_clusters or n_total - p < 1:
        return _missing_result(t, MissingReason.N_BELOW_2)
    cells = mf.Cells(cells.n[nc > 0], cells.mean[nc > 0], cells.ss[nc > 0])
    total_ss = float((cells.ss + cells.n * cells.mean**2).sum())
    if mf.gls(cells, 0.0).rss <= 1e-12 * total_ss:  # nothing left beyond rounding once the layers are fitted
        return _missing_result(t, MissingReason.ZERO_VARIANCE)
    gamma = mf.fit_gamma(cells)
    if gamma is None:
        return _missing_result(t, MissingReason.ZERO_VARIANCE)
    fit = mf.gls(cells, gamma)
    s = fit.rss / (n_total - p)
    boundary = gamma == 0.0
    d = mf.derivatives(cells, fit, s)
    if not (np.all(np.isfinite(d.info)) and (d.info[1, 1] > 0 if boundary else np.linalg.eigvalsh(d.info)[0] > 0)):
        return _missing_result(t, MissingReason.NOT_ESTIMABLE)  # not a proper maximum: no df to be had
    beta = fit.beta + t.centre
    between = gamma * s
    icc = between / (between + s)
    kbar = n_total / n_clusters
    variance = VarianceComponents(between, s, icc, 1.0 + (kbar - 1.0) * icc, kbar, boundary)

    pos = np.cumsum(present) - 1  # index among the fitted layers
    eye = np.eye(p)
    var_m, df_m = mf.satterthwaite(d, eye, boundary=boundary)
    pairs = list(combinations(range(len(t.layers)), 2))
    fitted = [(a, b) for a, b in pairs if present[a] and present[b]]
    rows = np.array([eye[pos[a]] - eye[pos[b]] for a, b in fitted]).reshape(-1, p)
    robust = _robust(cells, fit, beta, np.vstack([eye, rows]))  # one pass: the means, then the differences
    robust_m, robust_c = robust[:p], robust[p:]
    means = []
    for i, lay in enumerate(t.layers):
        n_i, k_i = int(t.n[:, i].sum()), int((t.n[:, i] > 0).sum())
        if not present[i]:
            means.append(LayerMean(lay, 0, 0, missing_estimate(MissingReason.ALL_MISSING), None, None))
            continue
        j = pos[i]
        est, se, _ = _estimate(float(beta[j]), float(var_m[j]), float(df_m[j]), level)
        means.append(LayerMean(lay, n_i, k_i, est, se, float(df_m[j]), robust_m[j]))
    var_c, df_c = mf.satterthwaite(d, rows, boundary=boundary)
    by_pair = {}
    for r, (a, b) in enumerate(fitted):
        by_pair[(a, b)] = _estimate(float(rows[r] @ beta), float(var_c[r]), float(df_c[r]), level)
    robust_of = dict(zip(fitted, robust_c, strict=True))
    adjusted = holm([by_pair[ab][2].pvalue for ab in fitted]).adjusted
    holm_of = dict(zip(fitted, adjusted, strict=True))
    contrasts = []
    for a, b in pairs:
        if (a, b) in by_pair:
            est, se, test = by_pair[(a, b)]
            contrasts.append(LayerContrast(t.layers[a], t.layers[b], est, se, test, holm_of[(a, b)], robust_of[(a, b)]))
        else:
            reason = MissingReason.ALL_MISSING
            contrasts.append(LayerContrast(t.layers[a], t.layers[b], missing_estimate(reason), None,
                                           missing_test(reason), None))
    coef = np.full(len(t.layers), np.nan)
    coef[present] = beta
    cov = np.full((len(t.layers), len(t.layers)), np.nan)
    cov[np.ix_(present, present)] = d.cov
    return MixedModelResult(int(n_total), n_clusters, t.layers, None, variance, tuple(means), tuple(contrasts),
                            _f_test(beta, d, cells.n_layer, boundary), mf.reml_criterion(cells, fit), coef, cov)


__all__ = ["ClusterRobust", "LayerContrast", "LayerMean", "MixedModelResult", "VarianceComponents", "layer_mixed_model"]
