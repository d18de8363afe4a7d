"""Response schemas of the perception-gap, team-gap and current-vs-desired reports.

A comparison involving a suppressed group is listed with `suppressed: true` and no figures; every figure carries
the n it rests on; every p-value says which correction it had and over how many tests.
"""

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from app.reports.figures import HIDDEN_REASON, OUTCOME, AdjustedInterval, GroupRef, HiddenReason, Interval, PValue
from app.reports.figures import Level as Level
from app.reports.profile_schemas import MIN_GROUP_SIZE, Lang
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


MixedReason = Literal["all_missing", "too_few_clusters", "n_below_2", "zero_variance", "not_estimable"]
InvarianceReason = Literal["too_few_items", "group_too_small", "one_group", "zero_variance", "not_estimable"]


class ClusterRobustCheck(BaseModel):
    """A secondary check of the mixed model's difference that does not rely on the random intercept describing the
    within-team correlation: the CR2 cluster-robust SE (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018) with a t
    test on Satterthwaite df, as R's `clubSandwich::coef_test(vcov = "CR2")`. Same respondents and teams as the
    model; not Holm-adjusted and not the verdict."""

    se: float | None = Field(description="Cluster-robust (CR2) standard error of the difference; null when it is 0")
    t: float | None = Field(description="The model's difference / the CR2 `se`, tested on `df`; null with `se`")
    df: float | None = Field(description="Satterthwaite degrees of freedom of the CR2 variance (often far fewer "
                                         "than the model's: they follow the number of teams)")
    p: float | None = Field(description="Two-sided p-value, unadjusted")


class MixedModelGap(BaseModel):
    """The primary test of a layer gap: a linear mixed model with a random intercept per team (REML,
    Satterthwaite df; `app.stats.mixed`). It takes into account that a team leader and their employees share a
    team, which Welch's test (the secondary figures beside it) does not. Per-team effects are never published."""

    fitted: bool = Field(description="false: the model could not be fitted; `reason` and `explanation` say why")
    reason: MixedReason | None = Field(description="`too_few_clusters` (respondents in fewer than 5 teams), "
                                                   "`n_below_2` (no team with two respondents), `zero_variance`, "
                                                   "`not_estimable` (no proper REML maximum), `all_missing`")
    explanation: Reading | None = Field(description="Why it was not fitted, in one sentence")
    n_clusters: int | None = Field(description="Teams (the units where the respondents' answers count) with "
                                               "respondents of either group on this dimension")
    difference: float | None = Field(description="Model-based mean of a minus that of b (scale points)")
    difference_ci: Interval | None = Field(description="Its confidence interval (t with Satterthwaite df), "
                                                       "unadjusted")
    se: float | None = Field(description="Model-based standard error of `difference` (scale points); null when not "
                                         "fitted")
    t: float | None = Field(description="difference / se, tested on `df`; null when not fitted")
    df: float | None = Field(description="Satterthwaite degrees of freedom (as lmerTest)")
    test: PValue | None = Field(description="Two-sided t test of the difference; Holm-adjusted over every mixed "
                                            "model test this report makes (all comparisons x dimensions)")
    significant: bool | None = Field(description="Holm-adjusted mixed-model p < 0.05: the report's primary verdict")
    variance_between: float | None = Field(description="Between-team variance (random intercept), REML")
    variance_within: float | None = Field(description="Within-team (residual) variance, REML")
    icc: float | None = Field(description="Intraclass correlation: between / (between + within), given the layer")
    design_effect: float | None = Field(description="1 + (mean team size - 1) x ICC (Kish): how much the variance "
                                                    "of a team-clustered mean exceeds a simple random sample's")
    at_boundary: bool | None = Field(description="The between-team variance was estimated as 0")
    cluster_robust: ClusterRobustCheck | None = Field(
        default=None, description="Secondary: the same difference's cluster-robust (CR2) SE, df and p; null when "
                                  "the model is not fitted")
    reading: Reading | None = Field(description="The difference and its primary verdict in one sentence")


class InvarianceFit(BaseModel):
    """The fit of one multi-group one-factor model of the dimension's keyed statements (maximum likelihood, as
    lavaan)."""

    model: Literal["configural", "metric", "scalar"] = Field(
        description="`configural` (same structure), `metric` (equal loadings) or `scalar` (equal loadings and "
                    "intercepts)")
    chisq: float | None = Field(description="Chi-square of the model (maximum likelihood, as lavaan's `chisq`); "
                                            "null when not a finite number")
    df: int = Field(description="Its degrees of freedom (0: the model is saturated, nothing to test)")
    p: float | None = Field(description="Chi-square test of exact fit; null when df = 0")
    cfi: float | None = Field(description="Comparative fit index against the independence model (Bentler 1990), "
                                          "0 to 1: 1 when chi-square does not exceed df")
    rmsea: float | None = Field(description="Root mean square error of approximation (multi-group form, Steiger "
                                            "1998): 0 when chi-square does not exceed df (and when df = 0)")


class InvarianceStep(BaseModel):
    """A restricted model against the freer one."""

    chisq: float | None = Field(description="Chi-square difference")
    df: int = Field(description="Degrees of freedom of the difference: the restricted model's df minus the freer "
                                "one's")
    p: float | None = Field(description="p of the chi-square difference test (as lavaan's `lavTestLRT`), "
                                        "unadjusted; the verdict reads `delta_cfi`, not this")
    delta_cfi: float | None = Field(description="CFI of the restricted model minus the freer one's")
    delta_rmsea: float | None = Field(description="RMSEA of the restricted model minus the freer one's (for "
                                                  "information: the verdict reads `delta_cfi`)")
    holds: bool = Field(description="The restriction holds: CFI drops by no more than 0.01 (Cheung & Rensvold "
                                    "2002)")


class MeasurementInvariance(BaseModel):
    """Do the two groups read the dimension's statements the same way? Multi-group one-factor models
    (`app.stats.invariance`, checked against lavaan): configural (same structure), metric (equal loadings),
    scalar (equal loadings and intercepts). Only when scalar invariance holds can the gap be read as a
    difference in culture rather than in how the statements are read."""

    verdict: Literal["alike", "loadings_differ", "intercepts_differ", "cannot_fit"]
    reason: InvarianceReason | None = Field(description="Why it could not be checked: `group_too_small` (a group "
                                                        "has fewer than `min_group_size` respondents who answered "
                                                        "every statement), `too_few_items` (fewer than 3 "
                                                        "statements), `zero_variance`, `not_estimable`")
    min_group_size: int = Field(description="Respondents per group a factor model needs here (at least 30, and "
                                            "more than the statements)")
    criterion: Literal["delta_cfi"] = "delta_cfi"
    configural: InvarianceFit | None = Field(description="Fit of the configural model; null when `cannot_fit`")
    metric: InvarianceFit | None = Field(description="Fit of the metric model; null when `cannot_fit`")
    scalar: InvarianceFit | None = Field(description="Fit of the scalar model; null when `cannot_fit`")
    metric_vs_configural: InvarianceStep | None = Field(description="Metric against configural: do the loadings "
                                                                    "agree? null when `cannot_fit`")
    scalar_vs_metric: InvarianceStep | None = Field(description="Scalar against metric: do the intercepts agree? "
                                                                "null when `cannot_fit`")
    reading: Reading = Field(description="The verdict in one sentence")


class GapFigures(BaseModel):
    """One dimension's scale scores, group a against group b (positive = a higher)."""

    key: str = Field(description="Dimension key")
    name: str
    outcome: bool = Field(description=OUTCOME)
    n_a: int | None = Field(description="Respondents of a with a scale score on this dimension")
    n_b: int | None = Field(description="Respondents of b with a scale score on this dimension")
    mean_a: float | None = Field(description="Mean scale score of a's `n_a` respondents (scale points); null when "
                                             "the figures are hidden (see `reason`)")
    mean_b: float | None = Field(description="Mean scale score of b's `n_b` respondents (scale points); null when "
                                             "the figures are hidden (see `reason`)")
    difference: float | None = Field(description="Mean of a minus mean of b (scale points)")
    difference_ci: Interval | None = Field(description="Welch confidence interval of the difference, unadjusted: "
                                                       "it may exclude 0 where the Holm verdict is not significant")
    difference_ci_holm: AdjustedInterval | None = Field(description="Holm-compatible interval of the verdict's "
                                                                    "estimate over its test's family (see "
                                                                    "`verdict_test`: the mixed model's difference "
                                                                    "and Satterthwaite df, or the Welch difference)"
                                                                    ": excludes 0 exactly when `significant`")
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
    significant: bool | None = Field(description="The verdict: Holm-adjusted p < 0.05 of the test in "
                                                 "`verdict_test` (the mixed model's `test.p_adjusted` where it is "
                                                 "fitted, else Welch's)")
    verdict_test: Literal["mixed_model", "welch"] | None = Field(
        default=None, description="The test `significant`, `difference_ci_holm` and the reading's verdict rest on: "
                                  "`mixed_model` where the mixed model is fitted (the primary test), else `welch`; "
                                  "null without a verdict")
    reason: str | None = Field(description=REASON)
    reading: Reading | None = Field(description="The difference of the means in one sentence (English and Dutch), "
                                                "its verdict by `verdict_test`")
    mixed_model: MixedModelGap | None = Field(
        default=None, description="The primary test, a mixed model with a random intercept per team (Welch and "
                                  "Mann-Whitney above are the secondary figures): perception gaps, and team gaps "
                                  "with `level=children`; null where the figures are hidden, for leaf teams, and in "
                                  "the readiness summary's highlights")
    invariance: MeasurementInvariance | None = Field(
        default=None, description="Perception gaps: whether the two groups read the dimension's statements alike; "
                                  "null where the figures are hidden, in team gaps and in the readiness summary")


class Comparison(BaseModel):
    """Two groups compared on every dimension, a against b (a positive difference: a scores higher)."""

    a: GapSide = Field(description="Group a: the compared layer(s), or the team")
    b: GapSide = Field(description="Group b: the reference layer(s), or the rest of the organisation")
    suppressed: bool = Field(description="A group may not be shown: no figures for this comparison")
    reason: HiddenReason | None = Field(default=None, description=HIDDEN_REASON)
    dimensions: list[GapFigures] = Field(description="One per dimension; empty when suppressed")


class PerceptionGaps(BaseModel):
    """Perception gaps between the scope's leadership layers: each layer (or set of layers) against the reference,
    per dimension."""

    survey_id: uuid.UUID
    language: Lang
    min_group_size: int = Field(description=MIN_GROUP_SIZE)
    scope: GroupRef
    reference: list[str] | None = Field(description="The reference layer key (b of every comparison); null when "
                                                    "`a` and `b` were given")
    comparisons: list[Comparison]


class TeamGaps(BaseModel):
    """Each team of the scope against the rest of the organisation, per dimension."""

    survey_id: uuid.UUID
    language: Lang
    min_group_size: int = Field(description=MIN_GROUP_SIZE)
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
    outcome: bool = Field(description="`dimension_key` is the questionnaire's outcome scale (knowledge sharing and "
                                      "learning in version 2 of the built-in questionnaire; any dimension a custom "
                                      "questionnaire marks `outcome`), not a culture dimension")
    rank: int | None = Field(description="1 = the largest |gap| of its kind (dimensions or items) in the group")
    n: int | None = Field(description="Respondents in both frames (the pairs behind the correlation and the "
                                      "Wilcoxon test)")
    n_current: int | None = Field(description="Respondents behind the current mean")
    n_desired: int | None = Field(description="Respondents behind the desired mean")
    mean_current: float | None = Field(description="Mean in the current frame over its `n_current` respondents: "
                                                   "scale score (dimension) or keyed answer (item), in scale "
                                                   "points; null when hidden")
    mean_desired: float | None = Field(description="Mean in the desired frame over its `n_desired` respondents: "
                                                   "scale score (dimension) or keyed answer (item), in scale "
                                                   "points; null when hidden")
    gap: float | None = Field(description="mean_desired - mean_current (positive: people want more)")
    gap_ci: Interval | None = Field(description="Confidence interval of the gap (partially overlapping samples t), "
                                                "unadjusted: it may exclude 0 where the Holm verdict is not "
                                                "significant")
    gap_ci_holm: AdjustedInterval | None = Field(description="Holm-compatible interval of the gap over the t-test "
                                                             "family: excludes 0 exactly when `significant`")
    t: float | None = Field(description="Partially overlapping samples t (T_new2: equal variances not assumed); "
                                        "the paired t when everyone answered both frames")
    df: float | None = Field(description="Degrees of freedom of `t` (Derrick et al.: the pairs' n - 1 plus part of "
                                         "Welch's df; Welch's df with fewer than two pairs)")
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
    """One group (the scope, or one of its layers) with its desired-minus-current gaps."""

    group: GroupRef
    suppressed: bool = Field(description="The group is hidden: no figures")
    dimensions: list[PairedGap] = Field(description="Ranked by |gap|, largest first; empty when suppressed")
    items: list[PairedGap] = Field(description="Ranked by |gap|, largest first; empty when suppressed")


class DesiredGap(BaseModel):
    """How people would like the culture to be against how they experience it: desired minus current per
    dimension and item, per group."""

    survey_id: uuid.UUID
    language: Lang
    min_group_size: int = Field(description=MIN_GROUP_SIZE)
    by: Literal["scope", "layer"]
    groups: list[DesiredGapGroup] = Field(description="The scope first, then (by=layer) each layer of the scope")
