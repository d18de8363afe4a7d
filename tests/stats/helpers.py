"""Helpers for the statistics tests: the real survey data sets and R's reference values (tests/stats/reference).

The reference files were written by ``reference/make_reference.R``; R is not needed to run the tests.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from app.stats import Scale

REFERENCE = Path(__file__).parent / "reference"

# bfi item keys (psych's bfi.keys); "-" marks reverse-keyed items
BFI_KEYS = {
    "agree": ["-A1", "A2", "A3", "A4", "A5"],
    "conscientious": ["C1", "C2", "C3", "-C4", "-C5"],
    "extraversion": ["-E1", "-E2", "E3", "E4", "E5"],
    "neuroticism": ["N1", "N2", "N3", "N4", "N5"],
    "openness": ["O1", "-O2", "O3", "O4", "-O5"],
}


@cache
def load_csv(name: str) -> dict[str, np.ndarray]:
    """Columns of ``reference/<name>.csv.gz`` as float arrays (empty field = NaN)."""
    data: Any = np.genfromtxt(REFERENCE / f"{name}.csv.gz", delimiter=",", names=True, dtype=np.float64)
    return {n: np.asarray(data[n]) for n in data.dtype.names or ()}


@cache
def load_ref(name: str) -> dict[str, Any]:
    with open(REFERENCE / f"{name}.json", encoding="utf-8") as f:
        out: dict[str, Any] = json.load(f)
    return out


def value(entry: Any) -> Any:
    """The value of a ``{"call": ..., "value": ...}`` reference entry (or the entry itself)."""
    return entry["value"] if isinstance(entry, dict) and "value" in entry else entry


def bfi_items() -> np.ndarray:
    d = load_csv("bfi")
    return np.column_stack([d[k.lstrip("-")] for keys in BFI_KEYS.values() for k in keys])


def bfi_scale() -> Scale:
    dims = [d for d, keys in BFI_KEYS.items() for _ in keys]
    rev = [k.startswith("-") for keys in BFI_KEYS.values() for k in keys]
    return Scale.from_items(dims, scale_min=1, scale_max=6, reverse=rev)


def close(actual: Any, expected: Any, rel: float = 1e-6, abs_: float = 1e-12) -> None:
    """Assert agreement to ``rel`` relative (plus a tiny absolute floor for values at 0)."""
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=rel,
                               atol=abs_)
