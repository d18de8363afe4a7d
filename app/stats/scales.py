"""The answer scale, reverse keying and scale scores.

A questionnaire has J items, each belonging to one of D dimensions, answered on an integer scale
``min..max`` (A = max - min + 1 options). Every dimension may have its own range (a research instrument with a 1-5
and a 0-4 part); all items of one dimension share it. Reverse-keyed items are turned around on their own
dimension's range before anything is averaged:

.. math:: x' = \\min_d + \\max_d - x

The scale score of respondent i on dimension d is the mean of the keyed answers the respondent gave to the d's
items; it is missing when fewer than ``min_share`` of the dimension's items were answered (default: half).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.stats._common import ArrayLike, BoolArray, FloatArray, IntArray, MissingReason, as_matrix


@dataclass(frozen=True, eq=False)
class Scale:
    """Item → dimension map, reverse keys and the answer range of every dimension.

    Build it with :meth:`Scale.from_items`. Dimensions are numbered in order of first appearance.

    Attributes
    ----------
    dimensions : tuple of str
        Dimension names, D of them.
    item_dimension : ndarray of int, shape (J,)
        Dimension index of each item.
    reverse : ndarray of bool, shape (J,)
        True where the item is reverse keyed.
    dimension_min, dimension_max : ndarray of int, shape (D,)
        Lowest and highest answer option of each dimension.
    """

    dimensions: tuple[str, ...]
    item_dimension: IntArray
    reverse: BoolArray
    dimension_min: IntArray
    dimension_max: IntArray

    @classmethod
    def from_items(
        cls,
        item_dimensions: Sequence[object],
        *,
        scale_min: int,
        scale_max: int,
        reverse: Sequence[bool] | None = None,
        ranges: Mapping[str, tuple[int, int]] | None = None,
    ) -> Scale:
        """Create a scale from one dimension label per item.

        ``scale_min..scale_max`` is every dimension's range unless ``ranges`` gives a dimension (by its label)
        its own ``(min, max)``.

        Raises
        ------
        ValueError
            If a range has fewer than two options or is not integer, ``ranges`` names an unknown dimension, or
            ``reverse`` has the wrong length.
        """
        labels = [str(v) for v in item_dimensions]
        if not labels:
            raise ValueError("a scale needs at least one item")
        names = tuple(dict.fromkeys(labels))
        own = dict(ranges or {})
        unknown = set(own) - set(names)
        if unknown:
            raise ValueError(f"ranges name dimensions that have no items: {sorted(unknown)}")
        bounds = [_check_range(*own.get(name, (scale_min, scale_max))) for name in names]
        index = {name: i for i, name in enumerate(names)}
        item_dimension = np.array([index[v] for v in labels], dtype=np.int64)
        rev = np.zeros(len(labels), dtype=bool) if reverse is None else np.asarray(reverse, dtype=bool)
        if rev.shape != (len(labels),):
            raise ValueError(f"reverse must have one flag per item ({len(labels)}), got shape {rev.shape}")
        return cls(names, item_dimension, rev, np.array([b[0] for b in bounds], dtype=np.int64),
                   np.array([b[1] for b in bounds], dtype=np.int64))

    @property
    def n_items(self) -> int:
        return int(self.item_dimension.shape[0])

    @property
    def n_dimensions(self) -> int:
        return len(self.dimensions)

    @property
    def uniform(self) -> bool:
        """True when every dimension has the same range (then dimensions compare on the raw metric)."""
        return bool((self.dimension_min == self.dimension_min[0]).all()
                    and (self.dimension_max == self.dimension_max[0]).all())

    @property
    def scale_min(self) -> int:
        """Lowest option of any dimension (the common range's minimum when :attr:`uniform`)."""
        return int(self.dimension_min.min())

    @property
    def scale_max(self) -> int:
        """Highest option of any dimension (the common range's maximum when :attr:`uniform`)."""
        return int(self.dimension_max.max())

    @property
    def n_options(self) -> int:
        """Options of the envelope ``scale_min..scale_max``; A of every dimension when :attr:`uniform`."""
        return self.scale_max - self.scale_min + 1

    @property
    def item_min(self) -> IntArray:
        """Lowest option of each item (its dimension's), shape (J,)."""
        return np.asarray(self.dimension_min[self.item_dimension], dtype=np.int64)

    @property
    def item_max(self) -> IntArray:
        """Highest option of each item (its dimension's), shape (J,)."""
        return np.asarray(self.dimension_max[self.item_dimension], dtype=np.int64)

    def options_of(self, dimension: int) -> int:
        """A_d, the number of answer options of dimension number ``dimension``."""
        return int(self.dimension_max[dimension] - self.dimension_min[dimension] + 1)

    def null_variance_of(self, dimension: int) -> float:
        """Variance of the uniform ("no agreement") distribution over the dimension's A_d options: (A_d² - 1) / 12
        (James, Demaree & Wolf 1984; ``multilevel::rwg.j``'s ``ranvar``)."""
        a = self.options_of(dimension)
        return (a**2 - 1) / 12.0

    @property
    def null_variance(self) -> float:
        """(A² - 1) / 12 of a uniform scale; ``ValueError`` when the dimensions' ranges differ (use
        :meth:`null_variance_of`)."""
        if not self.uniform:
            raise ValueError("the dimensions have different ranges: use null_variance_of(dimension)")
        return self.null_variance_of(0)

    def pomp(self, values: ArrayLike, dimension: int) -> FloatArray:
        """Percent of maximum possible, as a share: :math:`(x - \\min_d) / (\\max_d - \\min_d)`, 0..1 on every
        range (Cohen, Cohen, Aiken & West 1999). Differences of means scale by the same factor."""
        lo, hi = float(self.dimension_min[dimension]), float(self.dimension_max[dimension])
        return (np.asarray(values, dtype=np.float64) - lo) / (hi - lo)

    def items_of(self, dimension: int) -> IntArray:
        """Column indices of the items of dimension number ``dimension``."""
        return np.flatnonzero(self.item_dimension == dimension).astype(np.int64)

    def check_answers(self, answers: ArrayLike) -> FloatArray:
        """Return answers as a float array after checking shape, integrality and each item's range (NaN = missing)."""
        x = as_matrix(answers, "answers")
        if x.shape[1] != self.n_items:
            raise ValueError(f"answers have {x.shape[1]} columns, the scale has {self.n_items} items")
        if self.uniform:
            _check_values(x, self.scale_min, self.scale_max)
        else:
            for d in range(self.n_dimensions):  # a loop over dimensions (a handful)
                _check_values(x[:, self.items_of(d)], int(self.dimension_min[d]), int(self.dimension_max[d]))
        return x

    def reverse_key(self, answers: ArrayLike) -> FloatArray:
        """Reverse-key the reverse-keyed columns of a respondents x items matrix on each item's own range."""
        return reverse_key(answers, reverse=self.reverse, scale_min=self.item_min, scale_max=self.item_max)


def _check_range(lo: float, hi: float) -> tuple[int, int]:
    if int(lo) != lo or int(hi) != hi:
        raise ValueError("scale_min and scale_max must be integers")
    if hi <= lo:
        raise ValueError(f"need scale_max > scale_min, got {lo}..{hi}")
    return int(lo), int(hi)


def _check_values(x: npt.NDArray[np.floating], lo: int, hi: int) -> None:
    with np.errstate(invalid="ignore"):
        bad = (x < lo) | (x > hi) | (np.floor(x) != x)
    bad &= ~np.isnan(x)
    if bad.any():
        raise ValueError(f"answers must be whole numbers in {lo}..{hi} (or NaN for missing)")


def reverse_key(answers: ArrayLike, *, reverse: ArrayLike, scale_min: ArrayLike, scale_max: ArrayLike
                ) -> FloatArray:
    """Reverse-key the flagged columns: :math:`x' = \\min + \\max - x`; NaN stays NaN.

    Applying it twice returns the input. ``reverse`` is a boolean flag per column (or a scalar for a vector);
    ``scale_min`` and ``scale_max`` are scalars or one bound per column (each item's own range).
    """
    x = np.asarray(answers, dtype=np.float64)
    flags = np.asarray(reverse, dtype=bool)
    if flags.ndim > 1 or (flags.ndim == 1 and (x.ndim == 0 or flags.shape[0] != x.shape[-1])):
        raise ValueError("reverse must hold one flag per column of answers")
    total = np.asarray(scale_min, dtype=np.float64) + np.asarray(scale_max, dtype=np.float64)
    return np.where(flags, total - x, x)


@dataclass(frozen=True, eq=False)
class ScaleScores:
    """Scale scores of every respondent on every dimension.

    Attributes
    ----------
    dimensions : tuple of str
    scores : ndarray, shape (N, D)
        Mean keyed answer; NaN exactly where ``valid`` is False.
    n_answered : ndarray of int, shape (N, D)
        Items of the dimension the respondent answered.
    n_items : ndarray of int, shape (D,)
    valid : ndarray of bool, shape (N, D)
        ``n_answered >= min_share * n_items`` (and at least one answer).
    min_share : float
    """

    dimensions: tuple[str, ...]
    scores: FloatArray
    n_answered: npt.NDArray[np.int16]
    n_items: IntArray
    valid: BoolArray
    min_share: float

    def reason(self, respondent: int, dimension: int) -> MissingReason | None:
        """Why ``scores[respondent, dimension]`` is missing, or None when it is present."""
        if self.valid[respondent, dimension]:
            return None
        if self.n_answered[respondent, dimension] == 0:
            return MissingReason.ALL_MISSING
        return MissingReason.TOO_FEW_ANSWERED


def required_answers(n_items: IntArray, min_share: float) -> IntArray:
    """Smallest number of answered items that makes a scale score: ``max(1, ceil(min_share * k))``."""
    if not 0.0 <= min_share <= 1.0:
        raise ValueError(f"min_share must be within [0, 1], got {min_share}")
    need = np.ceil(min_share * n_items - 1e-9).astype(np.int64)
    return np.asarray(np.maximum(need, 1), dtype=np.int64)


def _keyed_sums(x: FloatArray, scale: Scale) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Per respondent and dimension: sum of keyed answers minus the dimension's minimum and count of answers (internal).

    Both come from one matrix product each with the J x D item indicator; float32 is exact here because the sums
    are whole numbers far below 2**24.
    """
    answered = ~np.isnan(x)
    sign = np.where(scale.reverse, -1.0, 1.0)
    offset = np.where(scale.reverse, scale.item_max, -scale.item_min).astype(np.float64)
    keyed = np.where(answered, x * sign + offset, 0.0).astype(np.float32)
    indicator = np.zeros((scale.n_items, scale.n_dimensions), dtype=np.float32)
    indicator[np.arange(scale.n_items), scale.item_dimension] = 1.0
    return keyed @ indicator, answered.astype(np.float32) @ indicator


def scale_scores(answers: ArrayLike, *, scale: Scale, min_share: float = 0.5) -> ScaleScores:
    """Scale score (mean keyed answer) per respondent and dimension.

    .. math:: s_{id} = \\frac{1}{m_{id}} \\sum_{j \\in d, x_{ij} \\text{ answered}} x'_{ij}

    where :math:`m_{id}` is the number of the d's items respondent i answered. The score is missing (NaN, with
    ``valid`` False) when :math:`m_{id} < \\max(1, \\lceil \\text{min\\_share} \\cdot k_d \\rceil)`.

    Parameters
    ----------
    answers : array_like, shape (N, J)
        Whole-number answers, each in its dimension's range; NaN = not answered.
    scale : Scale
    min_share : float, optional
        Share of a dimension's items that must be answered, default 0.5 ("at least half").

    Raises
    ------
    ValueError
        On a wrong shape, an answer outside the scale, or ``min_share`` outside [0, 1].
    """
    x = scale.check_answers(answers)
    sums, counts = _keyed_sums(x, scale)
    return _scores_from_sums(sums, counts, scale, min_share)


def _scores_from_sums(
    sums: npt.NDArray[np.float32], counts: npt.NDArray[np.float32], scale: Scale, min_share: float
) -> ScaleScores:
    n_items = np.bincount(scale.item_dimension, minlength=scale.n_dimensions).astype(np.int64)
    need = required_answers(n_items, min_share)
    n_answered = counts.astype(np.int16)
    valid = n_answered >= need
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(valid, sums.astype(np.float64) / counts + scale.dimension_min, np.nan)
    return ScaleScores(scale.dimensions, scores, n_answered, n_items, valid, float(min_share))
