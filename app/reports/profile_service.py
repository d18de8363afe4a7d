"""The culture profile of a scope, and the helpers the breakdown and data-quality reports share with it.

Everything is computed by `app.stats` from the answers `ReportDep` loaded; this module only picks the respondents
of visible groups, calls the statistics and names the figures.
"""

import uuid
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from app.questionnaires.service import QuestionnaireDefinition
from app.reports.anonymity import ALL, REASONS, SuppressionMap
from app.reports.context import Cell, Frame, LayerRef, ReportContext
from app.reports.figures import GroupRef, Interval, num
from app.reports.item_fit import item_fit
from app.reports.profile_schemas import (
    AnswerCount,
    CultureProfile,
    DimensionProfile,
    DimensionReliability,
    ItemProfile,
    Lang,
    ScorePoint,
)
from app.reports.rollup import RollUp
from app.stats import ConfidenceInterval, Moments, Reliability, SurveySummary, describe, item_distribution, summarize

LOW_ALPHA = 0.7


def n_top(ctx: ReportContext) -> list[int]:
    """Per dimension, the answer options counted as favourable (and as unfavourable) on the dimension's own scale:
    the top (bottom) two, or one on scales of fewer than four points."""
    scale = ctx.data.scale
    return [2 if scale.options_of(d) >= 4 else 1 for d in range(scale.n_dimensions)]


def localised(texts: Mapping[str, str], lang: str, definition: QuestionnaireDefinition, fallback: str) -> str:
    """`texts` in `lang`, else in the questionnaire's first language, else `fallback`."""
    return texts.get(lang) or texts.get(definition.languages[0]) or fallback


def dimension_names(ctx: ReportContext, lang: Lang) -> list[str]:
    """Names of the scale's dimensions (in `data.scale.dimensions` order) in `lang`."""
    definition = ctx.data.definition
    by_key = {d.key: d for d in definition.dimensions}
    return [localised(by_key[k].names, lang, definition, k) if k in by_key else k for k in ctx.data.scale.dimensions]


def interval(ci: ConfidenceInterval | None) -> Interval | None:
    return None if ci is None else Interval(low=num(ci.low), high=num(ci.high), level=ci.level)


def group_ref(ctx: ReportContext, unit: uuid.UUID | None, layer: LayerRef = ALL) -> GroupRef:
    """The group `(unit, layer)`; n only when the cell is visible; where its units' own respondents count."""
    return group_refs(ctx, [(unit, layer)])[0]


def group_refs(ctx: ReportContext, cells: Sequence[Cell], smap: SuppressionMap | None = None,
               rollup: RollUp | None = None) -> list[GroupRef]:
    """`group_ref` of every cell, reading the map once for all; under `smap` and its `rollup` (default: the
    respondents' map and roll-up)."""
    smap = ctx.suppression if smap is None else smap
    rollup = ctx.rollup if rollup is None else rollup
    index = smap.layout.cell_index(cells)
    keys = {lay.id: lay.key for lay in ctx.layers}
    refs = []
    for (unit, layer), code, n in zip(cells, smap.reason_codes(index).tolist(), smap.counts_at(index).tolist(),
                                      strict=True):
        counted_at = None
        if unit is not None and rollup.moved(unit):
            counted_at = ctx.unit_path(rollup.reporting_unit(unit))
        refs.append(GroupRef(
            unit_id=unit, unit_name=ctx.unit_name(unit), unit_path=ctx.unit_path(unit),
            layer_key=None if layer is ALL or layer is None else keys.get(layer), n=None if code else n,
            suppressed=code != 0, reason=REASONS[code], own_counted_at=counted_at,
            counts_own_of=sorted(ctx.unit_path(u) for u in rollup.counts_own_of(unit))))
    return refs


def summarize_rows(ctx: ReportContext, mask: npt.NDArray[np.bool_]) -> SurveySummary | None:
    """The answers of the respondents in `mask` as one group (cross-products for reliability included); None for
    nobody."""
    if not mask.any():
        return None
    return summarize(ctx.data.current[mask], scale=ctx.data.scale, groups=np.zeros(int(mask.sum()), dtype=np.int64))


def summarize_cells(ctx: ReportContext, cells: list[Cell]) -> tuple[SurveySummary, list[int | None]]:
    """One pass over every respondent, grouped by the disjoint `cells` (the rest in a group of its own): returns
    the summary and, per cell, its row in the summary (None when the cell is empty). Regroup the whole summary
    into one group for organisation-wide figures. Cross-products cover every respondent: no reliability from it."""
    codes = ctx.group_codes(cells)
    summary = summarize(ctx.data.current, scale=ctx.data.scale, groups=codes)
    position = {int(label): i for i, label in enumerate(summary.labels.tolist())}
    return summary, [position.get(i) for i in range(len(cells))]


def reliability_figures(rel: Reliability) -> DimensionReliability:
    alpha = rel.alpha.value
    return DimensionReliability(
        n=rel.n_respondents, alpha=num(alpha), alpha_ci=interval(rel.alpha.ci), omega=num(rel.omega_total.value),
        reason=rel.alpha.reason.value if rel.alpha.reason else None,
        omega_reason=rel.omega_total.reason.value if rel.omega_total.reason else None,
        low_alpha=None if alpha is None else alpha < LOW_ALPHA)


def item_figures(ctx: ReportContext, summary: SurveySummary, cell: Cell, mask: npt.NDArray[np.bool_], d: int,
                 lang: Lang, frame: Frame = "current", reliability: Reliability | None = None) -> list[ItemProfile]:
    """The items of dimension `d` in `cell` (`summary`: the cell's answers in `frame`): their figures rest on the
    dimension's family in that frame (those who answered all of its items), so they are shown where the dimension
    is; in the desired frame only where the current frame's family is shown too (as the desired gap). The
    don't-know count (current frame) is a count over the cell. With `reliability` (the dimension's, over the same
    respondents), each shown item gets its corrected item-total correlation and alpha if deleted
    (`app.reports.item_fit`)."""
    data, definition = ctx.data, ctx.data.definition
    scale = data.scale
    moments = summary.item_counts.moments()
    per_item = describe(Moments(np.arange(scale.n_items), moments.n[0], moments.mean[0], moments.ss[0]))
    dist = item_distribution(summary.item_counts, scale=scale, n_top=n_top(ctx))
    dont_know = data.dont_know_answers[mask].sum(axis=0)
    own = definition.scale_of(scale.dimensions[d])  # the dimension's own scale (or the questionnaire's)
    labels = own.labels.get(lang) or own.labels.get(definition.languages[0]) or []
    first = own.min - scale.scale_min  # the dimension's first option among the counted (envelope) options
    values = list(range(own.min, own.max + 1))
    out = []
    fit = item_fit(reliability, len(scale.items_of(d)))
    for position, j in enumerate(scale.items_of(d).tolist()):
        item = definition.items[j]
        text = localised(item.texts, lang, definition, item.key)
        dk = int(dont_know[j]) if ctx.visible(*cell) and frame == "current" else None
        hidden = ctx.hidden_reason(*cell, smap=ctx.item_map(j, frame))
        if frame == "desired":
            hidden = ctx.hidden_reason(*cell, smap=ctx.item_map(j)) or hidden
        if hidden:
            out.append(ItemProfile(key=item.key, text=text, reverse=item.reverse, n=None, mean=None, ci=None,
                                   reason=hidden, distribution=[], dont_know=dk, favourable=None,
                                   unfavourable=None))
            continue
        reason = per_item.reasons[j]
        out.append(ItemProfile(
            key=item.key, text=text, reverse=item.reverse,
            n=int(per_item.n[j]), mean=num(per_item.mean[j]), ci=interval(per_item.ci(j)),
            reason=reason.value if reason else None,
            distribution=[AnswerCount(value=v, label=labels[a] if a < len(labels) else None,
                                      count=int(dist.counts[0, j, first + a])) for a, v in enumerate(values)],
            dont_know=dk, favourable=num(dist.favourable[0, j]),
            unfavourable=num(dist.unfavourable[0, j]), **fit[position]))
    return out


def culture_profile(ctx: ReportContext, lang: Lang) -> CultureProfile:
    """Scale scores, shares, reliability and item distributions of the scope (`(scope, ALL)`), if visible; each
    dimension's figures (its items' too) only where its family -- those who answered all of its items -- is
    visible (`dimension_visible`)."""
    cell: Cell = (ctx.scope, ALL)
    group = group_ref(ctx, *cell)
    profile = CultureProfile(survey_id=ctx.survey.id, language=lang, min_group_size=ctx.k, group=group,
                             suppressed=group.suppressed, dimensions=[])
    if group.suppressed:
        return profile
    mask = ctx.members(cell)
    summary = summarize_rows(ctx, mask)
    if summary is None:
        summary = summarize(np.full((1, ctx.data.scale.n_items), np.nan), scale=ctx.data.scale, groups=[0])
    names = dimension_names(ctx, lang)
    shares = summary.favourable(n_top=n_top(ctx))
    for d, key in enumerate(ctx.data.scale.dimensions):
        outcome = ctx.data.definition.is_outcome(key)
        reliability = summary.reliability(d)
        items = item_figures(ctx, summary, cell, mask, d, lang, reliability=reliability)
        hidden = ctx.hidden_reason(*cell, smap=ctx.dimension_map(d))
        if hidden:
            profile.dimensions.append(DimensionProfile(
                key=key, name=names[d], outcome=outcome, n=None, mean=None, sd=None, ci=None, reason=hidden,
                score_distribution=[],
                reliability=None, items=items, n_answers=None, favourable=None, unfavourable=None))
            continue
        share_figures = dict(n_answers=int(shares.n_answers[0, d]), favourable=num(shares.favourable[0, d]),
                             unfavourable=num(shares.unfavourable[0, d]))
        desc = summary.descriptives(d)
        table = summary.score_tables[d]
        reason = desc.reasons[0]
        profile.dimensions.append(DimensionProfile(
            key=key, name=names[d], outcome=outcome, n=int(desc.n[0]), mean=num(desc.mean[0]), sd=num(desc.sd[0]),
            ci=interval(desc.ci(0)), reason=reason.value if reason else None, **share_figures,
            score_distribution=[ScorePoint(score=float(v), count=int(c))
                                for v, c in zip(table.values.tolist(), table.counts[0].tolist(), strict=True) if c],
            reliability=reliability_figures(reliability), items=items))
    return profile
