"""Response schemas of the trend report (survey waves side by side)."""

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from app.reports.figures import (
    DIMENSION_N,
    HIDDEN_REASON,
    OUTCOME,
    AdjustedInterval,
    GroupRef,
    HiddenReason,
    Interval,
    PValue,
)
from app.reports.readings import Reading

MAX_WAVES = 12


class Wave(BaseModel):
    """One survey wave of the series."""

    survey_id: uuid.UUID
    title: str
    questionnaire_version: int = Field(description="Version of the questionnaire (`questionnaire_key`) this wave "
                                                   "asked; dimensions and items are matched across versions by key")
    n: int | None = Field(description="Respondents of the scope in this wave; null when suppressed in this wave")
    suppressed: bool = Field(description="The scope is too small to show in this wave (its own suppression map)")
    reason: HiddenReason | None = Field(default=None, description=HIDDEN_REASON)


class WaveFigure(BaseModel):
    """A dimension's or item's figures in one wave."""

    survey_id: uuid.UUID
    n: int | None = Field(description=DIMENSION_N + " (in this wave)")
    mean: float | None = Field(description="Mean scale score (dimension, keyed) or mean answer as ticked (item)")
    ci: Interval | None = Field(description="t-based confidence interval of the mean")
    reason: str | None = Field(description="Why figures are missing: `below_minimum` or `protects_smaller_group` "
                                           "(hidden in this wave: see the group's reasons), `not_asked` (this "
                                           "wave's questionnaire version lacks the key), `other_scale` (this wave "
                                           "asked the dimension on another answer scale than the latest wave: its "
                                           "points are not the same height, so no figure is set beside the latest "
                                           "wave's), or a statistics reason (`all_missing`, `n_below_2`)")


class Change(BaseModel):
    """The later wave against the earlier one: positive = higher in the later wave."""

    from_survey_id: uuid.UUID
    to_survey_id: uuid.UUID
    kind: Literal["consecutive", "first_to_last", "last_comparable"] = Field(
        description="Between neighbouring waves, from the first wave to the last (with three or more waves), or "
                    "`last_comparable`: from the series' `compared_with` wave to the latest, where that wave is "
                    "neither the latest's neighbour nor the first (the waves between asked it on another scale, or "
                    "not at all)")
    difference: float | None = Field(description="Mean of the later wave minus mean of the earlier one")
    difference_ci: Interval | None = Field(description="Welch confidence interval of the difference, unadjusted: it "
                                                       "may exclude 0 where the Holm verdict is not significant")
    difference_ci_holm: AdjustedInterval | None = Field(
        default=None, description="Holm-compatible interval of the difference over the report's family: excludes 0 "
                                  "exactly when Welch's Holm-adjusted p < 0.05")
    hedges_g: float | None = Field(description="Standardised difference (pooled SD, small-sample corrected)")
    hedges_g_ci: Interval | None = Field(description="Noncentral-t confidence interval of Hedges' g")
    welch: PValue | None = Field(description="Welch's t-test (independent samples: waves are anonymous, so "
                                             "respondents cannot be paired); Holm over the report's family")
    reason: str | None = Field(description="Why figures are missing: `below_minimum` or "
                                           "`protects_smaller_group` (either wave hides it), `not_asked`, "
                                           "`other_scale` (the two waves ask it on different answer scales), or a "
                                           "statistics reason (`n_below_2`, `zero_variance`)")


class DimensionTrend(BaseModel):
    """One dimension across the waves: its figures per wave and the changes between them."""

    key: str = Field(description="Dimension key, stable across questionnaire versions")
    name: str
    outcome: bool = Field(description=OUTCOME)
    waves: list[WaveFigure] = Field(description="One per wave, oldest first")
    changes: list[Change]
    compared_with: uuid.UUID | None = Field(
        default=None, description="The latest earlier wave of the report that asked this dimension on the latest "
                                  "wave's scale: the change since then is the one to read (null: none did)")
    comparison: Reading | None = Field(
        default=None, description="Where a later wave asked the dimension on another scale and was passed over: "
                                  "which wave the change is read from, and why, in one sentence")


class ItemTrend(BaseModel):
    """One item (statement) across the waves: its figures per wave and the changes between them."""

    key: str = Field(description="Item key, stable across questionnaire versions")
    dimension_key: str
    text: str
    reverse: bool = Field(description="Reverse keyed: a high answer is unfavourable")
    waves: list[WaveFigure]
    changes: list[Change]
    compared_with: uuid.UUID | None = Field(
        default=None, description="The latest earlier wave of the report that asked this item on the latest wave's "
                                  "scale (its dimension's)")


class TrendReport(BaseModel):
    """The scope's figures across the survey waves of one questionnaire, with the changes between waves."""

    questionnaire_key: str
    language: Literal["en", "nl"]
    group: GroupRef = Field(description="The scope in the latest wave (`n` and `suppressed` of that wave)")
    waves: list[Wave] = Field(description="Oldest first; the survey of the path is the last")
    dimensions: list[DimensionTrend] = Field(description="Dimensions of the latest wave's questionnaire version")
    items: list[ItemTrend] = Field(description="Items of the latest wave's questionnaire version")
    dimension_family_size: int = Field(description="Tests in the Holm family of the dimension changes")
    item_family_size: int = Field(description="Tests in the Holm family of the item changes")
