"""CSV forms of the gap reports: the same figures and the same suppression as the JSON (a hidden comparison or
group is one row with `suppressed` = true, its reason in `reason`, and empty figure cells); `outcome` is the JSON's
flag of the row's dimension (the questionnaire's outcome scale)."""

from collections.abc import Iterator, Sequence

from app.reports.figures import AdjustedInterval, Interval, PValue
from app.reports.gaps_schemas import Comparison, DesiredGap, GapFigures, GapSide, InvarianceFit, InvarianceStep
from app.reports.readings import Reading

Row = Sequence[str | int | float | bool | None]

COMPARISON_COLUMNS = [
    "a", "a_layers", "a_unit_path", "a_n", "b", "b_layers", "b_unit_path", "b_n", "suppressed", "dimension", "name",
    "outcome", "n_a", "n_b", "mean_a", "mean_b", "difference", "difference_ci_low", "difference_ci_high",
    "difference_ci_holm_low", "difference_ci_holm_high", "hedges_g",
    "hedges_g_ci_low", "hedges_g_ci_high", "effect_size", "welch_t", "welch_df", "welch_p", "welch_p_adjusted",
    "welch_family_size", "mann_whitney_u", "mann_whitney_p", "mann_whitney_p_adjusted", "mann_whitney_family_size",
    "correction", "significant", "verdict_test", "reason", "reading_en", "reading_nl"]

_FITS = [f"{model}_{stat}" for model in ("configural", "metric", "scalar") for stat in ("chisq", "df", "cfi", "rmsea")]
MODEL_COLUMNS = [
    "mixed_fitted", "mixed_reason", "mixed_n_clusters", "mixed_difference", "mixed_ci_low", "mixed_ci_high",
    "mixed_se", "mixed_t", "mixed_df", "mixed_p", "mixed_p_adjusted", "mixed_family_size", "mixed_significant",
    "mixed_cr2_se", "mixed_cr2_t", "mixed_cr2_df", "mixed_cr2_p", "variance_between", "variance_within", "icc",
    "design_effect", "mixed_reading_en", "mixed_reading_nl",
    "mixed_explanation_en", "mixed_explanation_nl", "invariance_verdict", "invariance_reason",
    "invariance_min_group_size", *_FITS, "metric_chisq_diff", "metric_df_diff", "metric_diff_p", "metric_delta_cfi",
    "scalar_chisq_diff", "scalar_df_diff", "scalar_diff_p", "scalar_delta_cfi", "invariance_reading_en",
    "invariance_reading_nl"]
"""Perception gaps only: the mixed model (primary test) and measurement invariance (empty in team gaps)."""

DESIRED_COLUMNS = [
    "unit_id", "unit_path", "layer", "group_n", "suppressed", "kind", "key", "dimension", "name", "outcome", "rank",
    "n", "n_current", "n_desired", "mean_current", "mean_desired", "gap", "gap_ci_low", "gap_ci_high",
    "gap_ci_holm_low", "gap_ci_holm_high", "t", "df", "t_p",
    "t_p_adjusted", "t_family_size", "wilcoxon_v", "wilcoxon_p", "wilcoxon_p_adjusted", "wilcoxon_family_size",
    "correction", "d_av", "effect_size", "significant", "reason", "reading_en", "reading_nl"]


def _ci(ci: Interval | None) -> list[float | None]:
    return [None, None] if ci is None else [ci.low, ci.high]


def _holm(ci: AdjustedInterval | None) -> list[float | None]:
    return [None, None] if ci is None else [ci.low, ci.high]


def _p(p: PValue | None) -> list[float | int | None]:
    return [None, None, None] if p is None else [p.p, p.p_adjusted, p.family_size]


def _side(side: GapSide) -> list[str | int | None]:
    return [side.name, "+".join(side.layer_keys), "/".join(side.unit_path), side.n]


def _reading(r: Reading | None) -> list[str | None]:
    return [None, None] if r is None else [r.en, r.nl]


def _fit(f: InvarianceFit | None) -> list[float | int | None]:
    return [None] * 4 if f is None else [f.chisq, f.df, f.cfi, f.rmsea]


def _step(s: InvarianceStep | None) -> list[float | int | None]:
    return [None] * 4 if s is None else [s.chisq, s.df, s.p, s.delta_cfi]


def model_cells(f: GapFigures) -> list[str | int | float | bool | None]:
    """The MODEL_COLUMNS of one dimension's figures."""
    out: list[str | int | float | bool | None] = []
    m = f.mixed_model
    if m is None:
        out += [None] * 25
    else:
        ci = [None, None] if m.difference_ci is None else [m.difference_ci.low, m.difference_ci.high]
        cr2 = m.cluster_robust
        robust = [None] * 4 if cr2 is None else [cr2.se, cr2.t, cr2.df, cr2.p]
        out += [m.fitted, m.reason, m.n_clusters, m.difference, *ci, m.se, m.t, m.df, *_p(m.test), m.significant,
                *robust, m.variance_between, m.variance_within, m.icc, m.design_effect, *_reading(m.reading),
                *_reading(m.explanation)]
    i = f.invariance
    if i is None:
        return [*out, *[None] * (len(MODEL_COLUMNS) - len(out))]
    return [*out, i.verdict, i.reason, i.min_group_size, *_fit(i.configural), *_fit(i.metric), *_fit(i.scalar),
            *_step(i.metric_vs_configural), *_step(i.scalar_vs_metric), *_reading(i.reading)]


def comparison_rows(comparisons: Sequence[Comparison], *, models: bool = False) -> Iterator[Row]:
    """One row per comparison and dimension; one row without figures for a suppressed comparison. `models`: add
    the MODEL_COLUMNS (perception gaps)."""
    extra = [None] * len(MODEL_COLUMNS) if models else []
    for c in comparisons:
        head: list[str | int | float | bool | None] = [*_side(c.a), *_side(c.b), c.suppressed]
        if c.suppressed:
            yield [*head, *[None] * (len(COMPARISON_COLUMNS) - len(head) - 3), c.reason, None, None, *extra]
        for f in c.dimensions:
            reading = [None, None] if f.reading is None else [f.reading.en, f.reading.nl]
            yield [*head, f.key, f.name, f.outcome, f.n_a, f.n_b, f.mean_a, f.mean_b, f.difference,
                   *_ci(f.difference_ci),
                   *_holm(f.difference_ci_holm), f.hedges_g, *_ci(f.hedges_g_ci), f.effect_size, f.welch_t,
                   f.welch_df, *_p(f.welch),
                   f.mann_whitney_u, *_p(f.mann_whitney), "holm" if f.welch or f.mann_whitney else None,
                   f.significant, f.verdict_test, f.reason, *reading, *(model_cells(f) if models else [])]


def desired_rows(report: DesiredGap) -> Iterator[Row]:
    """One row per group and dimension or item; one row without figures for a suppressed group."""
    for group in report.groups:
        g = group.group
        head: list[str | int | float | bool | None] = [str(g.unit_id) if g.unit_id else None, "/".join(g.unit_path),
                                                       g.layer_key, g.n, group.suppressed]
        if group.suppressed:
            yield [*head, *[None] * (len(DESIRED_COLUMNS) - len(head) - 3), g.reason, None, None]
        for kind, gaps in (("dimension", group.dimensions), ("item", group.items)):
            for f in gaps:
                reading = [None, None] if f.reading is None else [f.reading.en, f.reading.nl]
                yield [*head, kind, f.key, f.dimension_key, f.name, f.outcome, f.rank, f.n, f.n_current, f.n_desired,
                       f.mean_current, f.mean_desired, f.gap, *_ci(f.gap_ci),
                       *_holm(f.gap_ci_holm), f.t, f.df, *_p(f.t_test), f.wilcoxon_v,
                       *_p(f.wilcoxon), "holm" if f.t_test or f.wilcoxon else None, f.d_av, f.effect_size,
                       f.significant, f.reason, *reading]
