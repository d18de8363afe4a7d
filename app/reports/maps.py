"""The anonymity maps of a survey's respondents and of subsets of them (see `app.reports.context`), cached per
worker process.

Every map of a survey is built on one `Layout` of the unit tree and layers (kept across new responses: a response
does not change the tree) from a counts matrix of respondents per (unit, layer) atom. A subset's counts come from a
mask over the respondents, or, for the many subsets of one kind (answered item 1, 2, ...), from one pass over a
respondents x columns matrix. Maps are cached by their counts (a map is a function of the counts, the layout and k
alone), subsets also by name. Keys include the survey's response count, so a new response makes the next report
build new maps; the survey's last map of each name then spares most protections (a response in an atom that
already had k respondents, away from the cells a repair priced, changes no step: `suppress_atoms(previous=)`), and
the maps are exactly those a cold start would build. Nothing is shared between worker processes: each builds the
same maps from the same counts, so several workers stay correct and agree.
"""

import hashlib
import threading
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar, cast

import numpy as np
import numpy.typing as npt

from app.orgs.models import Layer
from app.reports.anonymity import Layout, Reason, SuppressionMap, suppress_atoms
from app.reports.data import SurveyData, forget_survey_data, is_erased
from app.reports.rollup import RollUp, roll_up
from app.units.tree import UnitTree

T = TypeVar("T")
Mask = npt.NDArray[np.bool_]
Counts = npt.NDArray[np.int64]

MAP_CACHE_SIZE = 1024  # the main map and the subset maps (dimensions, items, pairs) of a few surveys
LAYOUT_CACHE_SIZE = 16
_maps: OrderedDict[tuple[object, ...], SuppressionMap] = OrderedDict()  # by counts
_named: OrderedDict[tuple[object, ...], SuppressionMap] = OrderedDict()  # by subset name
_latest: OrderedDict[tuple[object, ...], SuppressionMap] = OrderedDict()  # by subset name, any response count
_layouts: OrderedDict[tuple[object, ...], Layout] = OrderedDict()
_counts_maps: OrderedDict[tuple[object, ...], tuple[SuppressionMap, RollUp]] = OrderedDict()  # `counts_map`'s
# per loaded answers (dropped with them): each respondent's atom, and the atom counts of column matrices
_atoms_of: "weakref.WeakKeyDictionary[SurveyData, dict[tuple[object, ...], Counts]]" = weakref.WeakKeyDictionary()
_rollups_of: "weakref.WeakKeyDictionary[SurveyData, dict[tuple[Layout, int], RollUp]]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def clear() -> None:
    """Forget every map (not the layouts), as after a server start; for benchmarks and tests."""
    with _lock:
        for cache in (_maps, _named, _latest):
            cache.clear()
        _counts_maps.clear()


def forget_surveys(survey_ids: list[uuid.UUID]) -> None:
    """Drop deleted surveys' answers and suppression maps from this process's caches."""
    forget_survey_data(survey_ids)
    with _lock:
        for cache in (_maps, _named, _latest):
            for key in [k for k in cache if k[0] in survey_ids]:
                del cache[key]
        for key in [k for k in _counts_maps if k[0] in survey_ids]:
            del _counts_maps[key]


def _remember(cache: "OrderedDict[tuple[object, ...], T]", key: tuple[object, ...], smap: T) -> None:
    with _lock:
        if is_erased(key[0]):  # type: ignore[arg-type]  # deleted while it was being built: not kept
            return
        cache[key] = smap
        while len(cache) > MAP_CACHE_SIZE:
            cache.popitem(last=False)


@dataclass(frozen=True)
class MapBase:
    """What every map of one survey shares: the layout (tree, layers, published layer detail), k, where each
    unit's own respondents count (`app.reports.rollup`) and the cache key (survey, response count, k, layout: one
    object per tree shape and layers, a cheap key; the roll-up follows from them)."""

    key: tuple[object, ...]
    layout: Layout
    k: int
    rollup: RollUp
    counted_elsewhere: Mapping[Hashable, Reason]  # units left empty by the roll-up, and the reason to show


def layout_of(tree: UnitTree, layers: list[Layer], *, no_layer: bool) -> Layout:
    """The layout of the tree and layers (`no_layer`: with a column for respondents imported without a layer),
    made once per tree shape (the set of (unit, parent) pairs) and kept."""
    layer_ids: list[uuid.UUID | None] = [layer.id for layer in layers]
    if no_layer:
        layer_ids.append(None)
    shape = (frozenset((u.id.int, -1 if u.parent_id is None else u.parent_id.int) for u in tree.units.values()),
             tuple(layer_ids))
    with _lock:
        layout = _layouts.get(shape)
    if layout is None:
        # Per-layer figures only for the organisation and units with sub-units: a team's layer cells would single
        # out its one or two leaders, and protecting them would hide whole team totals (`suppress(layer_detail=)`).
        layer_detail = {None, *(u for u, children in tree.children.items() if u and children)}
        parent_of: dict[Hashable, Hashable | None] = {u.id: u.parent_id for u in tree.units.values()}
        layout = Layout.of(parent_of, layer_ids, layer_detail=layer_detail)
        with _lock:
            _layouts[shape] = layout
            while len(_layouts) > LAYOUT_CACHE_SIZE:
                _layouts.popitem(last=False)
    return layout


def map_base(data: SurveyData, tree: UnitTree, layers: list[Layer], k: int) -> MapBase:
    layout = layout_of(tree, layers, no_layer=None in data.layer_ids)
    rollups = _rollups_of.setdefault(data, {})
    rollup = rollups.get((layout, k))
    if rollup is None:  # once per loaded answers, tree shape and threshold
        rollup = rollups[layout, k] = roll_up(tree, _own_counts(data), k, _board(data, tree, layers))
    own = dict(zip(data.unit_ids, np.bincount(data.unit_codes, minlength=len(data.unit_ids)).tolist(), strict=True))
    return MapBase((data.survey_id, data.n, k, layout), layout, k, rollup, elsewhere(tree, rollup, own, k))


def elsewhere(tree: UnitTree, rollup: RollUp, own: Mapping[uuid.UUID, int], k: int) -> dict[Hashable, Reason]:
    """The units whose respondents the roll-up counts elsewhere: `below_minimum` where the unit has fewer than k
    in all (a small team), else `protects_smaller_group` (it was small in one respondent set)."""
    out: dict[Hashable, Reason] = {}
    for unit in rollup.counted_at:
        if unit in tree.units:
            total = sum(own.get(u, 0) for u in tree.subtree(unit))
            out[unit] = "below_minimum" if total < k else "protects_smaller_group"
    return out


def _board(data: SurveyData, tree: UnitTree, layers: list[Layer]) -> uuid.UUID | None:
    """The top-level unit with the most respondents of the organisation's top layer (the board), if any."""
    if not layers or layers[0].id not in data.layer_ids:
        return None
    top = data.layer_ids.index(layers[0].id)
    counts = np.bincount(data.unit_codes[data.layer_codes == top], minlength=len(data.unit_ids))
    found = [(int(n), str(u), u) for u, n in zip(data.unit_ids, counts.tolist(), strict=True)
             if n and u in tree.units and tree.units[u].parent_id is None]
    return max(found)[2] if found else None


def _own_counts(data: SurveyData) -> dict[uuid.UUID, npt.NDArray[np.int64]]:
    """Per unit: its own respondents, then those in each respondent set of the figures (complete on a dimension,
    per frame): the roll-up keeps every one of them at 0 or at least k (`app.reports.rollup`)."""
    first = [int(data.scale.items_of(d)[0]) for d in range(data.scale.n_dimensions)]
    frames = [data.current] + ([data.desired] if data.desired is not None else [])
    members = np.column_stack([np.ones(data.n, dtype=bool), *[~np.isnan(f[:, first]) for f in frames]])
    counts = np.zeros((len(data.unit_ids), members.shape[1]), dtype=np.int64)
    np.add.at(counts, data.unit_codes, members.astype(np.int64))
    return dict(zip(data.unit_ids, counts, strict=True))


def _per_data(data: SurveyData, key: tuple[object, ...], make: Callable[[], Counts]) -> Counts:
    per_data = _atoms_of.setdefault(data, {})
    found = per_data.get(key)
    if found is None:
        found = per_data[key] = make()
    return found


def _atoms(base: MapBase, data: SurveyData) -> Counts:
    """Per respondent: their atom's flat index in the layout's counts matrix (row: their reporting unit)."""
    def make() -> Counts:
        layout = base.layout
        try:
            rows = np.array([layout.unit_index[base.rollup.reporting_unit(u)] for u in data.unit_ids],
                            dtype=np.int64)
            cols = np.array([layout.layer_index[layer] for layer in data.layer_ids], dtype=np.int64)
        except KeyError as e:
            raise ValueError(f"a response's unit or layer is not in the organisation: {e}") from None
        return rows[data.unit_codes] * len(layout.layers) + cols[data.layer_codes]
    return _per_data(data, base.key, make)


def _size(base: MapBase) -> int:
    return (len(base.layout.units) + 1) * len(base.layout.layers)


def mask_counts(base: MapBase, data: SurveyData, mask: Mask | None) -> Counts:
    """Respondents per atom among those in `mask` (everyone for None: counted once per loaded answers), flat."""
    atoms = _atoms(base, data)
    if mask is None:
        return _per_data(data, (*base.key, None), lambda: np.bincount(atoms, minlength=_size(base)))
    return np.bincount(atoms[np.asarray(mask, dtype=bool)], minlength=_size(base))


def column_counts(base: MapBase, data: SurveyData, kind: str, matrix: Callable[[], Mask]) -> Counts:
    """Per column of the respondents x columns `matrix` (made only once per loaded answers and `kind`), the
    respondents per atom flagged in it: columns x atoms."""
    def make() -> Counts:
        flags = np.ascontiguousarray(np.asarray(matrix(), dtype=bool).T)  # one pass instead of one per column
        atoms = _atoms(base, data)
        return np.stack([np.bincount(atoms[column], minlength=_size(base)) for column in flags])
    return _per_data(data, (*base.key, kind), make)


def cached_map(base: MapBase, data: SurveyData, counts: Counts | None, name: str | None = None) -> SuppressionMap:
    """The map of these atom counts (the respondents' own map for None); a subset's map starts from the
    respondents' map (`hide_as`). The survey's last map of the same `name` (before the latest responses) spares
    the protection when it provably ends the same (`suppress_atoms(previous=)`)."""
    flat = mask_counts(base, data, None) if counts is None else counts
    key = (*base.key, counts is None, hashlib.blake2b(flat.astype(np.int64).tobytes(), digest_size=16).digest())
    with _lock:
        if key in _maps:
            _maps.move_to_end(key)
            return _maps[key]
    main = None if counts is None else cached_map(base, data, None)
    shape = (len(base.layout.units) + 1, len(base.layout.layers))
    latest = (base.key[0], *base.key[2:], name)  # survey, k, layout: every response count
    with _lock:
        previous = _latest.get(latest)
    smap = suppress_atoms(base.layout, flat.reshape(shape), base.k, hide_as=main, previous=previous,
                          counted_elsewhere=base.counted_elsewhere if main is None else None)
    if counts is None:  # a new response count: the survey's maps of older counts are never asked again
        with _lock:
            for cache in (_maps, _named):
                for old in [k for k in cache if k[0] == base.key[0] and k[1] != base.key[1]]:
                    del cache[old]
    _remember(_maps, key, smap)
    _remember(_latest, latest, smap)
    return smap


def named_map(base: MapBase, data: SurveyData, name: str, counts: Callable[[], Counts]) -> SuppressionMap:
    """The map of the subset called `name`, its counts made only when neither the name nor the counts are known."""
    key = (*base.key, name)
    with _lock:
        found = _named.get(key)
    if found is None:
        found = cached_map(base, data, counts(), name)
        _remember(_named, key, found)
    return found


def counts_map(survey_id: uuid.UUID, tree: UnitTree, layers: list[Layer], k: int,
               atoms: dict[tuple[uuid.UUID, uuid.UUID | None], int]) -> tuple[SuppressionMap, RollUp]:
    """The map of respondent counts per (unit, layer) alone, without their answers (the live response counts of
    an open wave), with its own roll-up of small own groups; both cached by the counts (they are a function of
    the counts, the tree's shape and k)."""
    layout = layout_of(tree, layers, no_layer=any(layer is None for _, layer in atoms))
    try:
        rows = np.fromiter((layout.unit_index[unit] for unit, _ in atoms), dtype=np.int64, count=len(atoms))
        cols = np.fromiter((layout.layer_index[layer] for _, layer in atoms), dtype=np.int64, count=len(atoms))
    except KeyError as e:
        raise ValueError(f"unknown unit or layer in the counts: {e}") from None
    own_atoms = np.zeros((len(layout.units) + 1, len(layout.layers)), dtype=np.int64)
    own_atoms[rows, cols] = np.fromiter(atoms.values(), dtype=np.int64, count=len(atoms))
    cache_key = (survey_id, "counts", k, layout, hashlib.blake2b(own_atoms.tobytes(), digest_size=16).digest())
    latest = (survey_id, "counts", k, layout)  # the last map of these counts, before the latest responses
    with _lock:
        found = _counts_maps.get(cache_key)
        previous = _latest.get(latest)
    if found is not None:
        return found
    units = cast(tuple[uuid.UUID, ...], layout.units)  # the tree's
    own = dict(zip(units, own_atoms[:-1].sum(axis=1).tolist(), strict=True))
    rollup = roll_up(tree, {u: n for u, n in own.items() if n}, k)
    reporting = np.array([layout.unit_index[rollup.reporting_unit(u)] for u in units] + [len(units)])
    counts = np.zeros_like(own_atoms)
    np.add.at(counts, reporting, own_atoms)
    smap = suppress_atoms(layout, counts, k, previous=previous, counted_elsewhere=elsewhere(tree, rollup, own, k))
    _remember(_counts_maps, cache_key, (smap, rollup))
    _remember(_latest, latest, smap)
    return smap, rollup


def suppression_map(data: SurveyData, tree: UnitTree, layers: list[Layer], k: int) -> SuppressionMap:
    """The survey's one global suppression pattern of respondents (cached per answers, tree shape and threshold)."""
    return cached_map(map_base(data, tree, layers, k), data, None)
