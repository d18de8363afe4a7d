"""Breakdowns of the scale scores by unit, layer or both, and the unit x dimension heatmap.

A group's figures on a dimension are shown only where its respondents with a scale score on that dimension are a
visible cell too (`ReportContext.hidden_reason`); the others say why they are hidden."""

import uuid
from dataclasses import dataclass

import numpy as np

from app.reports.anonymity import ALL
from app.reports.context import Cell, ReportContext
from app.reports.figures import num
from app.reports.profile_schemas import (
    Breakdown,
    BreakdownGroup,
    By,
    DimensionFigure,
    HeatCell,
    HeatColumn,
    HeatLevel,
    Heatmap,
    HeatRow,
    Lang,
    Level,
)
from app.reports.profile_service import dimension_names, group_ref, interval, summarize_cells
from app.stats import GroupDescriptives

ORGANISATION: Cell = (None, ALL)


def units_of(ctx: ReportContext, level: Level) -> list[uuid.UUID]:
    """The scope's child units, or every leaf team of the scope."""
    return ctx.teams() if level == "teams" else ctx.child_units(ctx.scope)


def groups_of(ctx: ReportContext, by: By, level: Level) -> list[Cell]:
    layers = [layer.id for layer in ctx.layers]
    if by == "layer":
        return [(ctx.scope, layer) for layer in layers]
    units = units_of(ctx, level)
    if by == "unit":
        return [(unit, ALL) for unit in units]
    return [(unit, layer) for unit in units for layer in layers]


@dataclass(frozen=True)
class _Figures:
    """Descriptives per dimension of the requested (disjoint) cells, of the scope and of the organisation."""

    names: list[str]
    keys: tuple[str, ...]
    cells: list[GroupDescriptives]  # per dimension; row `rows[i]` is cell i
    rows: list[int | None]  # None: the cell is empty
    scope: list[GroupDescriptives]  # per dimension; row 0
    organisation: list[GroupDescriptives]  # per dimension; row 0


def _figures(ctx: ReportContext, cells: list[Cell], lang: Lang) -> _Figures:
    """One pass over every respondent, grouped by the cells; the scope (which may overlap them) and the
    organisation by regrouping the same tables. The scope's respondents outside every cell get a code of their
    own (len(cells)), everyone else -1."""
    summary, rows = summarize_cells(ctx, [*cells, (ctx.scope, ALL)])
    labels = summary.labels.astype(np.int64)
    scope = summary.regroup(np.where(labels >= 0, 0, 1), labels=np.array([0, 1]))
    whole = summary.regroup(np.zeros(labels.shape[0], dtype=np.int64), labels=np.array([0]))
    dims = range(ctx.data.scale.n_dimensions)
    return _Figures(dimension_names(ctx, lang), ctx.data.scale.dimensions, [summary.descriptives(d) for d in dims],
                    rows[:len(cells)], [scope.descriptives(d) for d in dims], [whole.descriptives(d) for d in dims])


def _dimension(figures: _Figures, d: int, row: int | None, hidden: str | None, org_mean: float | None,
               table: list[GroupDescriptives] | None = None) -> DimensionFigure:
    key, name = figures.keys[d], figures.names[d]
    if hidden:
        return DimensionFigure(key=key, name=name, n=None, mean=None, ci=None, diff_from_organisation=None,
                               reason=hidden)
    desc = (figures.cells if table is None else table)[d]
    if row is None or desc.n[row] == 0:
        return DimensionFigure(key=key, name=name, n=0, mean=None, ci=None, diff_from_organisation=None,
                               reason="all_missing")
    mean = num(desc.mean[row])
    reason = desc.reasons[row]
    diff = None if mean is None or org_mean is None else mean - org_mean
    why = reason.value if reason else ("organisation_suppressed" if org_mean is None else None)
    return DimensionFigure(key=key, name=name, n=int(desc.n[row]), mean=mean, ci=interval(desc.ci(row)),
                           diff_from_organisation=diff, reason=why)


def _org_means(ctx: ReportContext, figures: _Figures) -> list[float | None]:
    """The organisation's mean per dimension, None where its scored respondents may not be shown."""
    return [num(desc.mean[0]) if ctx.dimension_visible(d, *ORGANISATION) else None
            for d, desc in enumerate(figures.organisation)]


def breakdown(ctx: ReportContext, by: By, level: Level, lang: Lang) -> Breakdown:
    """Scale scores per group of the scope, each against the organisation-wide mean."""
    cells = groups_of(ctx, by, level)
    figures = _figures(ctx, cells, lang)
    org_means = _org_means(ctx, figures)
    dims = range(len(figures.keys))

    def entry(cell: Cell, row: int | None, table: list[GroupDescriptives] | None = None) -> BreakdownGroup:
        return BreakdownGroup(group=group_ref(ctx, *cell), dimensions=[
            _dimension(figures, d, row, ctx.hidden_reason(*cell, smap=ctx.dimension_map(d)), org_means[d], table)
            for d in dims])

    return Breakdown(survey_id=ctx.survey.id, by=by, level=level, language=lang,
                     organisation=entry(ORGANISATION, 0, figures.organisation),
                     scope=entry((ctx.scope, ALL), 0, figures.scope),
                     groups=[entry(cell, figures.rows[i]) for i, cell in enumerate(cells)])


def _tree_levels(ctx: ReportContext) -> list[list[uuid.UUID]]:
    """The scope unit (not the organisation) and every unit below it, by depth (each depth's units are disjoint
    groups)."""
    levels: list[list[uuid.UUID]] = [] if ctx.scope is None else [[ctx.scope]]
    frontier = ctx.child_units(ctx.scope)
    while frontier:
        levels.append(frontier)
        frontier = [c for u in frontier for c in ctx.child_units(u)]
    return levels


def heatmap(ctx: ReportContext, level: HeatLevel, lang: Lang) -> Heatmap:
    """Units x dimensions: mean scale score and its difference from the organisation-wide mean. `tree`: the scope
    unit and every unit below it (directorates, departments, teams), in tree order; each depth is summarised as one
    set of disjoint groups, every cell through the same suppression as any unit's figures."""
    levels = _tree_levels(ctx) if level == "tree" else [units_of(ctx, level)]
    by_unit: dict[uuid.UUID, HeatRow] = {}
    columns: list[HeatColumn] = []
    for units in levels or [[]]:
        cells: list[Cell] = [(unit, ALL) for unit in units]
        figures = _figures(ctx, cells, lang)
        org_means = _org_means(ctx, figures)
        columns = [HeatColumn(key=k, name=figures.names[d], organisation_mean=org_means[d])
                   for d, k in enumerate(figures.keys)]
        for i, cell in enumerate(cells):
            heat = []
            for d in range(len(figures.keys)):
                hidden = ctx.hidden_reason(*cell, smap=ctx.dimension_map(d))
                f = _dimension(figures, d, figures.rows[i], hidden, org_means[d])
                heat.append(HeatCell(dimension=f.key, n=f.n, mean=f.mean,
                                     diff_from_organisation=f.diff_from_organisation,
                                     suppressed=hidden is not None, reason=hidden))
            by_unit[units[i]] = HeatRow(group=group_ref(ctx, *cell), cells=heat)
    order = [u for u in ctx.tree.subtree(ctx.scope) if u in by_unit] if level == "tree" else list(by_unit)
    return Heatmap(survey_id=ctx.survey.id, level=level, language=lang, columns=columns,
                   rows=[by_unit[u] for u in order])

