"""One pass over the answers that yields every per-group summary a report needs.

:func:`summarize` reads the respondents x items matrix once per dimension and returns a :class:`SurveySummary`:
scale scores per respondent, a frequency table of scale scores per group and dimension, answer counts per group
and item (with a listwise flag for rwg(j)) and the pairwise cross-products for reliability. Everything else —
descriptives, agreement, ICC, comparisons, ANOVA — is computed from these small tables.

Group by the finest grouping once (e.g. team x layer cells, :func:`cross_groups`) and :meth:`SurveySummary.regroup`
to coarser ones (teams, layers): the tables add up, the raw rows are not read again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from app.stats._common import ArrayLike, IntArray, encode_groups
from app.stats.agreement import GroupAgreement, IntraclassCorrelation, icc_from_moments, rwg_j_from_moments
from app.stats.compare import TwoGroupComparison, compare_groups
from app.stats.descriptives import DimensionShares, GroupDescriptives, describe, favourable_shares
from app.stats.reliability import Reliability, reliability_from_cross_products
from app.stats.scales import Scale, ScaleScores, required_answers
from app.stats.sufficient import CrossProducts, FrequencyTable, ItemCounts, ItemMoments


@dataclass(frozen=True, eq=False)
class Crossing:
    """Cells of crossed groupings (e.g. team x layer): ``codes`` per respondent, and for each factor f the level
    labels ``levels[f]`` and the level index of every cell ``cell_levels[f]`` (a regroup mapping)."""

    codes: IntArray
    levels: tuple[npt.NDArray[Any], ...]
    cell_levels: tuple[IntArray, ...]

    @property
    def n_cells(self) -> int:
        return int(self.cell_levels[0].shape[0]) if self.cell_levels else 0


def cross_groups(*factors: ArrayLike) -> Crossing:
    """Cross-classify respondents by several label vectors; only combinations that occur become cells."""
    if not factors:
        raise ValueError("need at least one grouping")
    n = np.asarray(factors[0]).shape[0]
    encs = [encode_groups(f, n, f"factor {i}") for i, f in enumerate(factors)]
    sizes = [e.n_groups for e in encs]
    combined = np.zeros(n, dtype=np.int64)
    for e, s in zip(encs, sizes, strict=True):
        combined = combined * s + e.codes
    cells = encode_groups(combined, n)
    rest = cells.labels.astype(np.int64)
    cell_levels: list[IntArray] = []
    for s in reversed(sizes):
        cell_levels.append(rest % s)
        rest = rest // s
    return Crossing(cells.codes, tuple(e.labels for e in encs), tuple(reversed(cell_levels)))


@dataclass(frozen=True, eq=False)
class SurveySummary:
    """Sufficient statistics of a survey per group (see :mod:`app.stats.sufficient` for what each one gives).

    Attributes
    ----------
    scale : Scale
    labels : ndarray, shape (G,)
    scores : ScaleScores
        Per respondent (not regrouped).
    score_tables : tuple of FrequencyTable
        Per dimension: counts of each distinct scale score per group.
    item_counts : ItemCounts
        Raw answer counts per group, item and option (``complete_counts``: respondents who answered every item of
        the item's dimension).
    cross_products : tuple of CrossProducts
        Per dimension, over all respondents: pairwise sums of the keyed items (for reliability).
    """

    scale: Scale
    labels: npt.NDArray[Any]
    scores: ScaleScores
    score_tables: tuple[FrequencyTable, ...]
    item_counts: ItemCounts
    cross_products: tuple[CrossProducts, ...]

    def regroup(self, mapping: ArrayLike, *, labels: ArrayLike | None = None) -> SurveySummary:
        """Merge groups: group i goes into new group ``mapping[i]`` (e.g. cells into teams)."""
        tables = tuple(t.regroup(mapping, labels=labels) for t in self.score_tables)
        counts = self.item_counts.regroup(mapping, labels=labels)
        return replace(self, labels=counts.labels, score_tables=tables, item_counts=counts)

    def descriptives(self, dimension: int, *, level: float = 0.95) -> GroupDescriptives:
        """n, mean, SD, CI of the scale score of ``dimension`` per group."""
        return describe(self.score_tables[dimension], level=level)

    def favourable(self, *, n_top: int | Sequence[int] = 2) -> DimensionShares:
        """Favourable / unfavourable answer shares per group and dimension (``n_top``: one, or one per dimension)."""
        return favourable_shares(self.item_counts, scale=self.scale, n_top=n_top)

    def reliability(self, dimension: int, *, level: float = 0.95) -> Reliability:
        """Alpha, omega, item-total statistics of ``dimension`` (whole sample)."""
        return reliability_from_cross_products(self.cross_products[dimension], level=level)

    def agreement(self, dimension: int, *, missing: Literal["listwise", "available"] = "listwise") -> GroupAgreement:
        """rwg(j) of ``dimension``'s items per group against the uniform null over the dimension's own options."""
        items = self.scale.items_of(dimension)
        m = self.item_counts.moments(complete=missing == "listwise")
        sub = ItemMoments(m.labels, m.n[:, items], m.mean[:, items], m.ss[:, items])
        return rwg_j_from_moments(sub, null_variance=self.scale.null_variance_of(dimension))

    def icc(self, dimension: int) -> IntraclassCorrelation:
        """ICC(1), ICC(2) of ``dimension``'s scale score across the groups."""
        return icc_from_moments(self.score_tables[dimension].moments())

    def compare(
        self, dimension: int, *, pairs: Sequence[tuple[int, int]] | None = None, level: float = 0.95
    ) -> tuple[TwoGroupComparison, ...]:
        """Two-group comparisons of ``dimension``'s scale score (all pairs of groups by default)."""
        return compare_groups(self.score_tables[dimension], pairs=pairs, level=level)


def _answer_codes(x: npt.NDArray[np.floating[Any]], scale: Scale) -> npt.NDArray[np.int8]:
    """Items x respondents int8 codes: 0 = not answered, 1..A = option; ``ValueError`` for answers off the scale.

    Works on blocks of rows so that the temporaries stay in cache; the transposed layout makes every item a
    contiguous vector for the grouped counts that follow.
    """
    a = scale.n_options
    n = x.shape[0]
    out = np.empty((x.shape[1], n), dtype=np.int8)
    step = 32768
    for start in range(0, n, step):  # blocks of rows (memory locality), not a loop over respondents
        t = x[start:start + step] - (scale.scale_min - 1)
        nan = np.isnan(t)
        if np.isinf(t).any():
            raise ValueError("answers contain infinite values")
        if not nan.all():
            lo, hi = np.nanmin(t), np.nanmax(t)
            if lo < 1 or hi > a:
                raise ValueError(f"answers must be whole numbers in {scale.scale_min}..{scale.scale_max} (or NaN)")
        t[nan] = 0
        c = t.astype(np.int8)
        if not np.array_equal(c, t):
            raise ValueError(f"answers must be whole numbers in {scale.scale_min}..{scale.scale_max} (or NaN)")
        out[:, start:start + step] = c.T
    return out


def _own_codes(block: npt.NDArray[np.int8], shift: int, a: int, scale: Scale, d: int) -> npt.NDArray[np.int8]:
    """A dimension's codes on its own range (0 = not answered, 1..A_d); ``ValueError`` for an answer outside it.
    The envelope codes are returned as they are when the dimension starts at the envelope's minimum and no code
    exceeds A_d."""
    if shift == 0 and (scale.uniform or int(block.max(initial=0)) <= a):
        return block
    own = np.where(block > 0, block.astype(np.int16) - shift, 0)
    answered = block > 0
    if (answered & ((own < 1) | (own > a))).any():
        lo, hi = int(scale.dimension_min[d]), int(scale.dimension_max[d])
        raise ValueError(f"answers to dimension {scale.dimensions[d]!r} must be whole numbers in {lo}..{hi} (or NaN)")
    return own.astype(np.int8)


def _exact_product(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32], rows: int) -> npt.NDArray[np.float64]:
    """``a @ b.T`` for small whole numbers, exactly: float32 products over blocks of columns small enough that
    every partial sum stays below 2**24, added up in float64."""
    out = np.zeros((a.shape[0], b.shape[0]))
    for start in range(0, a.shape[1], rows):
        out += (a[:, start:start + rows] @ b[:, start:start + rows].T).astype(np.float64)
    return out


def _keyed_and_answered(block: npt.NDArray[np.int8], reverse: npt.NDArray[np.bool_], a: int) -> npt.NDArray[np.float32]:
    """Rows 0..k-1: keyed answer minus the minimum (0 where missing); rows k..2k-1: answered flags (float32)."""
    k = block.shape[0]
    z = np.empty((2 * k, block.shape[1]), dtype=np.float32)
    np.not_equal(block, 0, out=z[k:])
    sign = np.where(reverse, -1.0, 1.0).astype(np.float32)[:, None]
    offset = np.where(reverse, float(a), -1.0).astype(np.float32)[:, None]
    np.multiply(block, sign, out=z[:k])
    z[:k] += offset
    z[:k] *= z[k:]
    return z


def _score_table(cell: IntArray, m: npt.NDArray[np.float32], s: npt.NDArray[np.float32], k: int, a: int, need: int,
                 g: int, scale_min: int) -> FrequencyTable:
    """Counts of distinct scale scores per group: each (answered m, keyed sum s) pair maps to the index of its value
    s/m + min among the distinct values (or to a spare column when m < need), then one bincount."""
    w = k * (a - 1) + 1
    ms, ss = np.divmod(np.arange((k + 1) * w), w)
    keep = (ms >= need) & (ss <= ms * (a - 1))
    values, where = np.unique(ss[keep] / ms[keep] + scale_min, return_inverse=True)
    v = values.shape[0]
    if g * (v + 1) > 50_000_000:
        raise ValueError(f"{g} groups x {v} distinct scale scores is too large a table; use coarser groups")
    lut = np.full(ms.shape[0], v, dtype=np.int64)
    lut[keep] = where.reshape(-1)
    code = lut[(m * w + s).astype(np.int64)]
    code += cell * (v + 1)
    table = np.bincount(code, minlength=g * (v + 1)).reshape(g, v + 1)[:, :v]
    return FrequencyTable(np.arange(g), values.astype(np.float64), table.astype(np.int64))


def _item_counts(block: npt.NDArray[np.int8], cell: IntArray, complete: npt.NDArray[np.bool_], a: int, g: int,
                 counts: IntArray, full: IntArray, items: IntArray) -> None:
    """Fill ``counts`` / ``full`` (group, item, option) for ``items``: one bincount per item over
    (group, option incl. "missing", answered-the-whole-dimension flag)."""
    base = cell * ((a + 1) * 2) + complete
    tmp = np.empty(block.shape[1], dtype=np.int64)
    for i, j in enumerate(items):  # a loop over the dimension's items, never over respondents or groups
        np.multiply(block[i], 2, out=tmp, casting="unsafe")
        tmp += base
        c = np.bincount(tmp, minlength=g * (a + 1) * 2).reshape(g, a + 1, 2)
        counts[:, j, :] = c[:, 1:, 0] + c[:, 1:, 1]
        full[:, j, :] = c[:, 1:, 1]


def summarize(answers: ArrayLike, *, scale: Scale, groups: ArrayLike, min_share: float = 0.5) -> SurveySummary:
    """Scale scores and every per-group summary in one pass per dimension.

    Parameters
    ----------
    answers : array_like, shape (N, J)
        Whole-number answers (float32 is used as is, saving memory); NaN = not answered.
    scale : Scale
    groups : array_like, shape (N,)
        Group label per respondent (use :func:`cross_groups` for several groupings).
    min_share : float
        Share of a dimension's items needed for a scale score (default half).

    Notes
    -----
    Answers become int8 codes once; per dimension, keyed answers and answered flags (float32, exact for whole
    numbers) give the scale scores and, by one exact matrix product, the pairwise cross-products; one
    ``np.bincount`` per item gives the answer counts per group, and one per dimension the score frequencies.
    """
    x = np.asarray(answers)
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    if x.ndim != 2 or x.shape[1] != scale.n_items:
        raise ValueError(f"answers must be respondents x {scale.n_items} items, got shape {x.shape}")
    if scale.n_options > 100:
        raise ValueError("summarize is for rating scales of up to 100 options; use the per-figure functions")
    n = x.shape[0]
    enc = encode_groups(groups, n)
    g, a = enc.n_groups, scale.n_options
    codes = _answer_codes(x, scale)
    n_items = np.bincount(scale.item_dimension, minlength=scale.n_dimensions).astype(np.int64)
    need = required_answers(n_items, min_share)
    scores = np.empty((scale.n_dimensions, n))  # filled row by row; exposed as its (N, D) transpose
    n_answered = np.empty((scale.n_dimensions, n), dtype=np.int16)
    counts = np.empty((g, scale.n_items, a), dtype=np.int64)
    complete = np.empty((g, scale.n_items, a), dtype=np.int64)
    rows = max(1, 2**24 // max(1, (a - 1) ** 2))
    tables, cps = [], []
    for d in range(scale.n_dimensions):  # a loop over dimensions (a handful), each fully vectorised
        idx = scale.items_of(d)
        k = idx.shape[0]
        block = codes[idx]
        a_d, shift = scale.options_of(d), int(scale.dimension_min[d]) - scale.scale_min
        own = _own_codes(block, shift, a_d, scale, d)
        z = _keyed_and_answered(own, scale.reverse[idx], a_d)
        keyed, answered = z[:k], z[k:]
        s = keyed.sum(axis=0)
        m = answered.sum(axis=0)
        ok = m >= need[d]
        np.divide(s, m, out=scores[d], where=ok, dtype=np.float64)
        scores[d] += scale.dimension_min[d]
        scores[d][~ok] = np.nan
        n_answered[d] = m
        t = _score_table(enc.codes, m, s, k, a_d, int(need[d]), g, int(scale.dimension_min[d]))
        tables.append(FrequencyTable(enc.labels, t.values, t.counts))
        _item_counts(block, enc.codes, m == k, a, g, counts, complete, idx)
        gram = _exact_product(z, z, rows)  # pairwise cross-products of keyed answers (whole sample), exact
        squares = _exact_product(keyed * keyed, answered, rows)
        cps.append(CrossProducts(gram[k:, k:], gram[:k, k:], squares, gram[:k, :k], int((m > 0).sum())))
    score_obj = ScaleScores(scale.dimensions, scores.T, n_answered.T, n_items, ~np.isnan(scores.T), float(min_share))
    items = ItemCounts(enc.labels, scale.scale_min, counts, complete)
    return SurveySummary(scale, enc.labels, score_obj, tuple(tables), items, tuple(cps))
