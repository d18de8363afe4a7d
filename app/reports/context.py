"""What every report starts from: the survey's answers, the unit tree, the layers, the anonymity maps and the
requested scope, resolved once per request by `ReportDep`.

Report code only ever shows figures of groups for which `ReportContext` says yes (`visible`, `shows`,
`shows_rest`, `shows_union`); a group is a cell `(unit, layer)` where unit `None` is the whole organisation and
layer `ALL` is every layer. A unit's cell holds the respondents whose *reporting unit* is in its subtree: own groups
of fewer than k respondents count with the parent's (`app.reports.rollup`).

Respondent sets ("families"). Every figure rests on one respondent set per dimension and frame: those who answered
all of that dimension's items in that frame (`app.reports.data`: everyone else's answers to it are NaN). Its scale
scores, items, shares and distributions all have that n, and each family has its own global map
(`dimension_map`, built by `app.reports.maps` from the family's atom counts, started from the respondents' map), so
a dimension's figure is shown only where its cell is visible in BOTH maps (`shows`). Counts of the respondents of a
cell who have some property (chose "don't know", left something out) are sums over the cell's respondents and stay
under the respondents' map. Together: no additive figure of any report gives the answers of 1..k-1 respondents,
whatever figures of whichever reports are added and subtracted (docs/anonymity.md).
"""

import uuid
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Literal

import numpy as np
import numpy.typing as npt
from fastapi import Depends, Query

from app.deps import CurrentKey, OrganisationDep, SessionDep, TreeDep, key_reaches_unit, reachable_roots
from app.errors import NotFound
from app.orgs.models import Layer, Organisation
from app.orgs.service import list_layers
from app.reports.anonymity import (
    ALL,
    REASONS,
    AllLayers,
    CellIndex,
    SuppressionMap,
    complement_visible,
    union_visible,
)
from app.reports.data import SurveyData, load_survey_data
from app.reports.figures import LEVEL_DESCRIPTION, HiddenReason, Level
from app.reports.maps import MapBase, Mask, cached_map, column_counts, map_base, mask_counts, named_map
from app.reports.maps import forget_surveys as forget_surveys  # for app.reports.erasure
from app.reports.rollup import RollUp
from app.stats import scale_scores
from app.surveys.deps import SurveyDep
from app.surveys.models import Survey
from app.units.tree import UnitTree

LayerRef = uuid.UUID | None | AllLayers
Cell = tuple[uuid.UUID | None, LayerRef]
Frame = Literal["current", "desired"]


@dataclass(eq=False)
class ReportContext:
    organisation: Organisation
    survey: Survey
    tree: UnitTree
    layers: list[Layer]  # the organisation's layers, top first
    scope: uuid.UUID | None  # the unit whose subtree the report covers; None = the whole organisation
    _load: Callable[[], SurveyData] = field(repr=False)
    _masks: dict[uuid.UUID | None, npt.NDArray[np.bool_]] = field(default_factory=dict, repr=False)
    _subsets: dict[str, SuppressionMap] = field(default_factory=dict, repr=False)
    _scores: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict, repr=False)
    _paths: dict[uuid.UUID, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @property
    def k(self) -> int:
        return self.survey.min_group_size

    @cached_property
    def data(self) -> SurveyData:
        """The survey's published answers, loaded on first use (the response rates need only counts)."""
        return self._load()

    @cached_property
    def suppression(self) -> SuppressionMap:
        """The respondents' global suppression map (`maps.suppression_map`, on this context's map base)."""
        return cached_map(self._base, self.data, None)

    def visible(self, unit: uuid.UUID | None, layer: LayerRef = ALL) -> bool:
        return self.suppression.visible(unit, layer)

    def shown_n(self, unit: uuid.UUID | None, layer: LayerRef = ALL) -> int | None:
        """The exact n of a visible cell; None for a hidden one."""
        return self.suppression.n(unit, layer) if self.suppression.visible(unit, layer) else None

    # ------------------------------------------------------------------------------ subsets (module docstring)

    @cached_property
    def _base(self) -> MapBase:
        return map_base(self.data, self.tree, self.layers, self.k)

    def subset_map(self, key: str, mask: Mask | Callable[[], Mask]) -> SuppressionMap:
        """The global suppression map of the respondents in `mask` (one bool per respondent, or a function making
        it, called only when the map is not cached), cached under `key` per survey, response count, threshold,
        tree and layers, like the main map, and started from the main map (`app.reports.maps`)."""
        return self._named(key, lambda: mask_counts(self._base, self.data, mask() if callable(mask) else mask))

    def _column_map(self, kind: str, column: int, matrix: Callable[[], Mask]) -> SuppressionMap:
        """The map of the respondents flagged in `column` of a respondents x columns `matrix` (every dimension or
        item of one kind of subset): all columns are counted in one pass, once per loaded answers."""
        return self._named(f"{kind}:{column}", lambda: column_counts(self._base, self.data, kind, matrix)[column])

    def _named(self, key: str, counts: Callable[[], npt.NDArray[np.int64]]) -> SuppressionMap:
        found = self._subsets.get(key)
        if found is None:
            found = self._subsets[key] = named_map(self._base, self.data, key, counts)
        return found

    def scores(self, frame: Frame = "current") -> npt.NDArray[np.float64]:
        """Respondents x dimensions scale scores of a frame (NaN: no score), computed once per context."""
        if frame not in self._scores:
            answers = self._answers(frame)
            if answers is None:
                raise ValueError("the survey did not ask the desired frame")
            per_data = _scores_of.setdefault(self.data, {})
            if frame not in per_data:  # once per loaded answers, not per request; evicted with them
                per_data[frame] = scale_scores(answers, scale=self.data.scale).scores
            self._scores[frame] = per_data[frame]
        return self._scores[frame]

    def _answers(self, frame: Frame) -> npt.NDArray[np.float32] | None:
        return self.data.current if frame == "current" else self.data.desired

    def dimension_map(self, d: int, frame: Frame = "current") -> SuppressionMap:
        """The map of the respondents who answered every item of dimension `d` in `frame`: the family of every
        figure of that dimension (scores, items, shares)."""
        return self._column_map(f"score:{frame}", d, lambda: ~np.isnan(self.scores(frame)))

    def item_map(self, j: int, frame: Frame = "current") -> SuppressionMap:
        """The family of item `j`'s figures: its dimension's."""
        return self.dimension_map(int(self.data.scale.item_dimension[j]), frame)

    def hidden_reason(self, unit: uuid.UUID | None, layer: LayerRef = ALL,
                      smap: SuppressionMap | None = None) -> HiddenReason | None:
        """Why the cell's figures (of the family `smap`, when given) are hidden; None when they are shown."""
        for m in (self.suppression, smap):
            if m is not None and not m.visible(unit, layer):
                return m.reason(unit, layer)
        return None

    def cell_index(self, cells: Sequence[Cell]) -> CellIndex:
        """Where `cells` sit in the survey's maps, to read many cells at once (`hidden_reasons`)."""
        return self.suppression.layout.cell_index(cells)

    def hidden_reasons(self, index: CellIndex,
                       smaps: Sequence[SuppressionMap | None]) -> list[list[HiddenReason | None]]:
        """`hidden_reason` of every cell of `index` (rows) for every family map of `smaps` (columns; None: the
        respondents' map alone), at once."""
        own = self.suppression.reason_codes(index)
        codes = np.empty((len(own), len(smaps)), dtype=np.int8)
        for j, smap in enumerate(smaps):
            codes[:, j] = own if smap is None else np.where(own != 0, own, smap.reason_codes(index))
        return [[REASONS[c] for c in row] for row in codes.tolist()]

    def shows(self, smap: SuppressionMap, unit: uuid.UUID | None, layer: LayerRef = ALL) -> bool:
        """A figure of the subset `smap` may be shown for the cell: visible in the respondent map and in `smap`."""
        return self.suppression.visible(unit, layer) and smap.visible(unit, layer)

    def shows_rest(self, smap: SuppressionMap, whole: Cell, part: Cell) -> bool:
        """`part` against the rest of `whole` on a subset's figure: `complement_visible` in both maps."""
        return complement_visible(self.suppression, whole, part) and complement_visible(smap, whole, part)

    def shows_union(self, smap: SuppressionMap, cells: Sequence[Cell]) -> bool:
        """Disjoint `cells` as one group on a subset's figure: `union_visible` in both maps."""
        return union_visible(self.suppression, cells) and union_visible(smap, cells)

    def dimension_visible(self, d: int, unit: uuid.UUID | None, layer: LayerRef = ALL,
                          frame: Frame = "current") -> bool:
        return self.shows(self.dimension_map(d, frame), unit, layer)

    def item_visible(self, j: int, unit: uuid.UUID | None, layer: LayerRef = ALL, frame: Frame = "current") -> bool:
        return self.shows(self.item_map(j, frame), unit, layer)

    @cached_property
    def layer_by_key(self) -> dict[str, Layer]:
        return {layer.key: layer for layer in self.layers}

    @property
    def rollup(self) -> RollUp:
        """Where each unit's own respondents count (`app.reports.rollup`)."""
        return self._base.rollup

    @cached_property
    def _reported_in(self) -> dict[uuid.UUID | None, list[int]]:
        """Per reporting unit, the codes (into `data.unit_ids`) of the units whose own respondents count there."""
        out: dict[uuid.UUID | None, list[int]] = {}
        for code, unit in enumerate(self.data.unit_ids):
            out.setdefault(self.rollup.reporting_unit(unit), []).append(code)
        return out

    def _subtree_codes(self, unit: uuid.UUID | None) -> npt.NDArray[np.int64]:
        """Codes (into `data.unit_ids`) of the units whose respondents count in `unit`'s subtree."""
        if unit is None:
            return np.arange(len(self.data.unit_ids), dtype=np.int64)
        found = self._reported_in
        codes = [c for u in self.tree.subtree(unit) for c in found.get(u, ())]
        return np.array(sorted(codes), dtype=np.int64)

    def in_subtree(self, unit: uuid.UUID | None) -> npt.NDArray[np.bool_]:
        """Per respondent: do their answers count inside `unit`'s subtree (everyone for None)?"""
        if unit not in self._masks:
            inside = np.zeros(len(self.data.unit_ids), dtype=bool)
            inside[self._subtree_codes(unit)] = True
            self._masks[unit] = inside[self.data.unit_codes]
        return self._masks[unit]

    def with_layer(self, layer: LayerRef) -> npt.NDArray[np.bool_]:
        """Per respondent: do they belong to `layer` (everyone for ALL)?"""
        if isinstance(layer, AllLayers):
            return np.ones(self.data.n, dtype=bool)
        if layer not in self.data.layer_ids:
            return np.zeros(self.data.n, dtype=bool)
        return np.asarray(self.data.layer_codes == self.data.layer_ids.index(layer), dtype=bool)

    def members(self, cell: Cell) -> npt.NDArray[np.bool_]:
        return self.in_subtree(cell[0]) & self.with_layer(cell[1])

    def group_codes(self, cells: list[Cell]) -> npt.NDArray[np.int64]:
        """Per respondent, the index of the (disjoint) cell they fall in, or -1 (first cell wins on overlap).
        Works on (unit, layer) atoms, then looks every respondent up at once."""
        width = len(self.data.layer_ids)
        atom = np.full(len(self.data.unit_ids) * width, -1, dtype=np.int64)
        for i, (unit, layer) in enumerate(cells):
            if isinstance(layer, AllLayers):
                layers = np.arange(width, dtype=np.int64)
            elif layer in self.data.layer_ids:
                layers = np.array([self.data.layer_ids.index(layer)], dtype=np.int64)
            else:
                continue
            chosen = (self._subtree_codes(unit)[:, None] * width + layers[None, :]).ravel()
            chosen = chosen[atom[chosen] == -1]
            atom[chosen] = i
        return np.asarray(atom[self.data.unit_codes * width + self.data.layer_codes], dtype=np.int64)

    def child_units(self, unit: uuid.UUID | None, *, include_archived: bool = True) -> list[uuid.UUID]:
        children = self.tree.children.get(unit, [])
        return [c for c in children if include_archived or self.tree.units[c].archived_at is None]

    def teams(self) -> list[uuid.UUID]:
        """The leaves of the scope's subtree (the units without sub-units)."""
        return [u for u in self.tree.subtree(self.scope) if not self.tree.children.get(u)]

    def unit_name(self, unit: uuid.UUID | None) -> str:
        return self.organisation.name if unit is None else self.tree.units[unit].name

    def unit_path(self, unit: uuid.UUID | None) -> list[str]:
        """The names from the top-level unit down to `unit` (`UnitTree.path`), each unit's path made once per
        context from its parent's."""
        return [] if unit is None else list(self._path(unit))

    def _path(self, unit: uuid.UUID) -> tuple[str, ...]:
        found = self._paths.get(unit)
        if found is None:
            row = self.tree.units[unit]
            up = () if row.parent_id is None else self._path(row.parent_id)
            found = self._paths[unit] = (*up, row.name)
        return found


_scores_of: "weakref.WeakKeyDictionary[SurveyData, dict[str, npt.NDArray[np.float64]]]" = weakref.WeakKeyDictionary()


def build_context(session: SessionDep, organisation: Organisation, survey: Survey, tree: UnitTree,
                  scope: uuid.UUID | None) -> ReportContext:
    return ReportContext(organisation, survey, tree, list_layers(session, organisation), scope,
                         lambda: load_survey_data(session, survey))


def report_context(
    session: SessionDep, organisation: OrganisationDep, survey: SurveyDep, tree: TreeDep, principal: CurrentKey,
    unit_id: Annotated[uuid.UUID | None, Query(description="Report on this unit's subtree; the whole organisation "
                                                           "(or the key's own unit) when left out")] = None,
) -> ReportContext:
    """The report's context; a unit-scoped key or person reports on their own subtree (with several units, the
    first in tree order unless `unit_id` names another), and 404s outside it."""
    scope = unit_id if unit_id is not None else reachable_roots(principal, tree)[0] if reachable_roots(
        principal, tree) else None
    if scope is None and principal.unit_ids is not None:  # a leader whose units are all gone reaches nothing
        raise NotFound("No such unit.")
    if scope is not None and not key_reaches_unit(principal, tree, scope):
        raise NotFound("No such unit.")
    return build_context(session, organisation, survey, tree, scope)


ReportDep = Annotated[ReportContext, Depends(report_context)]
LevelQuery = Annotated[Level, Query(description=LEVEL_DESCRIPTION)]
