"""The perception gaps' primary test and their measurement invariance, per comparison and dimension.

* **Mixed model** (`app.stats.mixed.layer_mixed_model`): ``score ~ side + (1 | team)`` by REML, Satterthwaite df;
  the contrast a - b with its interval, t, df and p, Holm-adjusted over every mixed-model test of the report; the
  variance components, ICC and design effect; the same contrast's CR2 cluster-robust SE, t, df and p as a check.
  Welch and Mann-Whitney stay beside it as secondary figures.
* **Measurement invariance** (`app.stats.invariance.measurement_invariance`): configural, metric and scalar
  one-factor models of the dimension's keyed statements across the two sides, with the verdict.

Who enters (docs/anonymity.md, "Models"): exactly the respondents behind the comparison's published figures -- those
of side a and side b (layer cells of the scope that both the respondents' map and the dimension's map show, the
sides' own union test included) who answered every statement of the dimension; a comparison or dimension whose
figures are hidden makes no model. The clusters are the units where the respondents' answers count
(`ReportContext.rollup`: a team, or a department's own group; a group too small to stand alone already counts with
its parent), so no cluster is a group the maps would not let stand alone. What is published is not additive (a
contrast, its SE/df/p and its CR2 SE/t/df/p, variance components, ICC, design effect, chi-square, CFI, RMSEA)
plus the number of clusters; the model's n are the sides' published n; per-team effects (BLUPs), per-cell means,
per-team residuals and per-group loadings are never published.

Minimum sizes: the mixed model needs respondents in at least ``MIN_CLUSTERS`` = 5 teams (below that REML variance
estimates are unreliable; McNeish & Stapleton 2016), else ``too_few_clusters``. A multi-group factor model needs,
per group, at least ``MIN_CFA_GROUP`` = 30 respondents who answered every statement of the dimension, and more than
the dimension's statements (the configural model estimates 3k parameters per group from k + k(k+1)/2 moments; with
fewer than ~30 the ML chi-square and CFI are unreliable and often do not converge), else ``group_too_small``;
a dimension of fewer than 3 statements has no testable one-factor model (``too_few_items``).

Both are cached per loaded answers (like the scale scores) and per tree, layers and threshold (the maps' key: the
clusters and the sides follow the roll-up), so the data-quality note and repeated reads fit each model once.
"""

import uuid
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from app.reports.context import ReportContext
from app.reports.data import SurveyData
from app.reports.figures import AdjustedInterval, Interval, PValue, num
from app.reports.gaps_schemas import (
    ClusterRobustCheck,
    InvarianceFit,
    InvarianceStep,
    MeasurementInvariance,
    MixedModelGap,
)
from app.reports.readings import (
    ALPHA,
    LANGS,
    Phrase,
    invariance_reading,
    is_significant,
    mixed_explanation,
    mixed_reading,
)
from app.stats import holm, holm_intervals
from app.stats.invariance import CfaFit, InvarianceResult, ModelComparison, measurement_invariance
from app.stats.mixed import LayerContrast, MixedModelResult, layer_mixed_model

MIN_CLUSTERS = 5
MIN_CFA_GROUP = 30
MAX_CFI_DROP = 0.01  # a restriction holds when CFI drops by no more (Cheung & Rensvold 2002); the stats default

Side = tuple[uuid.UUID, ...]  # layer ids
T = TypeVar("T")


@dataclass(frozen=True)
class ModelPlan:
    """A comparison's two sides: what they are (`sides`, e.g. ("layers", a's layer ids, b's) or ("rest", unit):
    the cache key with the scope) and their respondent masks (current frame)."""

    sides: tuple[object, ...]
    a_mask: npt.NDArray[np.bool_]
    b_mask: npt.NDArray[np.bool_]

    @classmethod
    def layers(cls, a: Side, b: Side, a_mask: npt.NDArray[np.bool_], b_mask: npt.NDArray[np.bool_]) -> "ModelPlan":
        return cls(("layers", a, b), a_mask, b_mask)


Key = tuple[object, ...]
_fits: "weakref.WeakKeyDictionary[SurveyData, dict[Key, object]]" = weakref.WeakKeyDictionary()
_derived: "weakref.WeakKeyDictionary[SurveyData, dict[object, npt.NDArray[np.float64] | npt.NDArray[np.int64]]]" = \
    weakref.WeakKeyDictionary()


def _layout_key(ctx: ReportContext) -> tuple[object, ...]:
    """What the roll-up (and so the clusters) follows from: the maps' key (survey, responses, k, tree and layers)."""
    return ctx._base.key


def _clusters(ctx: ReportContext) -> npt.NDArray[np.int64]:
    """Per respondent, a code of the unit where their answers count (after the roll-up of small own groups)."""
    found = _derived.setdefault(ctx.data, {})
    key = ("clusters", _layout_key(ctx))
    if key not in found:
        codes: dict[object, int] = {}
        per_unit = np.array([codes.setdefault(ctx.rollup.reporting_unit(u), len(codes))
                             for u in ctx.data.unit_ids], dtype=np.int64)
        found[key] = per_unit[ctx.data.unit_codes] if per_unit.size else np.zeros(ctx.data.n, np.int64)
    return np.asarray(found[key], dtype=np.int64)


def _keyed(ctx: ReportContext) -> npt.NDArray[np.float64]:
    found = _derived.setdefault(ctx.data, {})
    if "keyed" not in found:
        s = ctx.data.scale
        found["keyed"] = s.reverse_key(np.asarray(ctx.data.current, dtype=np.float64))  # each item on its own range
    return np.asarray(found["keyed"], dtype=np.float64)


def _cached(ctx: ReportContext, key: Key, make: Callable[[], T]) -> T:
    store = _fits.setdefault(ctx.data, {})
    if key not in store:
        store[key] = make()
    return store[key]  # type: ignore[return-value]


def fit_mixed(ctx: ReportContext, plan: ModelPlan, d: int) -> MixedModelResult:
    """The mixed model of dimension `d`, side a against side b (a - b), on the sides' respondents with a score."""
    def make() -> MixedModelResult:
        y = ctx.scores("current")[:, d]
        m = (plan.a_mask | plan.b_mask) & ~np.isnan(y)
        return layer_mixed_model(y[m], clusters=_clusters(ctx)[m], layers=np.where(plan.a_mask[m], 0, 1),
                                 layer_order=[0, 1], min_clusters=MIN_CLUSTERS)
    return _cached(ctx, ("mixed", _layout_key(ctx), ctx.scope, plan.sides, d), make)


def cfa_group_size(ctx: ReportContext) -> int:
    return max(MIN_CFA_GROUP, ctx.k)


def fit_invariance(ctx: ReportContext, plan: ModelPlan, d: int) -> InvarianceResult:
    """Configural, metric and scalar invariance of dimension `d`'s keyed statements, side a against side b."""
    def make() -> InvarianceResult:
        items = ctx.data.scale.items_of(d)
        m = (plan.a_mask | plan.b_mask) & ~np.isnan(ctx.scores("current")[:, d])
        groups = np.where(plan.a_mask[m], 0, 1)
        return measurement_invariance(_keyed(ctx)[np.ix_(m, items)], groups, group_order=[0, 1],
                                      min_group_size=cfa_group_size(ctx), max_cfi_drop=MAX_CFI_DROP)
    return _cached(ctx, ("invariance", _layout_key(ctx), ctx.scope, plan.sides, d), make)


# ------------------------------------------------------------------------------------------------ response pieces

def _fit(f: CfaFit) -> InvarianceFit:
    return InvarianceFit(model=f.model, chisq=num(f.chisq), df=f.df, p=num(f.pvalue), cfi=num(f.cfi),
                         rmsea=num(f.rmsea))


def _step(c: ModelComparison) -> InvarianceStep:
    return InvarianceStep(chisq=num(c.chisq), df=c.df, p=num(c.pvalue), delta_cfi=num(c.delta_cfi),
                          delta_rmsea=num(c.delta_rmsea), holds=c.holds)


def invariance_figures(ctx: ReportContext, r: InvarianceResult, a: Phrase, b: Phrase,
                       dimension: dict[str, str]) -> MeasurementInvariance:
    reason = r.reason.value if r.reason else None
    return MeasurementInvariance(
        verdict=r.verdict.value, reason=reason, min_group_size=cfa_group_size(ctx),
        configural=_fit(r.configural) if r.configural else None, metric=_fit(r.metric) if r.metric else None,
        scalar=_fit(r.scalar) if r.scalar else None,
        metric_vs_configural=_step(r.metric_vs_configural) if r.metric_vs_configural else None,
        scalar_vs_metric=_step(r.scalar_vs_metric) if r.scalar_vs_metric else None,
        reading=invariance_reading(a, b, dimension, r.verdict.value, reason, cfa_group_size(ctx)))


def _unfitted(r: MixedModelResult) -> MixedModelGap:
    reason = r.reason.value if r.reason else "not_estimable"
    return MixedModelGap(fitted=False, reason=reason, explanation=mixed_explanation(reason, MIN_CLUSTERS),
                         n_clusters=None, difference=None, difference_ci=None, se=None, t=None, df=None, test=None,
                         significant=None, variance_between=None, variance_within=None, icc=None,
                         design_effect=None, at_boundary=None, reading=None)


def _robust(c: LayerContrast) -> ClusterRobustCheck | None:
    r = c.robust
    if r is None:
        return None
    return ClusterRobustCheck(se=num(r.se), t=num(r.test.statistic), df=num(r.test.df), p=num(r.test.pvalue))


Cell = tuple[int, int]  # (comparison, dimension)


def model_figures(ctx: ReportContext, plans: Sequence[ModelPlan], words: Sequence[tuple[Phrase, Phrase]],
                  shown: Sequence[Cell], names: dict[str, list[str]], *, invariance: bool = True
                  ) -> tuple[dict[Cell, MixedModelGap], dict[Cell, MeasurementInvariance],
                             dict[Cell, AdjustedInterval]]:
    """The mixed model and invariance of every shown (comparison, dimension) with scores on both sides; Holm over
    the fitted mixed tests, and each fitted test's Holm-compatible interval over that same family (the report's
    verdict where the model is fitted)."""
    fits = {key: fit_mixed(ctx, plans[key[0]], key[1]) for key in shown}
    fitted = [key for key in shown if fits[key].reason is None and fits[key].contrasts[0].test.pvalue is not None]
    contrasts = [fits[key].contrasts[0] for key in fitted]
    family = holm([c.test.pvalue for c in contrasts])
    adjusted = dict(zip(fitted, family.adjusted, strict=True))
    agreeing = holm_intervals([c.difference.value for c in contrasts], [c.se for c in contrasts],
                              [c.test.df for c in contrasts], [c.test.pvalue for c in contrasts], alpha=ALPHA)
    verdict_ci = {key: AdjustedInterval(low=num(ci.low), high=num(ci.high), level=ci.level,
                                        excludes_zero=ci.excludes_zero, family_size=family.n_tests)
                  for key, ci in zip(fitted, agreeing, strict=True) if ci is not None}
    mixed: dict[Cell, MixedModelGap] = {}
    readings: dict[Cell, MeasurementInvariance] = {}
    for key in shown:
        i, d = key
        if any(m.n == 0 for m in fits[key].means):  # a side without scores (an empty layer): nothing to compare
            continue
        a, b = words[i]
        dimension: dict[str, str] = {lang: names[lang][d] for lang in LANGS}
        if invariance:
            readings[key] = invariance_figures(ctx, fit_invariance(ctx, plans[i], d), a, b, dimension)
        r = fits[key]
        if key not in adjusted:
            mixed[key] = _unfitted(r)
            continue
        c, v = r.contrasts[0], r.variance
        ci = c.difference.ci
        p_adj = adjusted[key]
        mixed[key] = MixedModelGap(
            fitted=True, reason=None, explanation=None, n_clusters=r.n_clusters, difference=num(c.difference.value),
            difference_ci=None if ci is None else Interval(low=num(ci.low), high=num(ci.high), level=ci.level),
            se=num(c.se), t=num(c.test.statistic), df=num(c.test.df),
            test=PValue(p=num(c.test.pvalue), p_adjusted=num(p_adj), correction="holm",
                        family_size=family.n_tests),
            significant=is_significant(p_adj), variance_between=num(v.between) if v else None,
            variance_within=num(v.within) if v else None, icc=num(v.icc) if v else None,
            design_effect=num(v.design_effect) if v else None, at_boundary=v.at_boundary if v else None,
            cluster_robust=_robust(c),
            reading=mixed_reading(a, b, dimension, c.difference.value, p_adj))
    return mixed, readings, verdict_ci
