"""Shared response pieces of every report: numbers that may be missing, intervals, p-values, group references."""

import math
import uuid
from typing import Literal

from pydantic import BaseModel, Field

# Which units a report with a `level` shows as its groups. One default for every such report (breakdown, heatmap,
# team gaps, agreement, response rates): the teams, where people work together and the readiness report ranks;
# they are the same groups whatever the scope (a directorate's analyst sees the organisation's teams of that
# directorate, with the same figures), which `children` (the scope's own child units) is not.
Level = Literal["teams", "children"]
DEFAULT_LEVEL: Level = "teams"
LEVEL_DESCRIPTION = ("`teams` (the default of every report): every unit without sub-units in the scope's subtree; "
                     "`children`: the scope's child units")


def num(x: float | None) -> float | None:
    """A figure for JSON: NaN and infinities (a statistic that doesn't exist) become null."""
    if x is None:
        return None
    value = float(x)
    return value if math.isfinite(value) else None


class Interval(BaseModel):
    """A confidence interval of the figure it belongs to, in that figure's units (the field says how it is made)."""

    low: float | None = Field(description="Lower bound, in the figure's units; null when it is not a finite number")
    high: float | None = Field(description="Upper bound, in the figure's units; null when it is not a finite number")
    level: float = Field(default=0.95, description="Coverage (confidence level) of the interval as a share: 0.95 is "
                                                   "a 95% interval")


class AdjustedInterval(BaseModel):
    """A confidence interval that agrees with the Holm verdict beside it (`app.stats.holm_ci`): it excludes 0
    exactly when the Holm-adjusted p is below 0.05. For a significant difference the bound nearest 0 is 0 itself
    (open: the direction is established, the size only bounded from the far side) unless every test of the family
    is significant."""

    low: float | None = Field(description="null: unbounded")
    high: float | None = Field(description="null: unbounded")
    level: float = Field(default=0.95, description="Simultaneous coverage over the family")
    excludes_zero: bool = Field(description="0 is outside the interval (or its open end): Holm-adjusted p < 0.05")
    correction: Literal["holm"] = "holm"
    family_size: int = Field(description="Tests in the family (as the adjusted p-value's)")


class PValue(BaseModel):
    """A p-value with the multiple-testing correction it had and the family of tests it was corrected over."""

    p: float | None = Field(description="Unadjusted two-sided p-value")
    p_adjusted: float | None = Field(description="p-value adjusted for the family of tests this report makes")
    correction: Literal["holm", "benjamini_hochberg", "none"] = Field(description="The correction that gave "
                                                                                  "`p_adjusted`")
    family_size: int = Field(description="Number of tests in the family the correction was applied over")


HiddenReason = Literal["below_minimum", "protects_smaller_group", "not_published"]
HIDDEN_REASON = ("Why the figures are hidden: `below_minimum` (fewer respondents than the survey's minimum group "
                 "size), `protects_smaller_group` (enough respondents, but showing them would let someone subtract "
                 "their way to a smaller group), `not_published` (teams show no per-layer figures); null when shown")


FIGURE_REASON = ("Why a figure is missing: `below_minimum` or `protects_smaller_group` (hidden; see the group's "
                 "`reason`), or a statistics reason (`all_missing`, `n_below_2`, `zero_variance`, ...)")
OUTCOME = ("The dimension is the questionnaire's outcome scale (knowledge sharing and learning in version 2 of the "
           "built-in questionnaire; any dimension a custom questionnaire marks `outcome`): what the `drivers` report "
           "explains, not a culture dimension")
DIMENSION_N = ("Respondents who answered every statement of the dimension on the scale (no \"don't know\", no "
               "blank): every figure of the dimension and of its statements rests on them")


class GroupRef(BaseModel):
    """A group of respondents. `n` is null and `suppressed` true when showing it could identify people: its
    figures are then left out (null) — a suppressed group is never shown as zero."""

    unit_id: uuid.UUID | None = Field(description="null: the whole organisation")
    unit_name: str = Field(description="The unit's name; the organisation's name when `unit_id` is null")
    unit_path: list[str] = Field(description="Unit names from the top-level unit down to this one; empty for the "
                                             "whole organisation")
    layer_key: str | None = Field(description="null: every layer")
    n: int | None = Field(description="Respondents in the group: those counted in the unit's subtree (the whole "
                                      "organisation when `unit_id` is null) and layer; null when suppressed")
    suppressed: bool = Field(description="The group is hidden (see `reason`): `n` and its figures are null, never "
                                         "zero")
    reason: HiddenReason | None = Field(default=None, description=HIDDEN_REASON)
    own_counted_at: list[str] | None = Field(
        default=None, description="The unit's own respondents (those attached to the unit itself, not to one of "
                                  "its sub-units) are fewer than the minimum group size, so their answers count "
                                  "with the own group of the unit at this path instead (`[]`: the organisation's); "
                                  "null when they count here")
    counts_own_of: list[list[str]] = Field(
        default_factory=list, description="Paths of units whose own respondents count in this unit's own group, "
                                          "besides its own (see `own_counted_at`)")
