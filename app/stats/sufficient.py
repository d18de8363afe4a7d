"""Sufficient statistics per group: what a database can compute where the data lives.

Every per-group figure of this package is a function of one of these summaries, so the reporting layer can either
hand raw rows to the ``*.from_values`` / ``*.from_answers`` constructors or let the database aggregate:

* :class:`Moments` — ``count(x), sum(x - c), sum((x - c)^2) GROUP BY g``: n, mean, SD, CI of the mean, mean
  difference, Welch t, Hedges' g, one-way and Welch ANOVA, Games-Howell, ICC(1), ICC(2).
* :class:`FrequencyTable` — ``count(*) GROUP BY g, x`` (x a scale score, few distinct values): everything
  :class:`Moments` gives *and* the rank tests (Mann-Whitney U, Kruskal-Wallis), exactly.
* :class:`ItemCounts` — ``count(*) GROUP BY g, item, answer`` plus the same restricted to respondents who answered
  the item's whole dimension: answer distributions, favourable shares, rwg, rwg(j) (available-case or listwise).
* :class:`CrossProducts` — per item pair, over respondents answering both: ``count``, ``sum(x_i)``,
  ``sum(x_i^2)``, ``sum(x_i x_j)``: Cronbach's alpha, item-total r, alpha if deleted, omega total.

Rank tests need the raw rows or a :class:`FrequencyTable`; from :class:`Moments` alone they cannot be computed.
Answers and scale scores take few distinct values (a mean of k whole-number answers), so frequency tables stay
small (for k = 5 items on a 5-point scale at most 65 distinct scores) and replace sorting by counting.
Paired tests (current vs desired) need the per-respondent differences, i.e. the raw pairs or their frequency table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from app.stats._common import ArrayLike, FloatArray, IntArray, as_matrix, as_vector, encode_groups


def _group_codes(values: FloatArray, groups: ArrayLike | None) -> tuple[npt.NDArray[Any], IntArray]:
    if groups is None:
        return np.array([0]), np.zeros(values.shape[0], dtype=np.int64)
    enc = encode_groups(groups, values.shape[0])
    return enc.labels, enc.codes


def _regroup_rows(arr: npt.NDArray[Any], mapping: ArrayLike, n_new: int | None) -> tuple[npt.NDArray[Any], int]:
    """Sum the rows of ``arr`` into ``n_new`` groups: row i goes to ``mapping[i]`` (one sort, one reduceat)."""
    idx = np.asarray(mapping, dtype=np.int64)
    if idx.shape != (arr.shape[0],):
        raise ValueError(f"mapping needs one new group index per group ({arr.shape[0]}), got shape {idx.shape}")
    if idx.size and idx.min() < 0:
        raise ValueError("mapping must hold group indices >= 0")
    g = int(idx.max()) + 1 if n_new is None and idx.size else int(n_new or 0)
    if idx.size and idx.max() >= g:
        raise ValueError("mapping refers to more groups than labels were given")
    out = np.zeros((g, *arr.shape[1:]), dtype=arr.dtype)
    if idx.size:
        order = np.argsort(idx, kind="stable")
        sorted_idx = idx[order]
        starts = np.flatnonzero(np.r_[True, sorted_idx[1:] != sorted_idx[:-1]])
        out[sorted_idx[starts]] = np.add.reduceat(arr[order], starts, axis=0)
    return out, g


@dataclass(frozen=True, eq=False)
class Moments:
    """Count, mean and sum of squared deviations of one variable per group.

    ``ss`` is :math:`\\sum (x - \\bar x_g)^2`; the unbiased variance is ``ss / (n - 1)``. Means are NaN for empty
    groups; use the figures built from these moments, which say why.
    """

    labels: npt.NDArray[Any]
    n: FloatArray
    mean: FloatArray
    ss: FloatArray

    @classmethod
    def from_sums(
        cls, n: ArrayLike, total: ArrayLike, total_sq: ArrayLike, *, shift: float = 0.0, labels: ArrayLike | None = None
    ) -> Moments:
        """From database aggregates ``count(x)``, ``sum(x - shift)`` and ``sum((x - shift)^2)`` per group.

        Choose ``shift`` near the data (e.g. the scale's midpoint) to avoid cancellation in
        :math:`ss = \\sum (x-c)^2 - (\\sum (x-c))^2 / n`.
        """
        n_ = as_vector(n, "n")
        t = as_vector(total, "total")
        t2 = as_vector(total_sq, "total_sq")
        if not (n_.shape == t.shape == t2.shape):
            raise ValueError("n, total and total_sq must have the same length")
        if (n_ < 0).any() or (np.floor(n_) != n_).any():
            raise ValueError("n must hold whole numbers >= 0")
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_c = np.where(n_ > 0, t / n_, np.nan)
        ss = np.maximum(np.where(n_ > 0, t2 - t * np.nan_to_num(mean_c), 0.0), 0.0)
        lab = np.arange(n_.shape[0]) if labels is None else np.asarray(labels)
        return cls(lab, n_, mean_c + shift, ss)

    @classmethod
    def from_values(cls, values: ArrayLike, groups: ArrayLike | None = None) -> Moments:
        """Two-pass moments of ``values`` per group (NaN values are left out)."""
        x = as_vector(values, "values")
        labels, codes = _group_codes(x, groups)
        keep = ~np.isnan(x)
        x, codes = x[keep], codes[keep]
        g = labels.shape[0]
        n = np.bincount(codes, minlength=g).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.asarray(np.bincount(codes, weights=x, minlength=g), dtype=np.float64) / n
        dev = x - mean[codes]
        ss = np.asarray(np.bincount(codes, weights=dev * dev, minlength=g), dtype=np.float64)
        return cls(labels, n, mean, ss)

    @property
    def n_groups(self) -> int:
        return int(self.n.shape[0])

    @property
    def variance(self) -> FloatArray:
        """Unbiased variance per group; NaN where n < 2 (figures built on it give the reason)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.n >= 2, self.ss / (self.n - 1), np.nan)

    def select(self, index: ArrayLike) -> Moments:
        """The groups at ``index`` (integer positions or boolean mask)."""
        idx = np.asarray(index)
        return Moments(self.labels[idx], self.n[idx], self.mean[idx], self.ss[idx])

    def regroup(self, mapping: ArrayLike, *, labels: ArrayLike | None = None) -> Moments:
        """Merge groups: group i goes into new group ``mapping[i]`` (Chan, Golub & LeVeque 1979 update)."""
        n, g = _regroup_rows(self.n, mapping, None if labels is None else np.asarray(labels).shape[0])
        idx = np.asarray(mapping, dtype=np.int64)
        wsum, _ = _regroup_rows(np.where(self.n > 0, self.n * self.mean, 0.0), idx, g)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, wsum / n, np.nan)
        dev = np.where(self.n > 0, self.mean - mean[idx], 0.0)
        ss, _ = _regroup_rows(self.ss + self.n * dev * dev, idx, g)
        lab = np.arange(g) if labels is None else np.asarray(labels)
        return Moments(lab, n, mean, ss)

    def total(self) -> Moments:
        """All groups merged into one."""
        return self.regroup(np.zeros(self.n_groups, dtype=np.int64), labels=np.array(["all"]))


@dataclass(frozen=True, eq=False)
class FrequencyTable:
    """How often each distinct value occurs in each group: ``counts[g, v]`` for sorted ``values[v]``."""

    labels: npt.NDArray[Any]
    values: FloatArray
    counts: IntArray

    @classmethod
    def from_values(cls, values: ArrayLike, groups: ArrayLike | None = None) -> FrequencyTable:
        """Count the distinct non-NaN values per group (one sort of the values)."""
        x = as_vector(values, "values")
        labels, codes = _group_codes(x, groups)
        keep = ~np.isnan(x)
        uniq, inv = np.unique(x[keep], return_inverse=True)
        v = uniq.shape[0]
        if labels.shape[0] * v > 50_000_000:
            raise ValueError("too many groups x distinct values for a frequency table; use Moments for such data")
        counts = np.bincount(codes[keep] * v + inv.reshape(-1), minlength=labels.shape[0] * v)
        return cls(labels, uniq.astype(np.float64), counts.reshape(labels.shape[0], v).astype(np.int64))

    @classmethod
    def from_samples(cls, samples: Sequence[ArrayLike]) -> FrequencyTable:
        """One group per sample (labels 0..k-1), NaN values left out; empty samples give rows of zeros."""
        arrays = [as_vector(s, f"samples[{i}]") for i, s in enumerate(samples)]
        arrays = [a[~np.isnan(a)] for a in arrays]
        uniq = np.unique(np.concatenate(arrays)) if arrays else np.zeros(0)
        counts = np.zeros((len(arrays), uniq.shape[0]), dtype=np.int64)
        for i, a in enumerate(arrays):  # one row per sample
            counts[i] = np.bincount(np.searchsorted(uniq, a), minlength=uniq.shape[0])
        return cls(np.arange(len(arrays)), uniq.astype(np.float64), counts)

    @property
    def n_groups(self) -> int:
        return int(self.counts.shape[0])

    def moments(self) -> Moments:
        """Exact per-group moments from the counts (two-pass over the distinct values)."""
        c = self.counts.astype(np.float64)
        n = c.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (c @ self.values) / n
        dev = self.values[None, :] - np.nan_to_num(mean)[:, None]
        ss = np.einsum("gv,gv->g", c, dev * dev)
        return Moments(self.labels, n, mean, ss)

    def select(self, index: ArrayLike) -> FrequencyTable:
        idx = np.asarray(index)
        return FrequencyTable(self.labels[idx], self.values, self.counts[idx])

    def regroup(self, mapping: ArrayLike, *, labels: ArrayLike | None = None) -> FrequencyTable:
        """Merge groups: group i goes into new group ``mapping[i]``."""
        counts, g = _regroup_rows(self.counts, mapping, None if labels is None else np.asarray(labels).shape[0])
        lab = np.arange(g) if labels is None else np.asarray(labels)
        return FrequencyTable(lab, self.values, counts)


@dataclass(frozen=True, eq=False)
class ItemMoments:
    """Count, mean and sum of squared deviations per group and item, arrays of shape (G, J)."""

    labels: npt.NDArray[Any]
    n: FloatArray
    mean: FloatArray
    ss: FloatArray


@dataclass(frozen=True, eq=False)
class ItemCounts:
    """Answer counts per group, item and option: ``counts[g, j, a]`` answers ``scale_min + a`` to item j.

    ``complete_counts`` counts only respondents who answered every item of item j's dimension (listwise
    deletion, as ``multilevel::rwg.j`` does); it is None when not collected.
    """

    labels: npt.NDArray[Any]
    scale_min: int
    counts: IntArray
    complete_counts: IntArray | None = None

    @classmethod
    def from_answers(
        cls,
        answers: ArrayLike,
        groups: ArrayLike | None = None,
        *,
        scale_min: int,
        scale_max: int,
        item_dimension: ArrayLike | None = None,
    ) -> ItemCounts:
        """Count raw (not reverse-keyed) answers; ``item_dimension`` (one index per item) adds ``complete_counts``."""
        x = as_matrix(answers, "answers")
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(x) & ((x < scale_min) | (x > scale_max) | (np.floor(x) != x))
        if bad.any():
            raise ValueError(f"answers must be whole numbers in {scale_min}..{scale_max} (or NaN for missing)")
        labels, codes = _group_codes(x[:, 0] if x.shape[1] else np.zeros(x.shape[0]), groups)
        a = scale_max - scale_min + 1
        answered = ~np.isnan(x)
        complete = None
        if item_dimension is not None:
            dims = np.asarray(item_dimension, dtype=np.int64)
            if dims.shape != (x.shape[1],):
                raise ValueError("item_dimension needs one dimension index per item")
            per_dim = np.stack([answered[:, dims == d].all(axis=1) for d in range(int(dims.max()) + 1)], axis=1)
            complete = per_dim[:, dims]
        return cls._count(x, answered, codes, labels, scale_min, a, complete)

    @classmethod
    def _count(
        cls,
        x: npt.NDArray[np.floating],
        answered: npt.NDArray[np.bool_],
        codes: IntArray,
        labels: npt.NDArray[Any],
        scale_min: int,
        a: int,
        complete: npt.NDArray[np.bool_] | None,
    ) -> ItemCounts:
        g, j = labels.shape[0], x.shape[1]
        width = 2 * a if complete is not None else a
        counts = np.empty((g, j, a), dtype=np.int64)
        full = np.empty((g, j, a), dtype=np.int64) if complete is not None else None
        base = codes * width
        for item in range(j):  # a loop over items (30), never over respondents or groups
            ok = answered[:, item]
            idx = base + np.where(ok, x[:, item] - scale_min, 0).astype(np.int64) * (2 if full is not None else 1)
            if complete is not None:
                idx += complete[:, item]
            c = np.bincount(idx[ok], minlength=g * width).reshape(g, width)
            if full is not None:
                c2 = c.reshape(g, a, 2)
                counts[:, item, :] = c2.sum(axis=2)
                full[:, item, :] = c2[:, :, 1]
            else:
                counts[:, item, :] = c
        return cls(labels, scale_min, counts, full)

    @property
    def n_options(self) -> int:
        return int(self.counts.shape[2])

    def moments(self, *, complete: bool = False) -> ItemMoments:
        """n, mean and ss per group and item; ``complete=True`` uses ``complete_counts`` (listwise)."""
        c = self.counts if not complete else self.complete_counts
        if c is None:
            raise ValueError("these ItemCounts were built without complete_counts (pass item_dimension)")
        cf = c.astype(np.float64)
        vals = self.scale_min + np.arange(self.n_options, dtype=np.float64)
        n = cf.sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (cf @ vals) / n
        dev = vals[None, None, :] - np.nan_to_num(mean)[:, :, None]
        return ItemMoments(self.labels, n, mean, np.einsum("gja,gja->gj", cf, dev * dev))

    def regroup(self, mapping: ArrayLike, *, labels: ArrayLike | None = None) -> ItemCounts:
        """Merge groups: group i goes into new group ``mapping[i]``."""
        n_new = None if labels is None else np.asarray(labels).shape[0]
        counts, g = _regroup_rows(self.counts, mapping, n_new)
        full = None if self.complete_counts is None else _regroup_rows(self.complete_counts, mapping, g)[0]
        lab = np.arange(g) if labels is None else np.asarray(labels)
        return ItemCounts(lab, self.scale_min, counts, full)


@dataclass(frozen=True, eq=False)
class CrossProducts:
    """Pairwise-complete sums of a set of k items, enough for the pairwise covariance matrix.

    For items i, j over the respondents who answered both: ``n[i, j]`` respondents, ``sums[i, j]`` =
    :math:`\\sum x_i`, ``squares[i, j]`` = :math:`\\sum x_i^2` and ``products[i, j]`` = :math:`\\sum x_i x_j`
    (the data may be shifted by a constant per item first; nothing here depends on it).
    ``n_respondents`` counts respondents who answered at least one of the items.
    """

    n: FloatArray
    sums: FloatArray
    squares: FloatArray
    products: FloatArray
    n_respondents: int

    @classmethod
    def from_items(cls, items: ArrayLike) -> CrossProducts:
        """Accumulate the sums from a respondents x items matrix (NaN = missing), three matrix products."""
        x = as_matrix(items, "items")
        answered = ~np.isnan(x)
        keep = answered.any(axis=1)
        if not keep.all():
            x, answered = x[keep], answered[keep]
        count = answered.sum(axis=0)
        centre = np.where(answered, x, 0.0).sum(axis=0) / np.maximum(count, 1)  # per-item shift (mean) for accuracy
        x0 = np.where(answered, x - centre, 0.0)
        m = answered.astype(np.float64)
        return cls(m.T @ m, x0.T @ m, (x0 * x0).T @ m, x0.T @ x0, int(keep.sum()))

    @property
    def n_items(self) -> int:
        return int(self.n.shape[0])

    def covariance(self) -> FloatArray:
        """Pairwise-complete covariance (as R's ``cov(x, use = "pairwise")``); NaN where a pair has n < 2.

        .. math:: c_{ij} = \\frac{\\sum x_i x_j - \\sum x_i \\sum x_j / n_{ij}}{n_{ij} - 1}
        """
        with np.errstate(invalid="ignore", divide="ignore"):
            c = (self.products - self.sums * self.sums.T / self.n) / (self.n - 1)
        return np.where(self.n >= 2, c, np.nan)

    def correlation(self) -> FloatArray:
        """Pairwise-complete Pearson correlations (as R's ``cor(x, use = "pairwise")``): each pair's means and
        SDs come from the respondents who answered both; NaN where a pair has n < 2 or no variance."""
        with np.errstate(invalid="ignore", divide="ignore"):
            sxy = self.products - self.sums * self.sums.T / self.n
            sxx = self.squares - self.sums**2 / self.n
            r = sxy / np.sqrt(sxx * sxx.T)
        r = np.where((self.n >= 2) & (sxx > 0) & (sxx.T > 0), r, np.nan)
        np.fill_diagonal(r, np.where(np.diag(self.n) >= 2, 1.0, np.nan))
        return r
