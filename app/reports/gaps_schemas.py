"""Response schemas of the perception-gap, team-gap and current-vs-desired reports.

A comparison involving a suppressed group is listed with `suppressed: true` and no figures; every figure carries
the n it rests on; every p-value says which correction it had and over how many tests.
"""

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from app.reports.figures import HIDDEN_REASON, AdjustedInterval, GroupRef, HiddenReason, Interval, PValue
from app.reports.figures import Level as Level
from app.reports.profile_schemas import Lang
from app.reports.readings import Reading, SizeWord

REASON = ("Why the figures are missing: `below_minimum` (fewer than the survey's minimum group size answered all "
          "of the dimension's statements in a group), `protects_smaller_group` (showing them would let someone "
          "subtract their way to a smaller group), or a statistics reason (`all_missing`, `n_below_2`, "
          "`zero_variance`)")
EFFECT_SIZE = ("Cohen's words for |effect|: < 0.2 negligible, < 0.5 small, < 0.8 medium, else large")


class GapSide(BaseModel):
    """One side of a two-group comparison. `n` is null and `suppressed` true when the group may not be shown."""

    name: str = Field(description="The group in the requested language: layer names joined, a unit's name, or "
                                  "\"rest of the organisation\"")
    layer_keys: list[str] = Field(description="The layers the group holds; empty = every layer")
    unit_id: uuid.UUID | None = Field(description="The group's unit; null = the whole organisation")
    unit_path: list[str]
    n: int | None = Field(description="Respondents in the group; null when suppressed")
    suppressed: bool
    reason: HiddenReason | None = Field(default=None, description=HIDDEN_REASON)


class GapFigures(BaseModel):
    """One dimension's scale scores, group a against group b (positive = a higher)."""

    key: str = Field(description="Dimension key")
    name: str
    n_a: int | None = Field(description="Respondents of a with a scale score on this dimension")
    n_b: int | None = Field(description="Respondents of b with a scale score on this dimension")
    mean_a: float | None
    mean_b: float | None
    difference: float | None = Field(description="Mean of a minus mean of b (scale points)")
    difference_ci: Interval | None = Field(description="Welch confidence interval of the difference, unadjusted: "
                                                       "it may exclude 0 where the Holm verdict is not significant")
    difference_ci_holm: AdjustedInterval | None = Field(description="Holm-compatible interval of the difference "
                                                                    "over the Welch family: excludes 0 exactly "
                                                                    "when `significant`")
    hedges_g: float | None = Field(description="Standardised difference: pooled SD, small-sample corrected "
                                               "(Hedges 1981)")
    hedges_g_ci: Interval | None = Field(description="Noncentral-t confidence interval of Hedges' g")
    effect_size: SizeWord | None = Field(description=EFFECT_SIZE + " (on Hedges' g)")
    welch_t: float | None = Field(description="Welch's t statistic")
    welch_df: float | None = Field(description="Welch-Satterthwaite degrees of freedom")
    welch: PValue | None = Field(description="Welch's t-test, two-sided; Holm-adjusted over every Welch test this "
                                             "report makes (all comparisons x dimensions)")
    mann_whitney_u: float | None = Field(description="Mann-Whitney U of group a")
    mann_whitney: PValue | None = Field(description="Mann-Whitney U test (normal approximation, tie and continuity "
                                                    "corrected); Holm-adjusted over every Mann-Whitney test of the "
                                                    "report (a family of its own)")
    significant: bool | None = Field(description="Holm-adjusted Welch p < 0.05")
    reason: str | None = Field(description=REASON)
    reading: Reading | None = Field(description="The difference in one sentence (English and Dutch)")


class Comparison(BaseModel):
    a: GapSide
    b: GapSide
    suppressed: bool = Field(description="A group may not be shown: no figures for this comparison")
    reason: HiddenReason | None = Field(default=None, description=HIDDEN_REASON)
    dimensions: list[GapFigures] = Field(description="One per dimension; empty when suppressed")


class PerceptionGaps(BaseModel):
    survey_id: uuid.UUID
    language: Lang
    min_group_size: int
    scope: GroupRef
    reference: list[str] | None = Field(description="The reference layer key (b of every comparison); null when "
                                                    "`a` and `b` were given")
    comparisons: list[Comparison]


class TeamGaps(BaseModel):
    survey_id: uuid.UUID
    language: Lang
    min_group_size: int
    scope: GroupRef
    level: Level
    organisation: GroupRef = Field(description="The whole organisation: the rest is it without the team")
    teams: list[Comparison] = Field(description="One per team with respondents: a = the team, b = the rest of "
                                                "the organisation")


class PairedGap(BaseModel):
    """Desired minus current for one dimension (scale scores) or item (keyed answers): each frame's mean over that
    frame's own respondents (those who answered all of the dimension's statements in it, as in every report),
    compared by the partially overlapping samples t-test (Derrick, Toher & White 2017), which uses the pairs of
    those who answered both frames for the correlation between the frames."""

    key: str
    name: str = Field(description="The dimension's name or the item's text")
    dimension_key: str
    rank: int | None = Field(description="1 = the largest |gap| of its kind (dimensions or items) in the group")
    n: int | None = Field(description="Respondents in both frames (the pairs behind the correlation and the "
                                      "Wilcoxon test)")
    n_current: int | None = Field(description="Respondents behind the current mean")
    n_desired: int | None = Field(description="Respondents behind the desired mean")
    mean_current: float | None
    mean_desired: float | None
    gap: float | None = Field(description="mean_desired - mean_current (positive: people want more)")
    gap_ci: Interval | None = Field(description="Confidence interval of the gap (partially overlapping samples t), "
                                                "unadjusted: it may exclude 0 where the Holm verdict is not "
                                                "significant")
    gap_ci_holm: AdjustedInterval | None = Field(description="Holm-compatible interval of the gap over the t-test "
                                                             "family: excludes 0 exactly when `significant`")
    t: float | None = Field(description="Partially overlapping samples t (T_new2: equal variances not assumed); "
                                        "the paired t when everyone answered both frames")
    df: float | None
    t_test: PValue | None = Field(description="Its two-sided test; Holm-adjusted over every such test of the "
                                              "report (all groups, dimensions and items)")
    wilcoxon_v: float | None = Field(description="Wilcoxon signed-rank V of the pairs: sum of the ranks of positive "
                                                 "gaps")
    wilcoxon: PValue | None = Field(description="Wilcoxon signed-rank test of the pairs (normal approximation, tie "
                                                "and continuity corrected, zero gaps dropped); Holm-adjusted over "
                                                "every Wilcoxon test of the report (a family of its own)")
    d_av: float | None = Field(description="gap / the root mean square of the two frames' SDs (Cumming's d_av); "
                                           "no interval")
    effect_size: SizeWord | None = Field(description=EFFECT_SIZE + " (on d_av)")
    significant: bool | None = Field(description="Holm-adjusted p < 0.05")
    reason: str | None = Field(description=REASON)
    reading: Reading | None = Field(description="Dimensions only: the gap in one sentence")


class DesiredGapGroup(BaseModel):
    group: GroupRef
    suppressed: bool
    dimensions: list[PairedGap] = Field(description="Ranked by |gap|, largest first; empty when suppressed")
    items: list[PairedGap] = Field(description="Ranked by |gap|, largest first; empty when suppressed")


class DesiredGap(BaseModel):
    survey_id: uuid.UUID
    language: Lang
    min_group_size: int
    by: Literal["scope", "layer"]
    groups: list[DesiredGapGroup] = Field(description="The scope first, then (by=layer) each layer of the scope")
