"""The statements report: every figure is one that another report already publishes for the same cell, built by
the same code under the same maps -- the current frame as the profile (`item_figures`), the desired frame as the
profile would with the desired answers (shown only where the cell is visible in the respondents' map and both
frames' maps of the dimension), the previous wave as that wave's profile (its own maps) and the change as the trend
report. Differences (`gap`, `favourable_change`, `neutral`) are of published figures only."""

import dataclasses
import uuid

import numpy as np
from sqlalchemy.orm import Session

from app.errors import Unprocessable
from app.reports.anonymity import ALL
from app.reports.context import Cell, ReportContext
from app.reports.items_schemas import (
    ItemProfileReport,
    ItemProfileUnits,
    Statement,
    StatementDimension,
    StatementFigures,
)
from app.reports.profile_schemas import ItemProfile, Lang
from app.reports.profile_service import culture_profile, group_ref, item_figures
from app.reports.trend_schemas import Change
from app.reports.trend_service import OTHER_SCALE, dimension_range, previous_wave, trend, wave_contexts
from app.stats import summarize


def _figures(item: ItemProfile | None, why: str = "not_asked") -> StatementFigures:
    if item is None:
        return StatementFigures(n=None, mean=None, ci=None, favourable=None, neutral=None, unfavourable=None,
                                distribution=[], reason=why)
    neutral = None
    if item.favourable is not None and item.unfavourable is not None:
        neutral = max(0.0, 1.0 - item.favourable - item.unfavourable)
    return StatementFigures(n=item.n, mean=item.mean, ci=item.ci, favourable=item.favourable, neutral=neutral,
                            unfavourable=item.unfavourable, distribution=item.distribution, reason=item.reason)


def _desired_items(ctx: ReportContext, lang: Lang) -> dict[str, ItemProfile]:
    """The desired frame's statement figures of the scope cell, by key (empty when not asked)."""
    data = ctx.data
    if not ctx.survey.ask_desired or data.desired is None:
        return {}
    cell: Cell = (ctx.scope, ALL)
    mask = ctx.members(cell)
    if mask.any():
        summary = summarize(data.desired[mask], scale=data.scale, groups=np.zeros(int(mask.sum()), dtype=np.int64))
    else:
        summary = summarize(np.full((1, data.scale.n_items), np.nan), scale=data.scale, groups=[0])
    return {i.key: i for d in range(data.scale.n_dimensions)
            for i in item_figures(ctx, summary, cell, mask, d, lang, "desired")}


def _earlier(session: Session, ctx: ReportContext) -> ReportContext | None:
    """The previous wave's context at the same scope, or None without a previous wave. (Statements compare with the
    previous wave only: one whose dimension changed scale there gives `other_scale`; the trend report looks back
    further.)"""
    try:
        earlier = previous_wave(session, ctx)[-1]
    except Unprocessable:
        return None
    return wave_contexts(session, ctx, [earlier])[0]


def _previous(earlier: ReportContext | None, ctx: ReportContext,
              lang: Lang) -> tuple[ReportContext | None, dict[str, Change]]:
    """The previous wave's context and the trend's change of each statement (by key); (None, {}) without one."""
    if earlier is None:
        return None, {}
    report = trend([earlier, ctx], lang)
    return earlier, {i.key: i.changes[0] for i in report.items if i.changes}


def at_scope(ctx: ReportContext, unit: uuid.UUID | None) -> ReportContext:
    """The same survey's context with another scope: the same answers, maps and caches (the maps are global, the
    scope only picks the cell), as `item-profile?unit_id=<unit>` would build it."""
    return dataclasses.replace(ctx, scope=unit, _load=lambda: ctx.data)


def _gap(current: ItemProfile, desired: ItemProfile | None) -> float | None:
    if desired is None or current.mean is None or desired.mean is None:
        return None
    return (desired.mean - current.mean) * (-1.0 if current.reverse else 1.0)


def item_profile(session: Session, ctx: ReportContext, lang: Lang) -> ItemProfileReport:
    """The statements of the scope, against the previous wave when there is one."""
    return _statements(ctx, _earlier(session, ctx), lang)


def _statements(ctx: ReportContext, wave_before: ReportContext | None, lang: Lang) -> ItemProfileReport:
    profile = culture_profile(ctx, lang)
    asked = bool(ctx.survey.ask_desired and ctx.data.desired is not None)
    report = ItemProfileReport(survey_id=ctx.survey.id, language=lang, min_group_size=ctx.k, group=profile.group,
                               suppressed=profile.suppressed, ask_desired=asked, previous_survey_id=None,
                               dimensions=[])
    if profile.suppressed:
        return report
    desired = _desired_items(ctx, lang)
    earlier, changes = _previous(wave_before, ctx, lang)
    before: dict[str, ItemProfile] = {}
    old_reason = "below_minimum"
    if earlier is not None:
        report.previous_survey_id = earlier.survey.id
        old = culture_profile(earlier, lang)
        before = {i.key: i for d in old.dimensions for i in d.items}
        old_reason = old.group.reason or old_reason
    seen = ctx.data.answered[ctx.members((ctx.scope, ALL))].sum(axis=0)
    keys = [i.key for i in ctx.data.definition.items]
    for d in profile.dimensions:
        statements = []
        for i in d.items:
            j = keys.index(i.key)
            total = None if i.dont_know is None else int(seen[j]) + i.dont_know
            share = None if i.dont_know is None or not total else i.dont_know / total
            was = before.get(i.key)
            prev = None
            if earlier is not None:
                then = earlier.data.definition.item_by_key.get(i.key)
                other = then is not None and dimension_range(earlier, then.dimension_key) != dimension_range(ctx, d.key)
                was = None if other else was  # asked on another scale then: not set beside today's figures
                prev = _figures(was, "not_asked" if then is None else OTHER_SCALE if other else old_reason)
            change_fav = None
            if was is not None and was.favourable is not None and i.favourable is not None:
                change_fav = i.favourable - was.favourable
            statements.append(Statement(
                key=i.key, text=i.text, reverse=i.reverse, dont_know=i.dont_know, seen=total,
                dont_know_share=share, current=_figures(i),
                desired=_figures(desired.get(i.key)) if asked else None, gap=_gap(i, desired.get(i.key)),
                previous=prev, change=changes.get(i.key) if earlier is not None else None,
                favourable_change=change_fav))
        report.dimensions.append(StatementDimension(key=d.key, name=d.name, outcome=d.outcome, n=d.n, reason=d.reason,
                                                    statements=statements))
    return report


def item_profile_children(session: Session, ctx: ReportContext, lang: Lang) -> ItemProfileUnits:
    """`level=children`: each child unit of the scope's statements, exactly as `item-profile?unit_id=<child>`
    answers them (the same figures under the same maps, a hidden child `suppressed` with its reason), in one answer;
    the previous wave is found once."""
    before = _earlier(session, ctx)
    units = [_statements(at_scope(ctx, unit), None if before is None else at_scope(before, unit), lang)
             for unit in ctx.child_units(ctx.scope)]
    return ItemProfileUnits(survey_id=ctx.survey.id, language=lang, min_group_size=ctx.k, level="children",
                            scope=group_ref(ctx, ctx.scope), units=units)
