"""Response schemas of the culture profile, breakdowns, heatmap and data-quality reports.

Figures of a suppressed group are null, never zero; every figure carries the n it rests on.
"""

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from app.reports.figures import DIMENSION_N, FIGURE_REASON, HIDDEN_REASON, OUTCOME, GroupRef, HiddenReason, Interval
from app.reports.figures import Level as Level

Lang = Literal["en", "nl"]
Format = Literal["json", "csv"]
HeatLevel = Literal["teams", "children", "tree"]
By = Literal["unit", "layer", "unit_layer"]

FAVOURABLE = ("Share of the answers given (not of respondents) on the two most favourable answer options after "
              "reverse keying (the most favourable one on scales of fewer than four points)")
UNFAVOURABLE = ("Share of the answers given on the two least favourable answer options after reverse keying (the "
                "least favourable one on scales of fewer than four points)")
MIN_GROUP_SIZE = ("The survey's minimum group size: groups smaller than this (and some more, to stop subtraction) are "
                  "suppressed")


class ScorePoint(BaseModel):
    """How many respondents of the scope have one scale score on a dimension."""

    score: float = Field(description="A scale score (mean of a respondent's keyed answers to the dimension)")
    count: int = Field(description="Respondents with this score")


class AnswerCount(BaseModel):
    """How many of a statement's answers fell on one answer option."""

    value: int = Field(description="Answer option as ticked (not reverse keyed)")
    label: str | None = Field(description="The option's label in the requested language")
    count: int = Field(description="Answers on this option (one per respondent), among the statement's `n` answers "
                                   "on the scale")


class DimensionReliability(BaseModel):
    """Internal consistency of the dimension's items among the scope's respondents (pairwise-complete)."""

    n: int = Field(description="Respondents who answered at least one of the dimension's items")
    alpha: float | None = Field(description="Cronbach's alpha of the keyed items")
    alpha_ci: Interval | None = Field(description="Feldt's confidence interval of alpha")
    omega: float | None = Field(description="McDonald's omega total (one-factor minres model)")
    reason: str | None = Field(description="Why alpha is missing (e.g. `n_below_2`, `zero_variance`)")
    omega_reason: str | None = Field(description="Why omega is missing")
    low_alpha: bool | None = Field(description="alpha < 0.7: the items hardly measure one thing in this group")


class ItemReading(BaseModel):
    """A statement's fit in its dimension in one sentence, in English and Dutch."""

    en: str
    nl: str


class ItemProfile(BaseModel):
    """One statement (item) of a dimension in the culture profile: the scope's answers to it."""

    key: str
    text: str = Field(description="The item in the requested language")
    reverse: bool = Field(description="Reverse keyed: a high answer is unfavourable")
    n: int | None = Field(description="Answers on the scale: the dimension's n (its figures rest on those who "
                                      "answered all of its statements); null when hidden")
    mean: float | None = Field(description="Mean answer as ticked (not reverse keyed)")
    ci: Interval | None = Field(description="t-based confidence interval of the mean")
    reason: str | None = Field(description=FIGURE_REASON)
    distribution: list[AnswerCount] = Field(description="Answers per scale point, as ticked")
    dont_know: int | None = Field(description="Respondents of the group who chose \"don't know\" (they are not "
                                              "in the dimension's n); null when the group is hidden")
    favourable: float | None = Field(description=FAVOURABLE)
    unfavourable: float | None = Field(description=UNFAVOURABLE)
    item_total_correlation: float | None = Field(
        default=None, description="Corrected item-total correlation: the keyed item against the sum of the "
                                  "dimension's other keyed items (psych's `r.drop`); low or negative: the statement "
                                  "measures something else, or is keyed the wrong way. Shown where the statement's "
                                  "figures are")
    alpha_if_deleted: float | None = Field(
        default=None, description="Cronbach's alpha of the dimension without this statement (needs three or more "
                                  "statements); above the dimension's alpha: the dimension would be more consistent "
                                  "without it")
    reading: ItemReading | None = Field(default=None, description="What the two figures above say, in one sentence")


class DimensionProfile(BaseModel):
    """One dimension of the culture profile: the scope's scale scores, answer shares, reliability and statements."""

    key: str
    name: str = Field(description="The dimension in the requested language")
    outcome: bool = Field(description=OUTCOME)
    n: int | None = Field(description=DIMENSION_N + "; null when hidden")
    mean: float | None = Field(description="Mean scale score (keyed answers, scale units)")
    sd: float | None = Field(description="Standard deviation of the scale scores (n - 1)")
    ci: Interval | None = Field(description="t-based confidence interval of the mean")
    reason: str | None = Field(description=FIGURE_REASON)
    n_answers: int | None = Field(description="Answers to the dimension's items that the shares are taken over")
    favourable: float | None = Field(description=FAVOURABLE)
    unfavourable: float | None = Field(description=UNFAVOURABLE)
    score_distribution: list[ScorePoint] = Field(description="How many respondents have each scale score")
    reliability: DimensionReliability | None = Field(description="null when the dimension is suppressed")
    items: list[ItemProfile]


class CultureProfile(BaseModel):
    """The culture profile of the scope, every layer together: its figures per dimension and statement."""

    survey_id: uuid.UUID
    language: Lang
    min_group_size: int = Field(description=MIN_GROUP_SIZE)
    group: GroupRef = Field(description="The scope: the unit's subtree (or the organisation), every layer")
    suppressed: bool = Field(description="The scope is too small to show: no figures at all")
    dimensions: list[DimensionProfile] = Field(description="Empty when suppressed")


class DimensionFigure(BaseModel):
    """One dimension's scale scores in one group of a breakdown, against the organisation-wide mean."""

    key: str
    name: str
    outcome: bool = Field(description=OUTCOME)
    n: int | None = Field(description="Respondents with a scale score; null when suppressed")
    mean: float | None = Field(description="Mean scale score of those `n` respondents (keyed answers, scale points); "
                                           "null when hidden or `n` is 0")
    ci: Interval | None = Field(description="t-based 95% confidence interval of the mean; null when the mean is null "
                                            "or `n` is below 2")
    diff_from_organisation: float | None = Field(
        description="mean minus the organisation-wide mean; null when either group is suppressed")
    reason: str | None = Field(description=FIGURE_REASON + ", or `organisation_suppressed` for the difference")


class BreakdownGroup(BaseModel):
    """One group of a breakdown (a unit, a layer, or a unit's layer) with its figures per dimension."""

    group: GroupRef
    dimensions: list[DimensionFigure]


class Breakdown(BaseModel):
    """Scale scores of the scope's groups (by unit, layer or both), each against the organisation-wide mean."""

    survey_id: uuid.UUID
    by: By
    level: Level
    language: Lang
    organisation: BreakdownGroup = Field(description="The organisation as a whole, the reference of the differences")
    scope: BreakdownGroup = Field(description="The scope as a whole")
    groups: list[BreakdownGroup]


class HeatCell(BaseModel):
    """One cell of the heatmap: a unit's mean scale score on one dimension and its difference from the
    organisation-wide mean."""

    dimension: str = Field(description="Key of the column's dimension")
    n: int | None = Field(description="Respondents of the row's unit with a scale score on the dimension (0: none); "
                                      "null when the cell is hidden")
    mean: float | None = Field(description="Their mean scale score (keyed answers, scale points); null when the cell "
                                           "is hidden or `n` is 0")
    diff_from_organisation: float | None = Field(
        description="mean minus the column's `organisation_mean`, in scale points; null when the cell or the "
                    "organisation is hidden")
    suppressed: bool = Field(description="The cell is hidden (see `reason`): its n, mean and difference are null, "
                                         "never zero")
    reason: HiddenReason | None = Field(default=None, description=HIDDEN_REASON)


class HeatColumn(BaseModel):
    """One column of the heatmap: a dimension, its scale and the organisation-wide mean."""

    key: str
    name: str
    outcome: bool = Field(description=OUTCOME)
    organisation_mean: float | None = Field(description="Mean scale score of the whole organisation (every unit "
                                                        "and layer), the reference of the cells' differences; null "
                                                        "when the organisation is suppressed")
    scale_min: int = Field(description="The dimension's scale: lowest answer (its own, or the questionnaire's)")
    scale_max: int = Field(description="The dimension's scale: highest answer; a cell's colour is its difference "
                                       "as a share of max - min, so one shade means as much on every scale")


class HeatRow(BaseModel):
    """One row of the heatmap: a unit and its cells."""

    group: GroupRef
    cells: list[HeatCell] = Field(description="One per column, in column order")


class Heatmap(BaseModel):
    """Units (rows) by dimensions (columns): each cell a unit's mean scale score and its difference from the
    organisation-wide mean."""

    survey_id: uuid.UUID
    level: HeatLevel
    language: Lang
    columns: list[HeatColumn]
    rows: list[HeatRow]


class Message(BaseModel):
    """A text in English and Dutch."""

    en: str
    nl: str


class Evidence(BaseModel):
    """The figure a data-quality warning rests on, with its n and the threshold it crossed."""

    n: int | None = Field(description="Respondents (or answers) the figure rests on; null for a language group "
                                      "(its size is never shown) and for `delta_cfi` (the two layers' n are the "
                                      "perception gaps')")
    figure: str = Field(description="What `value` is: `alpha`, `item_total_correlation`, `straight_lining_share`, "
                                    "`dont_know_share` or `delta_cfi` (the failing invariance step's change in CFI; "
                                    "the threshold is -0.01)")
    value: float = Field(description="The figure named by `figure`: an alpha, a corrected item-total correlation, a "
                                     "share of respondents between 0 and 1 (`straight_lining_share`: of those with "
                                     "enough answers; `dont_know_share`: of those who saw the item), or a change in "
                                     "CFI")
    threshold: float = Field(description="The value beyond which the warning is given")


Code = Literal["negative_item_total", "low_alpha", "straight_lining", "high_dont_know", "not_invariant"]
Severity = Literal["info", "warning", "critical"]


class QualityWarning(BaseModel):
    """One data-quality warning about a group of the scope, with the figure it rests on."""

    code: Code = Field(description="`negative_item_total`: the item's corrected item-total correlation is negative "
                                   "(likely keyed the wrong way); `low_alpha`: the dimension's alpha is below 0.7; "
                                   "`straight_lining`: many respondents gave one answer to everything; "
                                   "`high_dont_know`: many chose \"don't know\"; `not_invariant`: a layer and the "
                                   "reference layer (employees) do not read a dimension's statements alike "
                                   "(measurement invariance fails), so their perception gap is to be compared with "
                                   "care")
    severity: Severity
    message: Message
    group: GroupRef
    language: str | None = Field(description="Only the group's respondents who answered in this language")
    dimension: str | None
    item: str | None
    evidence: Evidence


class ItemDontKnow(BaseModel):
    """How many of the scope's respondents chose \"don't know\" on one statement."""

    item: str = Field(description="Item key")
    dimension: str = Field(description="Key of the item's dimension")
    n: int | None = Field(description="Respondents who answered the item or chose \"don't know\"; null when "
                                      "the group is hidden")
    dont_know: int | None = Field(description="Respondents who chose \"don't know\"; null when the group is hidden")
    share: float | None = Field(description="dont_know / n, a share between 0 and 1 (not a percentage; above 0.20 "
                                            "gives a `high_dont_know` warning); null when hidden or `n` is 0")
    suppressed: bool = Field(default=False, description="The group is hidden: no figures")


class DataQuality(BaseModel):
    """Data-quality warnings about the scope and its visible sub-groups, and each statement's \"don't know\"
    share."""

    survey_id: uuid.UUID
    group: GroupRef = Field(description="The scope")
    suppressed: bool = Field(description="The scope is too small to show; only warnings of visible sub-groups")
    warnings: list[QualityWarning]
    dont_know: list[ItemDontKnow] = Field(description="Per item, for the scope (empty when suppressed)")
