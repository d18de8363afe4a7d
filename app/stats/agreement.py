"""Within-group agreement and reliability of group means: may a team's score stand for the team?

rwg and rwg(j) (James, Demaree & Wolf 1984) compare the observed within-group variance with the variance
expected when everyone answered at random, the uniform null :math:`\\sigma^2_{EU} = (A^2-1)/12` for A options
(:attr:`~app.stats.scales.Scale.null_variance`):

.. math:: r_{wg} = 1 - \\frac{s^2}{\\sigma^2_{EU}}, \\qquad
          r_{wg(J)} = \\frac{J (1 - \\bar s^2/\\sigma^2_{EU})}
                           {J (1 - \\bar s^2/\\sigma^2_{EU}) + \\bar s^2/\\sigma^2_{EU}}

with :math:`\\bar s^2` the mean of the J item variances (n - 1 divisor). As in Bliese's ``multilevel``
(``rwg``, ``rwg.j``, version 2.7), a variance above :math:`\\sigma^2_{EU}` is set to :math:`\\sigma^2_{EU}`, which
truncates the index to 0 (it would otherwise be negative, or for rwg(j) exceed 1 or flip sign); groups with
fewer than two members get no value (``n_below_2``). rwg(j) deletes incomplete respondents listwise within
the items, as ``rwg.j`` does (``missing="listwise"``); ``missing="available"`` instead uses, for each item, the
members who answered it (and requires two per item).

ICC(1) and ICC(2) come from the one-way ANOVA of the values on the groups, with the mean group size
:math:`\\bar k = N/G` as in ``multilevel::ICC1``/``ICC2`` (Bliese 2000):

.. math:: ICC(1) = \\frac{MSB - MSW}{MSB + (\\bar k - 1) MSW}, \\qquad ICC(2) = \\frac{MSB - MSW}{MSB}

Only groups with at least one value count. Edge cases: fewer than two groups → ``one_group``; no within-group
degrees of freedom (N = G) → ``n_below_2``; no variance at all → ``zero_variance``; no between-group variance
(MSB = 0) leaves ICC(2) undefined → ``zero_variance``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from app.stats._common import (
    ArrayLike,
    Estimate,
    FloatArray,
    IntArray,
    MissingReason,
    SignificanceTest,
    as_matrix,
    code_of,
    encode_groups,
    missing_estimate,
    missing_test,
    reasons_tuple,
)
from app.stats._kernels import f_sf
from app.stats.sufficient import ItemMoments, Moments


@dataclass(frozen=True, eq=False)
class GroupAgreement:
    """rwg (one item, ``n_items == 1``) or rwg(j) per group; NaN exactly where ``reasons`` is not None.

    ``mean_variance`` is the (untruncated) mean item variance :math:`\\bar s^2`; ``n`` the members used (for
    ``missing="available"`` the smallest item count).
    """

    labels: npt.NDArray[Any]
    n: IntArray
    rwg: FloatArray
    mean_variance: FloatArray
    n_items: int
    null_variance: float
    reasons: tuple[MissingReason | None, ...]


def _check_null(null_variance: float) -> float:
    v = float(null_variance)
    if not v > 0:
        raise ValueError(f"null_variance must be > 0, got {null_variance}")
    return v


def _agreement(labels: npt.NDArray[Any], n: FloatArray, n_ok: FloatArray, mean_var: FloatArray, j: int,
               null_variance: float) -> GroupAgreement:
    ratio = np.minimum(mean_var, null_variance) / null_variance
    with np.errstate(invalid="ignore", divide="ignore"):
        value = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    codes = np.where(n == 0, code_of(MissingReason.ALL_MISSING),
                     np.where(n_ok < 2, code_of(MissingReason.N_BELOW_2), 0)).astype(np.int8)
    return GroupAgreement(labels, n.astype(np.int64), np.where(codes == 0, value, np.nan),
                          np.where(codes == 0, mean_var, np.nan), j, null_variance, reasons_tuple(codes))


def rwg_from_moments(moments: Moments, *, null_variance: float) -> GroupAgreement:
    """rwg of one item per group from its :class:`~app.stats.sufficient.Moments`."""
    nv = _check_null(null_variance)
    return _agreement(moments.labels, moments.n, moments.n, moments.variance, 1, nv)


def rwg_j_from_moments(moments: ItemMoments, *, null_variance: float) -> GroupAgreement:
    """rwg(j) per group from per-item moments (shape (G, J)); pass listwise moments to match ``rwg.j``."""
    nv = _check_null(null_variance)
    n_min = moments.n.min(axis=1) if moments.n.shape[1] else np.zeros(moments.n.shape[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(moments.n >= 2, moments.ss / (moments.n - 1), np.nan)
    n_any = moments.n.max(axis=1) if moments.n.shape[1] else n_min
    return _agreement(moments.labels, np.where(n_min > 0, n_min, n_any), n_min, var.mean(axis=1),
                      moments.n.shape[1], nv)


def rwg(x: ArrayLike, groups: ArrayLike, *, null_variance: float) -> GroupAgreement:
    """rwg of one item per group (NaN answers left out), as ``multilevel::rwg(x, grpid, ranvar)``."""
    return rwg_from_moments(Moments.from_values(x, groups), null_variance=null_variance)


def rwg_j(items: ArrayLike, groups: ArrayLike, *, null_variance: float,
          missing: Literal["listwise", "available"] = "listwise") -> GroupAgreement:
    """rwg(j) of a set of items per group, as ``multilevel::rwg.j(x, grpid, ranvar)``.

    Parameters
    ----------
    items : array_like, shape (N, J)
        Answers (keying does not matter: variances are unchanged by reverse keying); NaN = missing.
    groups : array_like, shape (N,)
    null_variance : float
        Expected variance under no agreement, e.g. ``scale.null_variance`` = (A² - 1)/12.
    missing : {"listwise", "available"}
        Listwise (``rwg.j``'s rule) or per-item available answers.
    """
    x = as_matrix(items, "items")
    enc = encode_groups(groups, x.shape[0])
    answered = ~np.isnan(x)
    if missing == "listwise":
        keep = answered.all(axis=1)
        x, codes = x[keep], enc.codes[keep]
        answered = np.ones(x.shape, dtype=bool)
    elif missing == "available":
        codes = enc.codes
    else:
        raise ValueError(f"missing must be 'listwise' or 'available', got {missing!r}")
    g, j = enc.n_groups, x.shape[1]
    n = np.empty((g, j))
    mean = np.empty((g, j))
    ss = np.empty((g, j))
    for i in range(j):  # a loop over items; each is one grouped bincount over respondents
        ok = answered[:, i]
        m = Moments.from_values(np.where(ok, x[:, i], np.nan), codes)  # labels = the codes present
        n[:, i], mean[:, i], ss[:, i] = 0.0, np.nan, 0.0
        n[m.labels, i], mean[m.labels, i], ss[m.labels, i] = m.n, m.mean, m.ss
    return rwg_j_from_moments(ItemMoments(enc.labels, n, mean, ss), null_variance=null_variance)


@dataclass(frozen=True)
class IntraclassCorrelation:
    """ICC(1) and ICC(2) from a one-way ANOVA, with the ANOVA behind them."""

    icc1: Estimate
    icc2: Estimate
    n_groups: int
    n: int
    mean_group_size: float | None
    ms_between: float | None
    ms_within: float | None
    f_test: SignificanceTest
    df_within: float | None


def icc_from_moments(moments: Moments) -> IntraclassCorrelation:
    """ICC(1), ICC(2) from per-group moments (groups without values are ignored)."""
    keep = moments.n > 0
    n_g, mean_g, ss_g = moments.n[keep], moments.mean[keep], moments.ss[keep]
    g, n = int(n_g.shape[0]), float(n_g.sum())
    if g < 2 or n - g < 1:
        reason = MissingReason.ONE_GROUP if g < 2 else MissingReason.N_BELOW_2
        return IntraclassCorrelation(missing_estimate(reason), missing_estimate(reason), g, int(n),
                                     n / g if g else None, None, None, missing_test(reason), None)
    grand = float(n_g @ mean_g) / n
    msb = float(n_g @ (mean_g - grand) ** 2) / (g - 1)
    msw = float(ss_g.sum()) / (n - g)
    kbar = n / g
    if msb == 0 and msw == 0:
        reason = MissingReason.ZERO_VARIANCE
        return IntraclassCorrelation(missing_estimate(reason), missing_estimate(reason), g, int(n), kbar, msb, msw,
                                     missing_test(reason), n - g)
    icc1 = Estimate((msb - msw) / (msb + (kbar - 1) * msw), None)
    icc2 = Estimate((msb - msw) / msb, None) if msb > 0 else missing_estimate(MissingReason.ZERO_VARIANCE)
    if msw > 0:
        f = SignificanceTest(msb / msw, f_sf(msb / msw, g - 1, n - g), float(g - 1))
    else:
        f = missing_test(MissingReason.ZERO_VARIANCE)
    return IntraclassCorrelation(icc1, icc2, g, int(n), kbar, msb, msw, f, n - g)


def icc(values: ArrayLike, groups: ArrayLike) -> IntraclassCorrelation:
    """ICC(1) and ICC(2) of ``values`` (NaN left out) nested in ``groups``, as ``multilevel::ICC1(aov(...))``.

    Examples
    --------
    >>> r = icc([1, 2, 3, 4, 5, 6], [0, 0, 0, 1, 1, 1])
    >>> round(r.icc1.value, 6), round(r.icc2.value, 6)
    (0.806452, 0.925926)
    """
    return icc_from_moments(Moments.from_values(values, groups))
