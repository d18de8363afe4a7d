"""Breakdowns of the scale scores by unit, layer or both, and the unit x dimension heatmap.

A group's figures on a dimension are shown only where its respondents with a scale score on that dimension are a
visible cell too (`ReportContext.hidden_reason`); the others say why they are hidden."""

import math
import uuid
from dataclasses import dataclass

import numpy as np

from app.reports.anonymity import ALL
from app.reports.context import Cell, ReportContext
from app.reports.figures import GroupRef, HiddenReason, Interval, num
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
from app.reports.profile_service import dimension_names, group_refs, summarize_cells
from app.stats import GroupDescriptives, MissingReason

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
class _Table:
    """One dimension's descriptives of a set of groups (`GroupDescriptives`) as Python values, read per group."""

    n: list[int]
    mean: list[float]
    low: list[float]
    high: list[float]
    level: float
    reasons: tuple[MissingReason | None, ...]

    @classmethod
    def of(cls, desc: GroupDescriptives) -> "_Table":
        return cls(desc.n.tolist(), desc.mean.tolist(), desc.ci_low.tolist(), desc.ci_high.tolist(), desc.level,
                   desc.reasons)


@dataclass(frozen=True)
class _Figures:
    """Descriptives per dimension of the requested (disjoint) cells, of the scope and of the organisation."""

    names: list[str]
    keys: tuple[str, ...]
    outcome: list[bool]  # per dimension: the outcome scale
    cells: list[_Table]  # per dimension; row `rows[i]` is cell i
    rows: list[int | None]  # None: the cell is empty
    scope: list[_Table]  # per dimension; row 0
    organisation: list[_Table]  # per dimension; row 0


def _figures(ctx: ReportContext, cells: list[Cell], lang: Lang) -> _Figures:
    """One pass over every respondent, grouped by the cells; the scope (which may overlap them) and the
    organisation by regrouping the same tables. The scope's respondents outside every cell get a code of their
    own (len(cells)), everyone else -1."""
    summary, rows = summarize_cells(ctx, [*cells, (ctx.scope, ALL)])
    labels = summary.labels.astype(np.int64)
    scope = summary.regroup(np.where(labels >= 0, 0, 1), labels=np.array([0, 1]))
    whole = summary.regroup(np.zeros(labels.shape[0], dtype=np.int64), labels=np.array([0]))
    dims = range(ctx.data.scale.n_dimensions)
    keys = ctx.data.scale.dimensions
    return _Figures(dimension_names(ctx, lang), keys, [ctx.data.definition.is_outcome(k) for k in keys],
                    [_Table.of(summary.descriptives(d)) for d in dims], rows[:len(cells)],
                    [_Table.of(scope.descriptives(d)) for d in dims], [_Table.of(whole.descriptives(d)) for d in dims])


class _Shared:
    """The figures that repeat within one response (a hidden group's, an empty group's, per dimension and
    reason), made once and shared by every group that has them."""

    def __init__(self, figures: _Figures) -> None:
        self.figures = figures
        self._made: dict[tuple[int, str], DimensionFigure] = {}

    def get(self, d: int, reason: str, n: int | None) -> DimensionFigure:
        found = self._made.get((d, reason))
        if found is None:
            found = self._made[d, reason] = DimensionFigure(
                key=self.figures.keys[d], name=self.figures.names[d], outcome=self.figures.outcome[d], n=n, mean=None,
                ci=None, diff_from_organisation=None, reason=reason)
        return found


def _dimension(shared: _Shared, d: int, table: _Table, row: int | None, hidden: str | None,
               org_mean: float | None) -> DimensionFigure:
    if hidden:
        return shared.get(d, hidden, None)
    if row is None or table.n[row] == 0:
        return shared.get(d, "all_missing", 0)
    mean = num(table.mean[row])
    reason = table.reasons[row]
    diff = None if mean is None or org_mean is None else mean - org_mean
    why = reason.value if reason else ("organisation_suppressed" if org_mean is None else None)
    low = table.low[row]
    ci = None if math.isnan(low) else Interval(low=num(low), high=num(table.high[row]), level=table.level)
    return DimensionFigure(key=shared.figures.keys[d], name=shared.figures.names[d], outcome=shared.figures.outcome[d],
                           n=table.n[row], mean=mean, ci=ci, diff_from_organisation=diff, reason=why)


def _org_means(ctx: ReportContext, figures: _Figures) -> list[float | None]:
    """The organisation's mean per dimension, None where its scored respondents may not be shown."""
    return [num(table.mean[0]) if ctx.dimension_visible(d, *ORGANISATION) else None
            for d, table in enumerate(figures.organisation)]


def _hidden(ctx: ReportContext, cells: list[Cell]) -> tuple[list[GroupRef], list[list[HiddenReason | None]]]:
    """The cells' group references, and per cell and dimension why its figures are hidden (None: shown): every
    map read once for all the cells."""
    dims = range(ctx.data.scale.n_dimensions)
    return group_refs(ctx, cells), ctx.hidden_reasons(ctx.cell_index(cells), [ctx.dimension_map(d) for d in dims])


def breakdown(ctx: ReportContext, by: By, level: Level, lang: Lang) -> Breakdown:
    """Scale scores per group of the scope, each against the organisation-wide mean."""
    cells = groups_of(ctx, by, level)
    figures = _figures(ctx, cells, lang)
    org_means = _org_means(ctx, figures)
    shared = _Shared(figures)
    dims = range(len(figures.keys))
    refs, hidden = _hidden(ctx, [ORGANISATION, (ctx.scope, ALL), *cells])
    tables = [figures.organisation, figures.scope, *([figures.cells] * len(cells))]
    rows: list[int | None] = [0, 0, *figures.rows]
    groups = [BreakdownGroup(group=ref, dimensions=[
        _dimension(shared, d, tables_of[d], row, why[d], org_means[d]) for d in dims])
        for ref, why, tables_of, row in zip(refs, hidden, tables, rows, strict=True)]
    return Breakdown(survey_id=ctx.survey.id, by=by, level=level, language=lang, organisation=groups[0],
                     scope=groups[1], groups=groups[2:])


def _tree_levels(ctx: ReportContext) -> list[list[uuid.UUID]]:
    """The scope unit (not the organisation) and every unit below it, by depth (each depth's units are disjoint
    groups)."""
    levels: list[list[uuid.UUID]] = [] if ctx.scope is None else [[ctx.scope]]
    frontier = ctx.child_units(ctx.scope)
    while frontier:
        levels.append(frontier)
        frontier = [c for u in frontier for c in ctx.child_units(u)]
    return levels


def _heat_rows(ctx: ReportContext, units: list[uuid.UUID], lang: Lang) -> tuple[list[HeatColumn], list[HeatRow]]:
    """The columns, and a row per unit, of one set of disjoint units."""
    cells: list[Cell] = [(unit, ALL) for unit in units]
    figures = _figures(ctx, cells, lang)
    org_means = _org_means(ctx, figures)
    scale = ctx.data.scale
    own = [scale.dimensions.index(k) for k in figures.keys]
    columns = [HeatColumn(key=k, name=figures.names[d], outcome=figures.outcome[d], organisation_mean=org_means[d],
                          scale_min=int(scale.dimension_min[own[d]]), scale_max=int(scale.dimension_max[own[d]]))
               for d, k in enumerate(figures.keys)]
    shared: dict[tuple[int, HiddenReason | None], HeatCell] = {}  # hidden and empty cells, made once

    def cell(d: int, row: int | None, hidden: HiddenReason | None) -> HeatCell:
        key, table, org_mean = figures.keys[d], figures.cells[d], org_means[d]
        if hidden or row is None or table.n[row] == 0:
            found = shared.get((d, hidden))
            if found is None:
                found = shared[d, hidden] = HeatCell(dimension=key, n=None if hidden else 0, mean=None,
                                                     diff_from_organisation=None, suppressed=hidden is not None,
                                                     reason=hidden)
            return found
        mean = num(table.mean[row])
        diff = None if mean is None or org_mean is None else mean - org_mean
        return HeatCell(dimension=key, n=table.n[row], mean=mean, diff_from_organisation=diff, suppressed=False,
                        reason=None)

    refs, hidden = _hidden(ctx, cells)
    dims = range(len(figures.keys))
    return columns, [HeatRow(group=ref, cells=[cell(d, row, why[d]) for d in dims])
                     for ref, why, row in zip(refs, hidden, figures.rows, strict=True)]


def heatmap(ctx: ReportContext, level: HeatLevel, lang: Lang) -> Heatmap:
    """Units x dimensions: mean scale score and its difference from the organisation-wide mean. `tree`: the scope
    unit and every unit below it (directorates, departments, teams), in tree order; each depth is summarised as one
    set of disjoint groups, every cell through the same suppression as any unit's figures."""
    levels = _tree_levels(ctx) if level == "tree" else [units_of(ctx, level)]
    by_unit: dict[uuid.UUID, HeatRow] = {}
    columns: list[HeatColumn] = []
    for units in levels or [[]]:
        columns, rows = _heat_rows(ctx, units, lang)
        by_unit.update(zip(units, rows, strict=True))
    order = [u for u in ctx.tree.subtree(ctx.scope) if u in by_unit] if level == "tree" else list(by_unit)
    return Heatmap(survey_id=ctx.survey.id, level=level, language=lang, columns=columns,
                   rows=[by_unit[u] for u in order])
