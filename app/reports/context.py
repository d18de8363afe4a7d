"""What every report starts from: the survey's answers, the unit tree, the layers, the anonymity map and the
requested scope, resolved once per request by `ReportDep`.

Report code only ever shows figures of groups for which `ReportContext` says yes (`visible`, `complement_visible`,
`union_visible` of `app.reports.anonymity`); a group is a cell `(unit, layer)` where unit `None` is the whole
organisation and layer `ALL` is every layer.
"""

import threading
import uuid
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated

import numpy as np
import numpy.typing as npt
from fastapi import Depends, Query

from app.deps import CurrentKey, OrganisationDep, SessionDep, TreeDep, key_reaches_unit
from app.errors import NotFound
from app.orgs.models import Layer, Organisation
from app.orgs.service import list_layers
from app.reports.anonymity import ALL, AllLayers, SuppressionMap, suppress
from app.reports.data import SurveyData, load_survey_data
from app.surveys.deps import SurveyDep
from app.surveys.models import Survey
from app.units.tree import UnitTree

LayerRef = uuid.UUID | None | AllLayers
Cell = tuple[uuid.UUID | None, LayerRef]


@dataclass(eq=False)
class ReportContext:
    organisation: Organisation
    survey: Survey
    tree: UnitTree
    layers: list[Layer]  # the organisation's layers, top first
    data: SurveyData
    suppression: SuppressionMap
    scope: uuid.UUID | None  # the unit whose subtree the report covers; None = the whole organisation
    _masks: dict[uuid.UUID | None, npt.NDArray[np.bool_]] = field(default_factory=dict, repr=False)

    @property
    def k(self) -> int:
        return self.survey.min_group_size

    def visible(self, unit: uuid.UUID | None, layer: LayerRef = ALL) -> bool:
        return self.suppression.visible(unit, layer)

    def shown_n(self, unit: uuid.UUID | None, layer: LayerRef = ALL) -> int | None:
        """The exact n of a visible cell; None for a hidden one."""
        return self.suppression.n(unit, layer) if self.suppression.visible(unit, layer) else None

    @cached_property
    def layer_by_key(self) -> dict[str, Layer]:
        return {layer.key: layer for layer in self.layers}

    def in_subtree(self, unit: uuid.UUID | None) -> npt.NDArray[np.bool_]:
        """Per respondent: is their unit inside `unit`'s subtree (everyone for None)?"""
        if unit not in self._masks:
            if unit is None:
                self._masks[unit] = np.ones(self.data.n, dtype=bool)
            else:
                inside = np.array([self.tree.is_within(u, unit) for u in self.data.unit_ids], dtype=bool)
                self._masks[unit] = inside[self.data.unit_codes] if inside.size else np.zeros(0, dtype=bool)
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
        """Per respondent, the index of the (disjoint) cell they fall in, or -1."""
        codes = np.full(self.data.n, -1, dtype=np.int64)
        for i, cell in enumerate(cells):
            codes[self.members(cell) & (codes == -1)] = i
        return codes

    def child_units(self, unit: uuid.UUID | None, *, include_archived: bool = True) -> list[uuid.UUID]:
        children = self.tree.children.get(unit, [])
        return [c for c in children if include_archived or self.tree.units[c].archived_at is None]

    def teams(self) -> list[uuid.UUID]:
        """The leaves of the scope's subtree (the units without sub-units)."""
        return [u for u in self.tree.subtree(self.scope) if not self.tree.children.get(u)]

    def unit_name(self, unit: uuid.UUID | None) -> str:
        return self.organisation.name if unit is None else self.tree.units[unit].name

    def unit_path(self, unit: uuid.UUID | None) -> list[str]:
        return [] if unit is None else self.tree.path(unit)


_maps: OrderedDict[tuple[object, ...], SuppressionMap] = OrderedDict()
_maps_lock = threading.Lock()


def suppression_map(data: SurveyData, tree: UnitTree, layers: list[Layer], k: int) -> SuppressionMap:
    """The survey's one global suppression pattern (cached per answers, tree shape and threshold)."""
    parent_of: dict[Hashable, Hashable | None] = {u.id: u.parent_id for u in tree.units.values()}
    layer_ids: list[uuid.UUID | None] = [layer.id for layer in layers]
    if None in data.layer_ids:
        layer_ids.append(None)
    key = (data.survey_id, data.n, k, tuple(sorted((str(a), str(b)) for a, b in parent_of.items())),
           tuple(layer_ids))
    with _maps_lock:
        if key in _maps:
            _maps.move_to_end(key)
            return _maps[key]
    pairs = np.stack([data.unit_codes, data.layer_codes], axis=1) if data.n else np.zeros((0, 2), dtype=np.int64)
    cells, counts = np.unique(pairs, axis=0, return_counts=True)
    atoms = {(data.unit_ids[u], data.layer_ids[lay]): int(n) for (u, lay), n in zip(cells, counts, strict=True)}
    # Per-layer figures only for the organisation and units with sub-units: a team's layer cells would single out
    # its one or two leaders, and protecting them would hide whole team totals (see `suppress(layer_detail=)`).
    layer_detail: set[Hashable | None] = {None, *(u for u, children in tree.children.items() if u and children)}
    smap = suppress(parent_of, atoms, k, layer_ids, layer_detail=layer_detail)
    with _maps_lock:
        _maps[key] = smap
        while len(_maps) > 16:
            _maps.popitem(last=False)
    return smap


def build_context(session: SessionDep, organisation: Organisation, survey: Survey, tree: UnitTree,
                  scope: uuid.UUID | None) -> ReportContext:
    layers = list_layers(session, organisation)
    data = load_survey_data(session, survey)
    smap = suppression_map(data, tree, layers, survey.min_group_size)
    return ReportContext(organisation, survey, tree, layers, data, smap, scope)


def report_context(
    session: SessionDep, organisation: OrganisationDep, survey: SurveyDep, tree: TreeDep, principal: CurrentKey,
    unit_id: Annotated[uuid.UUID | None, Query(description="Report on this unit's subtree; the whole organisation "
                                                           "(or the key's own unit) when left out")] = None,
) -> ReportContext:
    """The report's context; a unit-scoped key reports on its own subtree, and 404s outside it."""
    scope = unit_id if unit_id is not None else principal.unit_id
    if scope is not None and not key_reaches_unit(principal, tree, scope):
        raise NotFound("No such unit.")
    return build_context(session, organisation, survey, tree, scope)


ReportDep = Annotated[ReportContext, Depends(report_context)]
