"""Pure statistics core of the culture-gap assessment: numpy and scipy in, frozen dataclasses out.

Imports nothing from the web or database layers (``tests/stats/test_purity.py`` checks it).

Input: a respondents x items matrix of whole-number answers (NaN = not answered), a :class:`Scale` (item →
dimension map, reverse keys, scale minimum and maximum) and group labels per respondent.

Modules
-------
scales        reverse keying and scale scores (mean of answered items, missing below a share answered)
descriptives  n, mean, SD, CI per group; answer distributions; favourable / unfavourable shares
reliability   Cronbach's alpha with Feldt's CI, omega total, corrected item-total r, alpha if item deleted
agreement     rwg, rwg(j) against the uniform null; ICC(1), ICC(2) (as Bliese's ``multilevel``)
compare       two groups (mean difference, Welch t, Mann-Whitney U, Hedges' g) and paired current vs desired
overlap       current vs desired when not everyone answered both: the partially overlapping samples t-test
anova         one-way, Welch's ANOVA, Kruskal-Wallis, Games-Howell
multitest     Holm and Benjamini-Hochberg adjustment over a family of tests
holm_ci       confidence intervals compatible with Holm's verdict (Strassburger & Bretz 2008)
mixed         layers compared with a random intercept per team (REML, Satterthwaite df, Holm), ICC, design effect,
              CR2 cluster-robust check
drivers       relative importance of predictors for an outcome: general dominance (LMG), Johnson's weights
invariance    measurement invariance across groups: multi-group one-factor CFA (configural, metric, scalar)
sufficient    per-group sufficient statistics; which figures they give and which need the raw rows
summary       one pass over the answers → every per-group table, regroupable (cells → teams, layers)

Missing figures are never silent: scalar results carry ``None`` plus a :class:`MissingReason`; per-group arrays
carry NaN plus a reason per group. Input errors (wrong shapes, answers off the scale, bad options) raise
``ValueError``. Nothing is rounded.
"""

from app.stats._common import ConfidenceInterval, Estimate, MissingReason, SignificanceTest
from app.stats.agreement import (
    GroupAgreement,
    IntraclassCorrelation,
    icc,
    icc_from_moments,
    rwg,
    rwg_from_moments,
    rwg_j,
    rwg_j_from_moments,
)
from app.stats.anova import AnovaResult, PairwiseDifference, games_howell, kruskal_wallis, oneway_anova, welch_anova
from app.stats.compare import (
    PairedComparison,
    TwoGroupComparison,
    compare_groups,
    compare_two,
    compare_with_rest,
    paired,
    paired_many,
)
from app.stats.descriptives import (
    DimensionShares,
    GroupDescriptives,
    ItemDistribution,
    describe,
    favourable_shares,
    item_distribution,
)
from app.stats.drivers import MIN_RESPONDENTS as DRIVERS_MIN_RESPONDENTS
from app.stats.drivers import DriverAnalysis, driver_analysis, relative_importance_from_correlation
from app.stats.holm_ci import HolmInterval, holm_intervals
from app.stats.invariance import (
    CfaFit,
    InvarianceResult,
    InvarianceVerdict,
    ModelComparison,
    invariance_by_dimension,
    measurement_invariance,
)
from app.stats.mixed import (
    ClusterRobust,
    LayerContrast,
    LayerMean,
    MixedModelResult,
    VarianceComponents,
    layer_mixed_model,
)
from app.stats.multitest import AdjustedPValues, adjust_pvalues, benjamini_hochberg, holm
from app.stats.overlap import OverlappingComparison, partially_overlapping
from app.stats.reliability import (
    Reliability,
    cronbach_alpha,
    omega_total,
    reliability,
    reliability_by_dimension,
    reliability_from_cross_products,
)
from app.stats.scales import Scale, ScaleScores, reverse_key, scale_scores
from app.stats.sufficient import CrossProducts, FrequencyTable, ItemCounts, ItemMoments, Moments
from app.stats.summary import Crossing, SurveySummary, cross_groups, summarize

__all__ = [
    "DRIVERS_MIN_RESPONDENTS",
    "AdjustedPValues",
    "AnovaResult",
    "CfaFit",
    "ClusterRobust",
    "ConfidenceInterval",
    "CrossProducts",
    "Crossing",
    "DimensionShares",
    "DriverAnalysis",
    "Estimate",
    "FrequencyTable",
    "GroupAgreement",
    "GroupDescriptives",
    "HolmInterval",
    "IntraclassCorrelation",
    "InvarianceResult",
    "InvarianceVerdict",
    "ItemCounts",
    "ItemDistribution",
    "ItemMoments",
    "LayerContrast",
    "LayerMean",
    "MissingReason",
    "MixedModelResult",
    "ModelComparison",
    "Moments",
    "OverlappingComparison",
    "PairedComparison",
    "PairwiseDifference",
    "Reliability",
    "Scale",
    "ScaleScores",
    "SignificanceTest",
    "SurveySummary",
    "TwoGroupComparison",
    "VarianceComponents",
    "adjust_pvalues",
    "benjamini_hochberg",
    "compare_groups",
    "compare_two",
    "compare_with_rest",
    "cronbach_alpha",
    "cross_groups",
    "describe",
    "driver_analysis",
    "favourable_shares",
    "games_howell",
    "holm",
    "holm_intervals",
    "icc",
    "icc_from_moments",
    "invariance_by_dimension",
    "item_distribution",
    "kruskal_wallis",
    "layer_mixed_model",
    "measurement_invariance",
    "omega_total",
    "oneway_anova",
    "paired",
    "paired_many",
    "partially_overlapping",
    "relative_importance_from_correlation",
    "reliability",
    "reliability_by_dimension",
    "reliability_from_cross_products",
    "reverse_key",
    "rwg",
    "rwg_from_moments",
    "rwg_j",
    "rwg_j_from_moments",
    "scale_scores",
    "summarize",
    "welch_anova",
]
