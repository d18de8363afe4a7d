"""Shared response pieces of every report: numbers that may be missing, intervals, p-values, group references."""

import math
import uuid
from typing import Literal

from pydantic import BaseModel, Field


def num(x: float | None) -> float | None:
    """A figure for JSON: NaN and infinities (a statistic that doesn't exist) become null."""
    if x is None:
        return None
    value = float(x)
    return value if math.isfinite(value) else None


class Interval(BaseModel):
    low: float | None
    high: float | None
    level: float = Field(default=0.95, description="Coverage of the interval")


class PValue(BaseModel):
    p: float | None = Field(description="Unadjusted two-sided p-value")
    p_adjusted: float | None = Field(description="p-value adjusted for the family of tests this report makes")
    correction: Literal["holm", "benjamini_hochberg", "none"]
    family_size: int = Field(description="Number of tests in the family the correction was applied over")


class GroupRef(BaseModel):
    """A group of respondents. `n` is null and `suppressed` true when showing it could identify people: its
    figures are then left out (null) — a suppressed group is never shown as zero."""

    unit_id: uuid.UUID | None = Field(description="null: the whole organisation")
    unit_name: str
    unit_path: list[str]
    layer_key: str | None = Field(description="null: every layer")
    n: int | None
    suppressed: bool
