"""Reliability of a dimension: Cronbach's alpha with Feldt's CI, McDonald's omega (total, one factor),
corrected item-total correlations and alpha if item deleted.

Missing answers: **pairwise-complete covariances** — each covariance uses the respondents who answered both
items, each variance those who answered the item (R: ``cov(x, use = "pairwise")``, the default of
``psych::alpha``). Respondents who answered none of the items are left out; the n of Feldt's interval is the number
of respondents who answered at least one item (``psych::alpha`` uses all rows it is given).

Formulas, from the pairwise covariance matrix C of the k keyed items:

* :math:`\\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\operatorname{tr} C}{\\mathbf 1^\\top C \\mathbf 1}\\right)`
  (Cronbach 1951) — ``psych::alpha()$total$raw_alpha``;
* Feldt's CI (Feldt, Woodruff & Salih 1987):
  :math:`[1-(1-\\alpha)F_{1-p/2},\\ 1-(1-\\alpha)F_{p/2}]` with :math:`F(n-1, (n-1)(k-1))`, p = 1 - level —
  ``psych::alpha.ci``;
* corrected item-total correlation of item i with the sum of the other items,
  :math:`r_{i,-i} = (\\sum_j C_{ij} - C_{ii}) / \\sqrt{C_{ii}\\, \\mathbf 1^\\top C_{-i,-i} \\mathbf 1}` —
  ``psych::alpha()$item.stats$r.drop``;
* alpha if item deleted: alpha of :math:`C_{-i,-i}` — ``psych::alpha()$alpha.drop$raw_alpha`` (needs k >= 3);
* omega total from a one-factor minres model (McDonald 1999) of the pairwise-complete correlation matrix R
  (R: ``cor(x, use = "pairwise")``, each pair's own means and SDs — as ``psych::omega`` does; alpha instead uses
  cov2cor of C, as ``psych::alpha`` does), in psych's form
  :math:`\\omega_t = 1 - \\sum_i (1-\\lambda_i^2) / \\mathbf 1^\\top R \\mathbf 1` —
  ``psych::omega(x, nfactors = 1)$omega.tot`` (needs k >= 3). Unlike psych, items with negative loadings are
  not flipped: items are keyed by the questionnaire, and a negative loading is a finding, not a nuisance.

Edge cases: fewer than two items → ``too_few_items``; fewer than two respondents, or an item pair answered by
fewer than two → ``n_below_2``; no variance in the total → ``zero_variance`` (and an item with no variance has
no item-total correlation and makes omega ``zero_variance``); a failed factor fit → ``not_estimable``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from app.stats._common import (
    ArrayLike,
    ConfidenceInterval,
    Estimate,
    FloatArray,
    MissingReason,
    check_level,
    missing_estimate,
)
from app.stats._factor import one_factor_minres
from app.stats._kernels import f_quantile
from app.stats.scales import Scale, reverse_key
from app.stats.sufficient import CrossProducts


@dataclass(frozen=True, eq=False)
class Reliability:
    """Reliability figures of one set of keyed items.

    ``item_total_correlation`` and ``alpha_if_deleted`` have one entry per item; they are NaN exactly where
    ``item_reasons`` is not None. ``omega_total`` and ``loadings`` (the one-factor loadings behind omega, NaN when
    not fitted) come from a factor fit made on first access: it costs far more than everything else here, and a
    report that reads only alpha or the item-total figures should not pay for it.
    """

    n_items: int
    n_respondents: int
    alpha: Estimate
    item_total_correlation: FloatArray
    alpha_if_deleted: FloatArray
    item_reasons: tuple[MissingReason | None, ...]
    _fit_omega: Callable[[], tuple[Estimate, FloatArray]] = field(repr=False)

    @cached_property
    def _fitted(self) -> tuple[Estimate, FloatArray]:
        return self._fit_omega()

    @property
    def omega_total(self) -> Estimate:
        return self._fitted[0]

    @property
    def loadings(self) -> FloatArray:
        return self._fitted[1]


def _alpha(k: int, trace: float, total: float) -> float:
    return k / (k - 1) * (1.0 - trace / total)


def _feldt(alpha: float, n: int, k: int, level: float) -> ConfidenceInterval:
    p = 1.0 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return ConfidenceInterval(
        1.0 - (1.0 - alpha) * f_quantile(1 - p / 2, df1, df2),
        1.0 - (1.0 - alpha) * f_quantile(p / 2, df1, df2),
        level,
    )


def reliability_from_cross_products(cp: CrossProducts, *, level: float = 0.95) -> Reliability:
    """Reliability from pairwise sufficient statistics (see :class:`~app.stats.sufficient.CrossProducts`)."""
    level = check_level(level)
    k, n = cp.n_items, cp.n_respondents
    nan_items = np.full(k, np.nan)
    if k < 2 or n < 2 or not np.all(cp.n >= 2):
        reason = MissingReason.TOO_FEW_ITEMS if k < 2 else MissingReason.N_BELOW_2
        return _missing(k, n, reason)
    c = cp.covariance()
    var = np.diag(c).copy()
    total = float(c.sum())
    trace = float(var.sum())
    if not total > 0 or not trace > 0:
        reason = MissingReason.ZERO_VARIANCE if total == 0 or trace == 0 else MissingReason.NOT_ESTIMABLE
        return _missing(k, n, reason)
    a = _alpha(k, trace, total)
    alpha = Estimate(a, _feldt(a, n, k, level))
    rows = c.sum(axis=1)
    rest_total = total - 2 * rows + var
    with np.errstate(invalid="ignore", divide="ignore"):
        r_drop = (rows - var) / np.sqrt(var * rest_total)
        a_drop = (k - 1) / (k - 2) * (1.0 - (trace - var) / rest_total) if k >= 3 else nan_items.copy()
    ok = (var > 0) & (rest_total > 0)
    item_reasons = tuple(None if o else MissingReason.ZERO_VARIANCE for o in ok.tolist())
    if k < 3:
        item_reasons = tuple(r or MissingReason.TOO_FEW_ITEMS for r in item_reasons)
    r_drop = np.where(ok, r_drop, np.nan)
    a_drop = np.where(ok & (k >= 3), a_drop, np.nan)
    return Reliability(k, n, alpha, r_drop, a_drop, item_reasons, lambda: _omega(cp.correlation(), var))


def _missing(k: int, n: int, reason: MissingReason) -> Reliability:
    nan_items = np.full(k, np.nan)
    missing = missing_estimate(reason)
    return Reliability(k, n, missing, nan_items, nan_items.copy(), (reason,) * k, lambda: (missing, nan_items.copy()))


def _omega(r: FloatArray, var: FloatArray) -> tuple[Estimate, FloatArray]:
    k = r.shape[0]
    nan_items = np.full(k, np.nan)
    if k < 3:
        return missing_estimate(MissingReason.TOO_FEW_ITEMS), nan_items
    if not np.all(var > 0) or np.isnan(r).any():
        return missing_estimate(MissingReason.ZERO_VARIANCE), nan_items
    lam = one_factor_minres(r)
    vt = float(r.sum())
    if lam is None or not vt > 0:
        return missing_estimate(MissingReason.NOT_ESTIMABLE), nan_items
    return Estimate(1.0 - float(np.sum(1.0 - lam * lam)) / vt, None), lam


def reliability(items: ArrayLike, *, level: float = 0.95) -> Reliability:
    """Alpha (with Feldt CI), omega total, item-total r and alpha if deleted of already keyed items.

    Parameters
    ----------
    items : array_like, shape (N, k)
        Respondents x items, reverse-keyed already; NaN = not answered (pairwise-complete treatment).
    level : float
        Confidence level of alpha's interval.

    Examples
    --------
    >>> x = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 4], [5, 4, 5.]])
    >>> round(reliability(x).alpha.value, 6)
    0.933333
    """
    return reliability_from_cross_products(CrossProducts.from_items(items), level=level)


def cronbach_alpha(items: ArrayLike, *, level: float = 0.95) -> Estimate:
    """Cronbach's alpha with Feldt's CI (see :func:`reliability`)."""
    return reliability(items, level=level).alpha


def omega_total(items: ArrayLike) -> Estimate:
    """McDonald's omega total of a one-factor minres model (see :func:`reliability`)."""
    return reliability(items).omega_total


def reliability_by_dimension(answers: ArrayLike, *, scale: Scale, level: float = 0.95) -> tuple[Reliability, ...]:
    """:func:`reliability` of every dimension of ``scale``, after reverse keying (one entry per dimension)."""
    x = scale.check_answers(answers)
    out = []
    for d in range(scale.n_dimensions):  # a loop over dimensions (a handful), not over respondents
        idx = scale.items_of(d)
        keyed = reverse_key(x[:, idx], reverse=scale.reverse[idx], scale_min=scale.dimension_min[d],
                            scale_max=scale.dimension_max[d])
        out.append(reliability(keyed, level=level))
    return tuple(out)
