"""Measurement invariance across groups (e.g. layers): do they read a dimension's statements the same way?

Per dimension, three multi-group one-factor models are fitted by maximum likelihood (see
:mod:`app.stats._cfa` for the discrepancy function and its gradient) on each group's complete cases, the first
item's loading fixed to 1 (marker):

* **configural**: the same one-factor structure in every group, all parameters free per group (factor mean 0);
* **metric**: loadings equal across groups;
* **scalar**: loadings and intercepts equal, factor means free in every group but the first.

For each: :math:`\\chi^2 = \\min F` on :math:`df = G(k + k(k+1)/2) - q` (q free parameters, k items, G groups),
:math:`CFI = 1 - \\max(\\chi^2 - df, 0)/\\max(\\chi^2 - df, \\chi^2_0 - df_0, 0)` against the independence
model (free means and variances per group, :math:`df_0 = G k(k-1)/2`; Bentler 1990) and
:math:`RMSEA = \\sqrt{\\max(0, \\chi^2/(N\\,df) - 1/N)}\\,\\sqrt G` (Steiger 1998's multi-group form), all as lavaan
computes them (``cfa(model, group = , group.equal = )``, ML, ``likelihood = "normal"``). Nested models are
compared by the chi-square difference :math:`\\Delta\\chi^2` on :math:`\\Delta df` (``lavTestLRT``) and by
:math:`\\Delta CFI`.

Verdict: ``alike`` when metric and scalar invariance both hold (the groups' means on the dimension can be compared),
``loadings_differ`` when metric invariance fails, ``intercepts_differ`` when only scalar invariance fails (compare
the means with care), ``cannot_fit`` with a ``reason``. A step holds, by ``criterion``: ``"delta_cfi"`` (default)
when CFI drops by no more than ``max_cfi_drop`` = 0.01 (Cheung & Rensvold 2002; Chen 2007: the chi-square
difference rejects trivial differences once groups are large); ``"chisq"`` when the difference test has
p >= ``alpha``; ``"either"``: both (the cautious reading).

Edge cases: fewer than 3 items → ``too_few_items``; a group with fewer complete respondents than
``min_group_size`` (default 30, and always more than k) is left out and listed in ``excluded``; fewer than two
groups left → ``group_too_small`` (or ``one_group`` if there never were two); an item without variance in a group
→ ``zero_variance``; a singular covariance matrix or an optimiser that does not converge → ``not_estimable``.
Improper solutions (a negative residual variance) are reported as estimated, as lavaan does.

References: Meredith, W. (1993). Measurement invariance, factor analysis and factorial invariance. Psychometrika 58,
525-543. Cheung, G. W., & Rensvold, R. B. (2002). Evaluating goodness-of-fit indexes for testing measurement
invariance. Struct. Equ. Modeling 9(2), 233-255. Chen, F. F. (2007). Sensitivity of goodness of fit indexes to
lack of measurement invariance. Struct. Equ. Modeling 14(3), 464-504. Rosseel, Y. (2012). lavaan: an R package for
structural equation modeling. J. Stat. Softw. 48(2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

import numpy as np
from scipy import stats

from app.stats import _cfa
from app.stats._common import ArrayLike, FloatArray, MissingReason, as_matrix, encode_groups, py_label
from app.stats.scales import Scale

Criterion = Literal["delta_cfi", "chisq", "either"]


class InvarianceVerdict(StrEnum):
    """The plain reading of the three models. Values are stable strings, safe to send to clients."""

    ALIKE = "alike"
    LOADINGS_DIFFER = "loadings_differ"
    INTERCEPTS_DIFFER = "intercepts_differ"
    CANNOT_FIT = "cannot_fit"


@dataclass(frozen=True, eq=False)
class CfaFit:
    """One multi-group model: fit statistics and estimates per group (rows in ``groups`` order)."""

    model: str  # configural | metric | scalar
    chisq: float
    df: int
    pvalue: float | None  # None when df = 0 (a saturated model: nothing to test; as lavaan's NA)
    cfi: float
    rmsea: float
    loadings: FloatArray  # (G, k), first column 1 (marker)
    residual_variances: FloatArray  # (G, k)
    factor_variances: FloatArray  # (G,)
    intercepts: FloatArray  # (G, k)
    factor_means: FloatArray  # (G,), 0 but in the scalar model's later groups


@dataclass(frozen=True)
class ModelComparison:
    """A restricted model against the freer one: chi-square difference test, change in CFI and RMSEA."""

    chisq: float
    df: int
    pvalue: float
    delta_cfi: float  # restricted minus free
    delta_rmsea: float
    holds: bool  # the restriction holds under the chosen criterion


@dataclass(frozen=True, eq=False)
class InvarianceResult:
    """Configural, metric and scalar models of one dimension across groups, and the verdict."""

    groups: tuple[Any, ...]  # the groups fitted
    n: tuple[int, ...]  # complete cases per fitted group
    n_items: int
    excluded: tuple[Any, ...]  # groups left out: too few complete cases
    verdict: InvarianceVerdict
    reason: MissingReason | None
    baseline_chisq: float | None
    baseline_df: int | None
    configural: CfaFit | None
    metric: CfaFit | None
    scalar: CfaFit | None
    metric_vs_configural: ModelComparison | None
    scalar_vs_metric: ModelComparison | None


def _cannot(groups: tuple[Any, ...], n: tuple[int, ...], k: int, excluded: tuple[Any, ...],
            reason: MissingReason) -> InvarianceResult:
    return InvarianceResult(groups, n, k, excluded, InvarianceVerdict.CANNOT_FIT, reason, None, None, None, None,
                            None, None, None)


def _group_moments(x: FloatArray, codes: Any, n_groups: int) -> _cfa.GroupMoments:
    n = np.bincount(codes, minlength=n_groups).astype(np.float64)
    k = x.shape[1]
    mean = np.zeros((n_groups, k))
    cov = np.zeros((n_groups, k, k))
    for g in range(n_groups):
        xg = x[codes == g]
        if xg.shape[0]:
            mean[g] = xg.mean(axis=0)
            dev = xg - mean[g]
            cov[g] = dev.T @ dev / xg.shape[0]
    return _cfa.GroupMoments(n, mean, cov)


def _fit_stats(model: _cfa.Level, f: _cfa.Fit, gm: _cfa.GroupMoments, base: float, base_df: int) -> CfaFit:
    g, k = gm.mean.shape
    n_free = _cfa.layout(g, k, model).n_free
    df = g * (k + k * (k + 1) // 2) - n_free
    total = float(gm.n.sum())
    t1 = max(f.chisq - df, 0.0)
    t2 = max(f.chisq - df, base - base_df, 0.0)
    cfi = float(1.0 - t1 / t2) if t2 > 0 else 1.0
    rmsea = float(np.sqrt(max(0.0, f.chisq / (total * df) - 1.0 / total)) * np.sqrt(g)) if df > 0 else 0.0
    p = float(stats.chi2.sf(f.chisq, df)) if df > 0 else None
    pr = f.params
    return CfaFit(model, f.chisq, df, p, cfi, rmsea, pr.lam, pr.theta, pr.phi, pr.nu, pr.alpha)


def _compare(restricted: CfaFit, free: CfaFit, criterion: Criterion, alpha: float,
             max_cfi_drop: float) -> ModelComparison:
    dchi = float(max(restricted.chisq - free.chisq, 0.0))
    ddf = restricted.df - free.df
    p = float(stats.chi2.sf(dchi, ddf))
    dcfi = float(restricted.cfi - free.cfi)
    by_cfi, by_chisq = dcfi >= -max_cfi_drop, p >= alpha
    holds = {"delta_cfi": by_cfi, "chisq": by_chisq, "either": by_cfi and by_chisq}[criterion]
    return ModelComparison(dchi, ddf, p, dcfi, restricted.rmsea - free.rmsea, bool(holds))


def measurement_invariance(
    items: ArrayLike,
    groups: ArrayLike,
    *,
    group_order: Sequence[Any] | None = None,
    criterion: Criterion = "delta_cfi",
    alpha: float = 0.05,
    max_cfi_drop: float = 0.01,
    min_group_size: int = 30,
) -> InvarianceResult:
    """Configural, metric and scalar invariance of one dimension's items (keyed: reverse-keyed items already
    turned around) across ``groups`` (one label per respondent); respondents with a missing answer are left out
    (listwise, as lavaan's default). ``group_order`` fixes the groups' order (the first is the scalar model's
    reference); default sorted labels. See the module docstring.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> eta = rng.normal(size=400)
    >>> x = np.clip(np.rint(3 + 0.8 * eta[:, None] + rng.normal(0, 0.7, (400, 4))), 1, 5)
    >>> layer = np.where(np.arange(400) % 4 == 0, "leader", "employee")
    >>> r = measurement_invariance(x, layer)
    >>> r.verdict.value, r.groups, r.n
    ('alike', ('employee', 'leader'), (300, 100))
    >>> r.configural.df, r.metric.df, r.scalar.df
    (4, 7, 10)
    >>> round(r.metric_vs_configural.pvalue, 4), round(r.scalar_vs_metric.pvalue, 4)
    (0.2192, 0.3829)
    """
    if criterion not in ("delta_cfi", "chisq", "either"):
        raise ValueError(f"criterion must be 'delta_cfi', 'chisq' or 'either', got {criterion!r}")
    if not 0.0 < alpha < 1.0 or not 0.0 <= max_cfi_drop < 1.0:
        raise ValueError("alpha must lie in (0, 1) and max_cfi_drop in [0, 1)")
    if int(min_group_size) != min_group_size or min_group_size < 2:
        raise ValueError("min_group_size must be a whole number >= 2")
    x = as_matrix(items, "items")
    enc = encode_groups(groups, x.shape[0])
    labels = tuple(py_label(v) for v in enc.labels)
    order = labels if group_order is None else tuple(py_label(v) for v in group_order)
    if len(set(order)) != len(order) or not set(labels) <= set(order):
        raise ValueError("group_order must list every group once")
    to_pos = np.array([order.index(v) for v in labels], dtype=np.int64)
    codes = to_pos[enc.codes]
    complete = ~np.isnan(x).any(axis=1)
    x, codes = x[complete], codes[complete]
    k = x.shape[1]
    counts = np.bincount(codes, minlength=len(order))
    if k < 3:
        return _cannot(order, tuple(int(c) for c in counts), k, (), MissingReason.TOO_FEW_ITEMS)
    big = counts >= max(int(min_group_size), k + 1)
    kept = tuple(g for g, b in zip(order, big, strict=True) if b)
    excluded = tuple(g for g, b in zip(order, big, strict=True) if not b)
    n_kept = tuple(int(c) for c in counts[big])
    if len(kept) < 2:
        reason = MissingReason.ONE_GROUP if int((counts > 0).sum()) < 2 else MissingReason.GROUP_TOO_SMALL
        return _cannot(kept, n_kept, k, excluded, reason)
    remap = np.cumsum(big) - 1
    rows = big[codes]
    gm = _group_moments(x[rows], remap[codes[rows]], len(kept))
    variances = np.diagonal(gm.cov, axis1=1, axis2=2)
    if np.any(variances <= 0):
        return _cannot(kept, n_kept, k, excluded, MissingReason.ZERO_VARIANCE)
    sign, _ = np.linalg.slogdet(gm.cov / np.sqrt(variances[:, :, None] * variances[:, None, :]))
    if np.any(sign <= 0) or np.any(np.linalg.cond(gm.cov) > 1e12):
        return _cannot(kept, n_kept, k, excluded, MissingReason.NOT_ESTIMABLE)
    base = _cfa.independence_chisq(gm)
    base_df = len(kept) * k * (k - 1) // 2
    fits: dict[str, CfaFit] = {}
    models: tuple[_cfa.Level, ...] = ("configural", "metric", "scalar")
    previous: _cfa.Params | None = None
    for model in models:  # each model starts from the less constrained one's estimates
        f = _cfa.fit(gm, model, previous)
        previous = f.params
        if not f.converged:
            return _cannot(kept, n_kept, k, excluded, MissingReason.NOT_ESTIMABLE)
        fits[model] = _fit_stats(model, f, gm, base, base_df)
    metric = _compare(fits["metric"], fits["configural"], criterion, alpha, max_cfi_drop)
    scalar = _compare(fits["scalar"], fits["metric"], criterion, alpha, max_cfi_drop)
    verdict = (InvarianceVerdict.LOADINGS_DIFFER if not metric.holds
               else InvarianceVerdict.INTERCEPTS_DIFFER if not scalar.holds else InvarianceVerdict.ALIKE)
    return InvarianceResult(kept, n_kept, k, excluded, verdict, None, base, base_df, fits["configural"],
                            fits["metric"], fits["scalar"], metric, scalar)


def invariance_by_dimension(answers: ArrayLike, *, scale: Scale, groups: ArrayLike,
                            **options: Any) -> tuple[InvarianceResult, ...]:
    """:func:`measurement_invariance` for every dimension of ``scale`` (reverse-keyed items turned around first);
    ``options`` are passed on."""
    x = scale.reverse_key(as_matrix(answers, "answers"))
    return tuple(measurement_invariance(x[:, scale.items_of(d)], groups, **options)
                 for d in range(scale.n_dimensions))


__all__ = ["CfaFit", "InvarianceResult", "InvarianceVerdict", "ModelComparison", "invariance_by_dimension",
           "measurement_invariance"]
