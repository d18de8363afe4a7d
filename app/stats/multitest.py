"""Multiple comparisons: Holm and Benjamini-Hochberg adjusted p-values across a family of tests.

A report makes many tests (every layer pair, every dimension, ...); adjust them together, as one family. Missing
p-values (None or NaN: tests that could not be computed) are not part of the family — they stay missing and do
not count in m, as R's ``p.adjust`` does with ``NA``.

For the m present p-values sorted ascending, :math:`p_{(1)} \\le \\dots \\le p_{(m)}`:

* Holm (1979), controls the family-wise error rate:
  :math:`\\tilde p_{(i)} = \\max_{j \\le i} \\min(1, (m - j + 1)\\, p_{(j)})`;
* Benjamini & Hochberg (1995), controls the false discovery rate:
  :math:`\\tilde p_{(i)} = \\min_{j \\ge i} \\min(1, \\tfrac{m}{j}\\, p_{(j)})`.

Both equal R's ``p.adjust(p, method = "holm")`` / ``"BH"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from app.stats._common import FloatArray, MissingReason


@dataclass(frozen=True)
class AdjustedPValues:
    """Adjusted p-values in the input order; ``reasons[i]`` is ``all_missing`` where the input was missing."""

    method: str
    pvalues: tuple[float | None, ...]
    adjusted: tuple[float | None, ...]
    n_tests: int
    reasons: tuple[MissingReason | None, ...]


def _as_array(pvalues: Sequence[float | None] | FloatArray) -> FloatArray:
    p = np.array([np.nan if v is None else v for v in pvalues], dtype=np.float64).reshape(-1)
    ok = ~np.isnan(p)
    if np.any((p[ok] < 0) | (p[ok] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    return p


def _adjust(p: FloatArray, method: str) -> FloatArray:
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = ok.shape[0]
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    ps = p[order]
    rank = np.arange(1, m + 1, dtype=np.float64)
    if method == "holm":
        adj = np.minimum(1.0, np.maximum.accumulate((m - rank + 1) * ps))
    elif method == "bh":
        adj = np.minimum(1.0, np.minimum.accumulate((m / rank * ps)[::-1])[::-1])
    else:
        raise ValueError(f"method must be 'holm' or 'bh', got {method!r}")
    out[order] = adj
    return out


def adjust_pvalues(
    pvalues: Sequence[float | None] | FloatArray, *, method: Literal["holm", "bh"]
) -> AdjustedPValues:
    """Adjust a family of p-values by Holm or Benjamini-Hochberg (see the module docstring).

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, None, 0.03], method="holm").adjusted
    (0.03, 0.06, None, 0.06)
    """
    p = _as_array(pvalues)
    adj = _adjust(p, method)
    missing = np.isnan(p)
    return AdjustedPValues(
        method,
        tuple(None if mi else float(v) for mi, v in zip(missing.tolist(), p.tolist(), strict=True)),
        tuple(None if mi else float(v) for mi, v in zip(missing.tolist(), adj.tolist(), strict=True)),
        int((~missing).sum()),
        tuple(MissingReason.ALL_MISSING if mi else None for mi in missing.tolist()),
    )


def holm(pvalues: Sequence[float | None] | FloatArray) -> AdjustedPValues:
    """Holm's step-down adjustment (family-wise error rate)."""
    return adjust_pvalues(pvalues, method="holm")


def benjamini_hochberg(pvalues: Sequence[float | None] | FloatArray) -> AdjustedPValues:
    """Benjamini-Hochberg step-up adjustment (false discovery rate)."""
    return adjust_pvalues(pvalues, method="bh")
