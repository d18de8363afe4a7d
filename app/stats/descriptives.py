"""Descriptives per group: n, mean, SD, CI of the mean, answer distributions and favourable shares.

* Mean and unbiased SD (divisor n - 1); CI of the mean :math:`\\bar x \\pm t_{(1+level)/2,\\,n-1}\\, s/\\sqrt n`
  (Student 1908; R: ``t.test(x)$conf.int``).
* Share favourable / unfavourable: the share of the answers given (not of respondents) that fall on the top /
  bottom ``n_top`` options (default two; one per dimension may be given) of the item's own dimension's range
  *after reverse keying* — so for a reverse-keyed item the favourable answers are the lowest raw options. A
  dimension's share pools the answers to all its items.
* Distribution of answers per item: counts and shares of each raw answer option (as ticked).

Missing figures: a group with no values has ``all_missing`` (mean, SD and CI NaN); a group with one value has a
mean but ``n_below_2`` for SD and CI. A zero SD gives a zero-width CI, which is a figure, not a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from app.stats._common import (
    ArrayLike,
    ConfidenceInterval,
    FloatArray,
    IntArray,
    MissingReason,
    check_level,
    code_of,
    reasons_tuple,
)
from app.stats._kernels import t_quantile
from app.stats.scales import Scale
from app.stats.sufficient import FrequencyTable, ItemCounts, Moments


@dataclass(frozen=True, eq=False)
class GroupDescriptives:
    """One row per group: ``n``, ``mean``, ``sd`` and the CI bounds of the mean at ``level``.

    ``reasons[g]`` is None when every figure of group g is present, else why some are NaN.
    """

    labels: npt.NDArray[Any]
    n: IntArray
    mean: FloatArray
    sd: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    level: float
    reasons: tuple[MissingReason | None, ...]

    def ci(self, group: int) -> ConfidenceInterval | None:
        """The CI of group number ``group`` (None when missing; ``reasons[group]`` says why)."""
        if np.isnan(self.ci_low[group]):
            return None
        return ConfidenceInterval(float(self.ci_low[group]), float(self.ci_high[group]), self.level)


def describe(
    data: ArrayLike | Moments | FrequencyTable, groups: ArrayLike | None = None, *, level: float = 0.95
) -> GroupDescriptives:
    """n, mean, SD and t-based CI of the mean per group.

    Parameters
    ----------
    data : array_like, Moments or FrequencyTable
        Raw values (NaN = missing) with ``groups`` (one label per value; None = one group), or a summary.
    level : float
        Confidence level of the interval, default 0.95.

    Examples
    --------
    >>> d = describe([1.0, 2.0, 4.0, 5.0, np.nan], ["a", "a", "b", "b", "b"])
    >>> d.mean.tolist(), d.n.tolist()
    ([1.5, 4.5], [2, 2])
    """
    level = check_level(level)
    if isinstance(data, FrequencyTable):
        m = data.moments()
    elif isinstance(data, Moments):
        m = data
    else:
        m = Moments.from_values(data, groups)
    n = m.n
    sd = np.sqrt(m.variance)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = t_quantile(level, n - 1) * sd / np.sqrt(n)
    codes = np.where(n == 0, code_of(MissingReason.ALL_MISSING), np.where(n < 2, code_of(MissingReason.N_BELOW_2), 0))
    return GroupDescriptives(
        m.labels, n.astype(np.int64), m.mean, sd, m.mean - half, m.mean + half, level,
        reasons_tuple(codes.astype(np.int8)),
    )


def _favourable_masks(scale: Scale, n_top: int | Sequence[int]) -> tuple[FloatArray, FloatArray]:
    """Per item, over the envelope's options: 1 where an answer is favourable / unfavourable after keying, i.e. on
    the top / bottom ``n_top`` options *of the item's own dimension's range*."""
    tops = np.broadcast_to(np.asarray(n_top, dtype=np.int64), (scale.n_dimensions,))
    fav = np.zeros((scale.n_items, scale.n_options))
    unfav = np.zeros((scale.n_items, scale.n_options))
    for d in range(scale.n_dimensions):  # a loop over dimensions (a handful)
        a, t = scale.options_of(d), int(tops[d])
        if t < 1 or 2 * t > a:
            raise ValueError(f"n_top must be between 1 and half the number of options ({a}) of dimension "
                             f"{scale.dimensions[d]!r}, got {t}")
        lo = int(scale.dimension_min[d]) - scale.scale_min  # the dimension's first option in the envelope
        top = np.zeros(scale.n_options)
        top[lo + a - t:lo + a] = 1.0
        bottom = np.zeros(scale.n_options)
        bottom[lo:lo + t] = 1.0
        items = scale.items_of(d)
        rev = scale.reverse[items][:, None]
        fav[items] = np.where(rev, bottom[None, :], top[None, :])
        unfav[items] = np.where(rev, top[None, :], bottom[None, :])
    return fav, unfav


@dataclass(frozen=True, eq=False)
class ItemDistribution:
    """Per group and item: ``counts[g, j, a]`` of raw option ``scale_min + a``, answers ``n[g, j]``, ``shares``
    (counts / n) and the favourable / unfavourable shares after keying. Shares are NaN exactly where
    ``n == 0`` (reason: ``all_missing``, see :meth:`reason`)."""

    labels: npt.NDArray[Any]
    scale_min: int
    counts: IntArray
    n: IntArray
    shares: FloatArray
    favourable: FloatArray
    unfavourable: FloatArray

    def reason(self, group: int, item: int) -> MissingReason | None:
        return MissingReason.ALL_MISSING if self.n[group, item] == 0 else None


def item_distribution(counts: ItemCounts, *, scale: Scale, n_top: int | Sequence[int] = 2) -> ItemDistribution:
    """Answer distribution and favourable shares per group and item from :class:`ItemCounts`."""
    if counts.counts.shape[1:] != (scale.n_items, scale.n_options):
        raise ValueError("counts do not match the scale (items x options)")
    fav, unfav = _favourable_masks(scale, n_top)
    c = counts.counts.astype(np.float64)
    n = c.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = c / n[:, :, None]
        f = np.einsum("gja,ja->gj", c, fav) / n
        u = np.einsum("gja,ja->gj", c, unfav) / n
    return ItemDistribution(counts.labels, counts.scale_min, counts.counts, n.astype(np.int64), shares, f, u)


@dataclass(frozen=True, eq=False)
class DimensionShares:
    """Per group and dimension: answers given ``n_answers[g, d]`` and the shares of them that are favourable /
    unfavourable after keying. NaN exactly where ``n_answers == 0`` (``all_missing``, see :meth:`reason`)."""

    labels: npt.NDArray[Any]
    dimensions: tuple[str, ...]
    n_answers: IntArray
    favourable: FloatArray
    unfavourable: FloatArray

    def reason(self, group: int, dimension: int) -> MissingReason | None:
        return MissingReason.ALL_MISSING if self.n_answers[group, dimension] == 0 else None


def favourable_shares(counts: ItemCounts, *, scale: Scale, n_top: int | Sequence[int] = 2) -> DimensionShares:
    """Pooled favourable / unfavourable shares of each dimension's answers, per group.

    .. math:: fav_{gd} = \\frac{\\#\\{\\text{answers of group g to items of d on the top } n_{top}
              \\text{ keyed options}\\}}{\\#\\{\\text{answers of group g to items of d}\\}}
    """
    if counts.counts.shape[1:] != (scale.n_items, scale.n_options):
        raise ValueError("counts do not match the scale (items x options)")
    fav, unfav = _favourable_masks(scale, n_top)
    c = counts.counts.astype(np.float64)
    per_item_n = c.sum(axis=2)
    per_item_f = np.einsum("gja,ja->gj", c, fav)
    per_item_u = np.einsum("gja,ja->gj", c, unfav)
    ind = np.zeros((scale.n_items, scale.n_dimensions))
    ind[np.arange(scale.n_items), scale.item_dimension] = 1.0
    n = per_item_n @ ind
    with np.errstate(invalid="ignore", divide="ignore"):
        f = (per_item_f @ ind) / n
        u = (per_item_u @ ind) / n
    return DimensionShares(counts.labels, scale.dimensions, n.astype(np.int64), f, u)
