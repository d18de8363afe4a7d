"""Shared types and input checks of :mod:`app.stats`.

A figure that cannot be computed is never a silent NaN: scalar results carry ``None`` together with a
:class:`MissingReason`; per-group tables carry NaN in their arrays together with a tuple of reasons, one per group,
that is ``None`` exactly where every figure of that group is present.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ArrayLike = npt.ArrayLike


class MissingReason(StrEnum):
    """Why a figure is missing. The values are stable strings, safe to send to clients."""

    ALL_MISSING = "all_missing"
    """No answer at all (an empty group, an item nobody answered)."""
    N_BELOW_2 = "n_below_2"
    """Fewer than two observations where a variance is needed (or no within-group degrees of freedom)."""
    ZERO_VARIANCE = "zero_variance"
    """Every observation is equal, so a ratio with the variance in its denominator is undefined."""
    ONE_GROUP = "one_group"
    """A comparison of groups was asked for, but fewer than two groups have data."""
    TOO_FEW_ITEMS = "too_few_items"
    """Fewer items than the figure needs (alpha needs two, alpha-if-deleted three)."""
    TOO_FEW_ANSWERED = "too_few_answered"
    """The respondent answered fewer than the required share of the dimension's items."""
    NO_NONZERO_DIFFERENCE = "no_nonzero_difference"
    """Every paired difference is zero; the signed-rank test has nothing to rank."""
    NEEDS_RAW_DATA = "needs_raw_data"
    """A rank test was asked for from moments (sums) alone; it needs the values or their frequency table."""
    NOT_ESTIMABLE = "not_estimable"
    """The model behind the figure could not be fitted (e.g. a one-factor model without positive loadings)."""
    TOO_FEW_CLUSTERS = "too_few_clusters"
    """Fewer clusters (teams) than a model with a random effect per cluster needs."""
    GROUP_TOO_SMALL = "group_too_small"
    """Fewer than two groups have enough respondents (with every item answered) for the model."""


@dataclass(frozen=True)
class ConfidenceInterval:
    """A two-sided confidence interval ``[low, high]`` at confidence ``level`` (e.g. 0.95)."""

    low: float
    high: float
    level: float


def check_level(level: float) -> float:
    """Return ``level`` as a float after checking ``0 < level < 1``."""
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level}")
    return level


def as_vector(x: ArrayLike, name: str) -> FloatArray:
    """A 1-D float64 copy-free view of ``x`` (NaN = missing); ``ValueError`` if not 1-D or infinite."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values")
    return arr


def as_matrix(x: ArrayLike, name: str) -> FloatArray:
    """A 2-D float64 array (rows = respondents, columns = items; NaN = missing)."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be two-dimensional (respondents x items), got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values")
    return arr


@dataclass(frozen=True, eq=False)
class GroupCodes:
    """Group labels turned into integer codes: ``labels[codes[i]]`` is respondent i's group."""

    labels: npt.NDArray[Any]
    codes: IntArray

    @property
    def n_groups(self) -> int:
        return int(self.labels.shape[0])


def encode_groups(groups: ArrayLike, n: int, name: str = "groups") -> GroupCodes:
    """Encode arbitrary group labels (ints, strings, ...) as codes ``0..G-1`` in sorted label order.

    Raises ``ValueError`` when the length differs from ``n`` or a label is missing (None/NaN): drop respondents
    without a group before calling, so that no one is silently left out.
    """
    arr = np.asarray(groups)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"{name} must be one label per respondent ({n}), got shape {arr.shape}")
    if arr.dtype == object and any(v is None for v in arr.tolist()):
        raise ValueError(f"{name} contains missing labels (None)")
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise ValueError(f"{name} contains missing labels (NaN)")
    if arr.dtype.kind in "iu" and n > 0 and arr.min() >= 0 and arr.max() < 4 * n + 1024:
        # Fast path for integer codes: no sort, only a bincount.
        present = np.bincount(arr, minlength=int(arr.max()) + 1) > 0
        remap = np.cumsum(present) - 1
        return GroupCodes(labels=np.flatnonzero(present), codes=remap[arr].astype(np.int64))
    labels, codes = np.unique(arr, return_inverse=True)
    return GroupCodes(labels=labels, codes=codes.astype(np.int64).reshape(-1))


def py_label(label: Any) -> Any:
    """A group label as a plain Python value (numpy scalars become int/float/str), safe to serialise."""
    return label.item() if isinstance(label, np.generic) else label


REASON_ORDER: tuple[MissingReason | None, ...] = (None, *MissingReason)
"""Index ``i`` of this tuple is the reason with int code ``i`` (0 = no reason); used for vectorised bookkeeping."""


def code_of(reason: MissingReason) -> int:
    """The int code of ``reason`` in :data:`REASON_ORDER`."""
    return REASON_ORDER.index(reason)


def reasons_tuple(codes: npt.NDArray[np.int8]) -> tuple[MissingReason | None, ...]:
    """Turn an array of reason codes (see :data:`REASON_ORDER`) into a tuple of reasons."""
    return tuple(REASON_ORDER[i] for i in codes.tolist())


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval; ``value`` is None exactly when ``reason`` is set."""

    value: float | None
    ci: ConfidenceInterval | None
    reason: MissingReason | None = None

    def confidence_interval(self) -> ConfidenceInterval | None:
        """The interval (None when the estimate or its interval is missing), as scipy's results offer it."""
        return self.ci


@dataclass(frozen=True)
class SignificanceTest:
    """A test statistic with its (two-sided) p-value and, for t/chi² tests, degrees of freedom.

    ``statistic`` and ``pvalue`` are None exactly when ``reason`` is set.
    """

    statistic: float | None
    pvalue: float | None
    df: float | None = None
    reason: MissingReason | None = None


def missing_estimate(reason: MissingReason) -> Estimate:
    return Estimate(None, None, reason)


def missing_test(reason: MissingReason) -> SignificanceTest:
    return SignificanceTest(None, None, None, reason)
