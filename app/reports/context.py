"""What every report starts from: the survey's answers, the unit tree, the layers, the anonymity map and the
requested scope, resolved once per request by `ReportDep`.

Report code only ever shows figures of groups for which `ReportContext` says yes (`visible`, `complement_visible`,
`union_visible` of `app.reports.anonymity`); a group is a cell `(unit, layer)` where unit `None` is the whole
organisation and layer `ALL` is every layer.

Subsets. A figure rests on the respondents who contribute to it: a dimension's n, mean, CI, score distribution and
comparisons on those with a scale score (`app.stats.scale_scores`, at least half the items answered), an item's on
those who answered it (not "don't know"), a current-vs-desired gap on those scored (or answering) in both frames.
The respondent map alone does not protect them: a department of 12 and its team of 7 are both visible (the rest
has 5), but when 2 of those 5 skipped a dimension, department minus team is the dimension mean of 3 people. So each
subset gets its own global map (`subset_map`: the same `suppress` call, tree, layers and `layer_detail`, with the
atom counts of the subset's respondents; anonymity.py, Limits), built lazily and cached like the main map, and a
figure is shown only when its cell is visible in BOTH maps (`shows`, `shows_rest`, `shows_union`, and the
shorthands `dimension_visible`, `item_visible`, `paired_visible`). Counts of respondents in a cell who have some
property (answered, chose "don't know") are sums over the cell's respondents and stay under the respondent map.
"""

import hashlib
import threading
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Literal

import numpy as np
import numpy.typing as npt
from fastapi import Depends, Query

from app.deps import CurrentKey, OrganisationDep, SessionDep, TreeDep, key_reaches_unit
from app.errors import NotFound
from app.orgs.models import Layer, Organisation
from app.orgs.service import list_layers
from app.reports.anonymity import (
    ALL,
    AllLayers,
    Layout,
    SuppressionMap,
    complement_visible,
    suppress_atoms,
    union_visible,
)
from app.reports.data import SurveyData, forget_survey_data, is_erased, load_survey_data
from app.stats import scale_scores
from app.surveys.deps import SurveyDep
from app.surveys.models import Survey
from app.units.tree import UnitTree

LayerRef = uuid.UUID | None | AllLayers
Cell = tuple[uuid.UUID | None, LayerRef]
Frame = Literal["current", "desired"]
Mask = npt.NDArray[np.bool_]


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
    _subsets: dict[str, SuppressionMap] = field(default_factory=dict, repr=False)
    _scores: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict, repr=False)

    @property
    def k(self) -> int:
        return self.survey.min_group_size

    def visible(self, unit: uuid.UUID | None, layer: LayerRef = ALL) -> bool:
        return self.suppression.visible(unit, layer)

    def shown_n(self, unit: uuid.UUID | None, layer: LayerRef = ALL) -> int | None:
        """The exact n of a visible cell; None for a hidden one."""
        return self.suppression.n(unit, layer) if self.suppression.visible(unit, layer) else None

    # ------------------------------------------------------------------------------ subsets (module docstring)

    @cached_property
    def _base(self) -> "_MapBase":
        return _map_base(self.data, self.tree, self.layers, self.k)

    def subset_map(self, key: str, mask: Mask | Callable[[], Mask]) -> SuppressionMap:
        """The global suppression map of the respondents in `mask` (one bool per respondent, or a function making
        it, called only when the map is not cached), cached under `key` per survey, response count, threshold,
        tree and layers, like the main map. Built with the main map's `suppress` call and `layer_detail`."""
        found = self._subsets.get(key)
        if found is None:
            memo_key = (*self._base.key, key)
            with _maps_lock:
                found = _subset_memo.get(memo_key)
            if found is None:  # building the mask and counting it costs more than a lookup: remember the answer
                found = _cached_map(self._base, self.data, key, mask)
                with _maps_lock:
                    if not is_erased(self.data.survey_id):
                        _subset_memo[memo_key] = found
                    while len(_subset_memo) > MAP_CACHE_SIZE:
                        _subset_memo.popitem(last=False)
            self._subsets[key] = found
        return found

    def scores(self, frame: Frame = "current") -> npt.NDArray[np.float64]:
        """Respondents x dimensions scale scores of a frame (NaN: no score), computed once per context."""
        if frame not in self._scores:
            answers = self.data.current if frame == "current" else self.data.desired
            if answers is None:
                raise ValueError("the survey did not ask the desired frame")
            per_data = _scores_of.setdefault(self.data, {})
            if frame not in per_data:  # once per loaded answers, not per request; evicted with them
                per_data[frame] = scale_scores(answers, scale=self.data.scale).scores
            self._scores[frame] = per_data[frame]
        return self._scores[frame]

    def dimension_map(self, d: int, frame: Frame = "current") -> SuppressionMap:
        """The map of the respondents with a scale score on dimension number `d`."""
        return self.subset_map(f"score:{frame}:{d}", lambda: ~np.isnan(self.scores(frame)[:, d]))

    def answers_map(self, d: int) -> SuppressionMap:
        """The map of the respondents who answered at least one item of dimension `d` (favourable shares)."""
        items = self.data.scale.items_of(d)
        return self.subset_map(f"answers:{d}",
                               lambda: np.asarray(~np.isnan(self.data.current[:, items]).all(axis=1), dtype=bool))

    def item_map(self, j: int, frame: Frame = "current") -> SuppressionMap:
        """The map of the respondents who answered item `j` on the scale (not missing, not "don't know")."""
        def mask() -> Mask:
            answers = self.data.current if frame == "current" else self.data.desired
            return np.zeros(self.data.n, dtype=bool) if answers is None else ~np.isnan(answers[:, j])
        return self.subset_map(f"item:{frame}:{j}", mask)

    def seen_map(self, j: int) -> SuppressionMap:
        """The map of the respondents who answered item `j` or chose "don't know" (don't-know shares)."""
        return self.subset_map(f"seen:{j}", lambda: ~np.isnan(self.data.current[:, j])
                               | self.data.dont_know_answers[:, j])

    def paired_map(self, *, dimension: int | None = None, item: int | None = None) -> SuppressionMap:
        """The map of the respondents scored on `dimension` (or answering `item`) in both frames."""
        if (dimension is None) == (item is None):
            raise ValueError("give a dimension or an item")
        if self.data.desired is None:
            raise ValueError("the survey did not ask the desired frame")
        desired, scores = self.data.desired, self.scores
        if dimension is not None:
            d = dimension
            return self.subset_map(f"paired:score:{d}", lambda: ~np.isnan(scores("current")[:, d])
                                   & ~np.isnan(scores("desired")[:, d]))
        j = int(item or 0)
        return self.subset_map(f"paired:item:{j}",
                               lambda: ~np.isnan(self.data.current[:, j]) & ~np.isnan(desired[:, j]))

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

    def paired_visible(self, unit: uuid.UUID | None, layer: LayerRef = ALL, *, dimension: int | None = None,
                       item: int | None = None) -> bool:
        return self.shows(self.paired_map(dimension=dimension, item=item), unit, layer)

    @cached_property
    def layer_by_key(self) -> dict[str, Layer]:
        return {layer.key: layer for layer in self.layers}

    @cached_property
    def _unit_code(self) -> dict[uuid.UUID, int]:
        return {u: i for i, u in enumerate(self.data.unit_ids)}

    def _subtree_codes(self, unit: uuid.UUID | None) -> npt.NDArray[np.int64]:
        """Codes (into `data.unit_ids`) of the units in `unit`'s subtree that hold respondents."""
        if unit is None:
            return np.arange(len(self.data.unit_ids), dtype=np.int64)
        index = self._unit_code
        return np.fromiter((index[u] for u in self.tree.subtree(unit) if u in index), dtype=np.int64)

    def in_subtree(self, unit: uuid.UUID | None) -> npt.NDArray[np.bool_]:
        """Per respondent: is their unit inside `unit`'s subtree (everyone for None)?"""
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
        return [] if unit is None else self.tree.path(unit)


MAP_CACHE_SIZE = 1024  # the main map and the subset maps (dimensions, items, pairs) of a few surveys
LAYOUT_CACHE_SIZE = 16
_maps: OrderedDict[tuple[object, ...], SuppressionMap] = OrderedDict()
_subset_memo: OrderedDict[tuple[object, ...], SuppressionMap] = OrderedDict()
_layouts: OrderedDict[tuple[object, ...], Layout] = OrderedDict()
_scores_of: "weakref.WeakKeyDictionary[SurveyData, dict[str, npt.NDArray[np.float64]]]" = weakref.WeakKeyDictionary()
_atom_cells: "weakref.WeakKeyDictionary[SurveyData, dict[tuple[object, ...], npt.NDArray[np.int64]]]" = (
    weakref.WeakKeyDictionary())
_maps_lock = threading.Lock()


@dataclass(frozen=True)
class _MapBase:
    """What every map of one survey shares: the layout (tree, layers, published layer detail), k and the cache
    key."""

    key: tuple[object, ...]
    layout: Layout
    k: int


def _map_base(data: SurveyData, tree: UnitTree, layers: list[Layer], k: int) -> _MapBase:
    parent_of: dict[Hashable, Hashable | None] = {u.id: u.parent_id for u in tree.units.values()}
    layer_ids: list[uuid.UUID | None] = [layer.id for layer in layers]
    if None in data.layer_ids:
        layer_ids.append(None)
    shape = (tuple(sorted((str(a), str(b)) for a, b in parent_of.items())), tuple(layer_ids))
    with _maps_lock:
        layout = _layouts.get(shape)
    if layout is None:  # the tree laid out once, for every map of every survey on it
        # Per-layer figures only for the organisation and units with sub-units: a team's layer cells would single
        # out its one or two leaders, and protecting them would hide whole team totals (see `suppress(layer_detail=)`).
        layer_detail = {None, *(u for u, children in tree.children.items() if u and children)}
        layout = Layout.of(parent_of, layer_ids, layer_detail=layer_detail)
        with _maps_lock:
            _layouts[shape] = layout
            while len(_layouts) > LAYOUT_CACHE_SIZE:
                _layouts.popitem(last=False)
    return _MapBase((data.survey_id, data.n, k, *shape), layout, k)


def _cells(base: _MapBase, data: SurveyData) -> npt.NDArray[np.int64]:
    """Per respondent: their atom's flat index in the layout's counts matrix (once per loaded answers and layout)."""
    per_data = _atom_cells.setdefault(data, {})
    found = per_data.get(base.key)
    if found is None:
        layout = base.layout
        try:
            rows = np.array([layout.unit_index[u] for u in data.unit_ids], dtype=np.int64)
            cols = np.array([layout.layer_index[layer] for layer in data.layer_ids], dtype=np.int64)
        except KeyError as e:
            raise ValueError(f"a response's unit or layer is not in the organisation: {e}") from None
        found = per_data[base.key] = rows[data.unit_codes] * len(layout.layers) + cols[data.layer_codes]
    return found


def _cached_map(base: _MapBase, data: SurveyData, subset: str | None,
                mask: Mask | Callable[[], Mask] | None) -> SuppressionMap:
    """The map of the respondents in `mask` (everyone for None). Cached by the atom counts themselves, so subsets
    with the same counts (nobody chose "don't know" on an item, nobody skipped it) share one map; a map is a
    function of the counts, the tree, the layers and k alone."""
    rows = None if mask is None else np.asarray(mask() if callable(mask) else mask, dtype=bool)
    cells = _cells(base, data)
    shape = (len(base.layout.units) + 1, len(base.layout.layers))
    counts = np.bincount(cells if rows is None else cells[rows], minlength=shape[0] * shape[1])
    key = (*base.key, subset is None, hashlib.blake2b(counts.astype(np.int64).tobytes(), digest_size=16).digest())
    with _maps_lock:
        if key in _maps:
            _maps.move_to_end(key)
            return _maps[key]
    main = None if subset is None else _cached_map(base, data, None, None)
    smap = suppress_atoms(base.layout, counts.reshape(shape), base.k, hide_as=main)
    with _maps_lock:
        if is_erased(data.survey_id):
            return smap
        _maps[key] = smap
        while len(_maps) > MAP_CACHE_SIZE:
            _maps.popitem(last=False)
    return smap


def forget_surveys(survey_ids: list[uuid.UUID]) -> None:
    """Drop deleted surveys' answers and suppression maps from this process's caches."""
    forget_survey_data(survey_ids)
    with _maps_lock:
        for cache in (_maps, _subset_memo):
            for key in [k for k in cache if k[0] in survey_ids]:
                del cache[key]


def suppression_map(data: SurveyData, tree: UnitTree, layers: list[Layer], k: int) -> SuppressionMap:
    """The survey's one global suppression pattern of respondents (cached per answers, tree shape and threshold)."""
    return _cached_map(_map_base(data, tree, layers, k), data, None, None)


def subset_suppression_map(data: SurveyData, tree: UnitTree, layers: list[Layer], k: int, key: str,
                           mask: Mask | Callable[[], Mask]) -> SuppressionMap:
    """The global pattern of the respondents in `mask` (see the module docstring), cached under `key`."""
    return _cached_map(_map_base(data, tree, layers, k), data, key, mask)


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
