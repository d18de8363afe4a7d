"""Disclosure control for survey reports: which groups ("cells") may show figures.

Model
-----
Respondents sit in *atoms* ``own(U, L)``: unit exactly ``U`` (possibly an inner node; ``None`` = organisation level)
and layer ``L`` (``None`` is a layer value of its own). Reports show additive figures (n, sums, distributions) of
*cells* ``(U, L)`` = every atom in ``U``'s subtree with layer ``L``, and ``(U, ALL)``; ``U = None`` is the whole
organisation. Every cell is a sum of atoms, so the figures of any set of visible cells let an attacker compute
exactly the linear combinations of atoms in the row space of their 0/1 indicator matrix -- the same for n, sums and
every additive statistic.

The promise: no group with ``0 < n < k`` is computable. Precisely, no non-negative integer combination of
non-empty atoms with total weight ``sum(c_i * n_i)`` in ``[1, k - 1]`` lies in that row space (this covers every
0/1 group -- a hidden cell, a parent minus its visible children, a layer total minus visible layers, unions of
atoms -- and also weighted ones). Empty cells (n = 0) are shown as empty; they reveal only zeros.

Rules
-----
1. *Primary*: a cell with ``0 < n < k`` is hidden (reason ``below_minimum``).
2. *Complementary* (reason ``protects_smaller_group``): more cells are hidden until the promise holds, cheapest
   first.

One global pattern is computed per survey over every cell ``(U, L)``, ``L`` in ``layers`` or ``ALL``, ``U`` in the
units or ``None``. Every request (any subtree, breakdown or comparison) shows only globally visible cells, so the
union of everything ever shown spans no more than the visible cells together -- which the promise is checked on.
Per-request suppression would not have this property: two overlapping requests could each be safe and together not.

How the promise is checked (exactly)
------------------------------------
Visible cells of layer ``L`` form a laminar family; its span is spanned by *regions*: a visible cell minus its
nearest visible sub-cells (hidden cells merge into the region above them; with no visible cell above, into a
ground node ``Z``). The same holds for the ``ALL`` cells. A combination ``x`` of atoms is computable iff
``x(U, L) = a[region_L(U)] + b[region_ALL(U)]`` for all non-empty atoms (``a = b = 0`` at ``Z``): in the bipartite
*region graph* (regions as nodes, atoms as edges ``region_L -> region_ALL``) it is a potential difference. The
computable non-negative combinations are then the directed cuts: node sets ``X`` that no atom enters, weighted by
the atoms leaving ``X``. By max-flow/min-cut, the promise holds iff for every atom ``e = (s -> t)`` with
``n_e < k`` the flow from ``s`` to ``t`` is at least ``k``, where atoms carry ``n`` forwards and unlimited flow
backwards. Atoms with ``n >= k`` never sit in a cut lighter than ``k``, so they are contracted.

Complementary suppression processes the small atoms in a fixed order (n, unit, layer). While an atom's flow is
below ``k``, the search leaves a light cut; the engine hides the cheapest visible cell joining its two sides, else
the cheapest chain of cells between them (Dijkstra, within a budget), else the cheapest cell around the cut, and
measures again. Hiding a cell merges its region with the one above, which only ever adds paths: atoms protected
earlier stay protected, and one pass ends with every atom protected. Cost of hiding a cell: first its tier, least
useful first -- a unit's per-layer cell, a team's total, a layer of the whole organisation, a department's (any inner
unit's) total, the organisation's total --, then its n; ties break on unit id, so the pattern is
deterministic. 5,000 units x 6 layers take about half a second. The machinery (regions, the flow search, the
repairs) is in :mod:`app.reports.anonymity_flow`.

A survey's many maps (the respondents', one per subset such as "answered item 7") share one :class:`Layout` of the
tree, layers and layer detail; :func:`suppress_atoms` builds each from a counts matrix, starting from the regions of
the cells hidden at the start (laid out in one pass down the tree), or takes over ``previous`` when provably equal.

Why not check each relation (parent = own + children; total = sum of layers) on its own? Relations combine: with
``(U, L)`` visible, children ``c1`` (n = 2) and ``c2`` (n = 50) hidden, and inside ``c2`` its own atom (1) and a
leaf (1) hidden next to visible siblings, every relation passes (two hidden members, together ``n >= k`` where
the total is shown), yet ``(U, L)`` minus the visible grandchildren is a group of 4. Nor can a lone hidden
complement with ``n >= k`` protect anything when another relation gives it away (the organisation's cell of a
layer that sits in one unit).

Helpers
-------
:func:`complement_visible` (a cell against the rest of an enclosing cell), :func:`union_visible` (several disjoint
cells as one group; shown only when its sum is already computable from visible cells, so it adds no equation --
hidden members with a combined ``n >= k`` are not enough: with ``(U, ALL)`` visible and hidden layers ``L1`` (1),
``L2`` (1), ``L3`` (5), showing ``L1 + L3`` gives away ``L2``) and :func:`shown_n`.

Limits
------
* Only additive figures are covered. Non-additive ones (alpha, medians, rank tests) must never be computed for a
  hidden cell; for visible cells, medians of overlapping groups are not covered by the linear argument.
* The pattern is per set of atom counts: every wave (and every filtered subset, e.g. "answered item 7") needs its
  own map, and the report layer must not publish any figure of a hidden cell in any response, export or error.
  ``app.reports.context`` builds the subset maps (``subset_map``, ``hide_as`` the respondent map) and shows a
  subset's figure only for cells visible in both maps.
* Counts are not hidden by bounds: hidden cells are known to be non-empty, so e.g. three hidden cells whose sum
  is computable as 3 each hold one respondent. No answer of theirs is computable. Reasons (primary vs
  complementary) say ``n < k`` or ``n >= k``, a bound no finer than the counts above. Response rates and outside
  knowledge (a team has one leader) are outside this model.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from app.reports.anonymity_flow import (
    BELOW,
    COMPLEMENTARY,
    UNPUBLISHED,
    IntArray,
    Protector,
    Regions,
    TreeOrder,
    computable,
    protects_alike,
    region_graph,
    region_tops,
    tree_order,
)

UnitId: TypeAlias = Hashable
LayerId: TypeAlias = Hashable
Reason: TypeAlias = Literal["below_minimum", "protects_smaller_group", "not_published"]


class AllLayers(enum.Enum):
    """Type of the :data:`ALL` sentinel."""

    ALL = "all"

    def __repr__(self) -> str:
        return "ALL"


ALL = AllLayers.ALL
"""Layer sentinel: every layer together (distinct from the layer ``None``)."""

Cell: TypeAlias = tuple[UnitId | None, LayerId | AllLayers]
"""``(unit, layer)``: unit ``None`` = the whole organisation, layer :data:`ALL` = every layer."""

_REASONS: dict[int, Reason] = {BELOW: "below_minimum", COMPLEMENTARY: "protects_smaller_group",
                               UNPUBLISHED: "not_published"}
REASONS: tuple[Reason | None, ...] = (None, *(_REASONS[code] for code in range(1, len(_REASONS) + 1)))
"""The reason of each code of :meth:`SuppressionMap.reason_codes` (0: visible, None)."""


def _deterministic(items: Sequence[Hashable]) -> list[Hashable]:
    try:
        return sorted(items)  # type: ignore[type-var]
    except TypeError:
        return sorted(items, key=lambda x: (type(x).__qualname__, repr(x)))


@dataclass(frozen=True, eq=False)
class Layout:
    """The unit tree, the layers and the published layer detail that maps share; build it with :meth:`of`.

    ``units`` are in id order; row ``i`` of a counts matrix is ``units[i]``, the last row the organisation level
    (unit ``None``), and column ``j`` is ``layers[j]``.
    """

    units: tuple[UnitId, ...]
    layers: tuple[LayerId, ...]
    unit_index: Mapping[UnitId | None, int] = field(repr=False)
    layer_index: Mapping[LayerId | AllLayers, int] = field(repr=False)  # ALL is the column after the layers
    tree: TreeOrder = field(repr=False)
    coarse: npt.NDArray[np.bool_] | None = field(repr=False)  # per unit row: publishes only its total

    @classmethod
    def of(cls, parent_of: Mapping[UnitId, UnitId | None], layers: Sequence[LayerId], *,
           layer_detail: Collection[UnitId | None] | None = None) -> Layout:
        """Every unit and its parent (``None`` for top-level units), every layer in display order, and the units
        that publish per-layer cells (see :func:`suppress`). Raises ``ValueError`` for duplicate layers, an unknown
        parent or unit, or a cycle."""
        layer_list = tuple(layers)
        if ALL in layer_list or len(set(layer_list)) != len(layer_list):
            raise ValueError(f"layers must be distinct and must not contain ALL: {layer_list!r}")
        if None in parent_of:
            raise ValueError("None is the organisation, not a unit")
        units = tuple(_deterministic(list(parent_of)))
        m = len(units)
        unit_index: dict[UnitId | None, int] = {u: i for i, u in enumerate(units)}
        unit_index[None] = m
        parent = np.full(m + 1, -1, dtype=np.int64)
        children: list[list[int]] = [[] for _ in range(m + 1)]
        for i, u in enumerate(units):
            up = parent_of[u]
            if up is not None and up not in parent_of:
                raise ValueError(f"parent {up!r} of unit {u!r} is not a unit")
            parent[i] = unit_index[up]
            children[parent[i]].append(i)
        tree = tree_order(parent, children)
        coarse = None
        if layer_detail is not None:
            unknown = [u for u in layer_detail if u not in unit_index]
            if unknown:
                raise ValueError(f"unknown units in layer_detail: {unknown[:3]!r}")
            coarse = np.ones(m + 1, dtype=bool)
            coarse[[unit_index[u] for u in layer_detail]] = False
            coarse.flags.writeable = False
        layer_index: dict[LayerId | AllLayers, int] = {layer: j for j, layer in enumerate(layer_list)}
        layer_index[ALL] = len(layer_list)
        return cls(units, layer_list, unit_index, layer_index, tree, coarse)

    def cell_index(self, cells: Sequence[Cell]) -> CellIndex:
        """Where the cells sit in every map of this layout, to read many at once (:meth:`SuppressionMap.reason_codes`).
        Raises ``ValueError`` for an unknown unit or layer."""
        try:
            rows = np.fromiter((self.unit_index[unit] for unit, _ in cells), dtype=np.int64, count=len(cells))
            cols = np.fromiter((self.layer_index[layer] for _, layer in cells), dtype=np.int64, count=len(cells))
        except KeyError as e:
            raise ValueError(f"unknown unit or layer {e}") from None
        return CellIndex(self, rows, cols)

    def counts(self, atom_counts: Mapping[tuple[UnitId | None, LayerId], int]) -> IntArray:
        """The counts matrix of respondents per (unit exactly, layer); missing keys count as 0."""
        atoms = np.zeros((len(self.units) + 1, len(self.layers)), dtype=np.int64)
        for (unit, layer), count in atom_counts.items():
            if unit not in self.unit_index or layer not in self.layer_index or layer is ALL:
                raise ValueError(f"unknown unit or layer in atom_counts: ({unit!r}, {layer!r})")
            if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 0:
                raise ValueError(f"counts must be non-negative integers, got {count!r} for ({unit!r}, {layer!r})")
            atoms[self.unit_index[unit], self.layer_index[layer]] = count
        return atoms


@dataclass(frozen=True, eq=False)
class CellIndex:
    """Rows and columns of some cells in the maps of one layout (:meth:`Layout.cell_index`)."""

    layout: Layout
    rows: IntArray
    cols: IntArray


@dataclass(frozen=True, eq=False)
class SuppressionMap:
    """The suppression pattern of one survey wave (or subset); build it with :func:`suppress`.

    ``k`` is the minimum group size; ``layers`` (display order) and ``units`` (id order) come from its layout.
    """

    k: int
    layout: Layout = field(repr=False)
    _atoms: IntArray = field(repr=False)  # (units + 1) x layers
    _counts: IntArray = field(repr=False)  # (units + 1) x (layers + 1), last column = ALL
    _reason: npt.NDArray[np.int8] = field(repr=False)  # 0 visible, 1 below threshold, 2 complementary, 3 unpublished
    _regions: Regions = field(repr=False)
    _priced: npt.NDArray[np.bool_] = field(repr=False)  # the cells whose price the protection's repairs compared

    @property
    def layers(self) -> tuple[LayerId, ...]:
        return self.layout.layers

    @property
    def units(self) -> tuple[UnitId, ...]:
        return self.layout.units

    def _cell(self, unit: UnitId | None, layer: LayerId | AllLayers) -> tuple[int, int]:
        try:
            return self.layout.unit_index[unit], self.layout.layer_index[layer]
        except KeyError:
            raise ValueError(f"unknown cell ({unit!r}, {layer!r})") from None


    def visible(self, unit: UnitId | None, layer: LayerId | AllLayers = ALL) -> bool:
        """Whether the cell's figures may be shown (empty cells are visible: they show n = 0 and nothing else)."""
        return bool(self._reason[self._cell(unit, layer)] == 0)

    def n(self, unit: UnitId | None, layer: LayerId | AllLayers = ALL) -> int:
        """The true number of respondents in the cell; show it only when :meth:`visible` (see :func:`shown_n`)."""
        return int(self._counts[self._cell(unit, layer)])

    def reason(self, unit: UnitId | None, layer: LayerId | AllLayers = ALL) -> Reason | None:
        """Why the cell is hidden: fewer than k respondents, or hidden to protect a smaller group (module Limits)."""
        code = self._reason[self._cell(unit, layer)]
        return None if code == 0 else _REASONS[int(code)]

    def reason_codes(self, index: CellIndex) -> npt.NDArray[np.int8]:
        """Per cell of ``index``: 0 where visible, else the code of why it is hidden (:data:`REASONS`); many
        cells at once. Raises ``ValueError`` for an index of another layout."""
        return self._reason[self._at(index)]

    def counts_at(self, index: CellIndex) -> IntArray:
        """Per cell of ``index``: its true n, as :meth:`n` (show it only where visible)."""
        return self._counts[self._at(index)]

    def _at(self, index: CellIndex) -> tuple[IntArray, IntArray]:
        if index.layout is not self.layout:
            raise ValueError("the cell index is of another layout")
        return index.rows, index.cols

    def hidden_cells(self) -> tuple[Cell, ...]:
        """Every hidden cell, organisation first, then units in id order; layers in the given order, ALL last."""
        names: list[UnitId | None] = [*self.units, None]
        layers: list[LayerId | AllLayers] = [*self.layers, ALL]
        rows, cols = np.nonzero(self._reason)
        order = np.lexsort((cols, np.where(rows == len(self.units), -1, rows)))
        return tuple((names[rows[i]], layers[cols[i]]) for i in order)

    def _subtree_atoms(self, unit: int, layer: int) -> dict[tuple[int, int], int]:
        tree = self.layout.tree
        units = tree.preorder[tree.tin[unit]:tree.tout[unit]]
        cols = range(len(self.layers)) if layer == len(self.layers) else (layer,)
        return {(int(u), c): 1 for u in units for c in cols if self._atoms[u, c] > 0}

    def _contains(self, outer: tuple[int, int], inner: tuple[int, int]) -> bool:
        (ou, ol), (iu, il) = outer, inner
        tin, tout = self.layout.tree.tin, self.layout.tree.tout
        return bool(tin[ou] <= tin[iu] < tout[ou]) and ol in (il, len(self.layers))

    def _computable(self, x: Mapping[tuple[int, int], int]) -> bool:
        """Whether the combination ``x`` of non-empty atoms is a function of the visible cells (module docstring)."""
        return computable(self._regions, len(self.layers), x)


def shown_n(smap: SuppressionMap, cell: Cell) -> int | None:
    """The n to display: the exact n of a visible cell, ``None`` for a hidden one (never a hint of its size)."""
    return smap.n(*cell) if smap.visible(*cell) else None


def complement_visible(smap: SuppressionMap, whole: Cell, part: Cell) -> bool:
    """Whether ``part`` may be compared with the rest of ``whole`` (``whole - part``), e.g. a team against the rest.

    Allowed when both cells are visible, ``part`` is not empty and the rest has at least ``k`` respondents. The
    rest is then a difference of visible cells: it adds no equation, and the pattern already guarantees that a
    computable group is empty or has ``n >= k`` (checked here again). Raises ``ValueError`` when ``part`` is not
    inside ``whole``.
    """
    w, q = smap._cell(*whole), smap._cell(*part)
    if not smap._contains(w, q):
        raise ValueError(f"{part!r} is not inside {whole!r}")
    rest = smap._counts[w] - smap._counts[q]
    return smap.visible(*whole) and smap.visible(*part) and smap._counts[q] > 0 and rest >= smap.k


def union_visible(smap: SuppressionMap, cells: Sequence[Cell]) -> bool:
    """Whether the union of disjoint ``cells`` (e.g. several layers of one unit) may be shown as one group.

    True when its n is 0 or at least ``k`` and its sum is already computable from the visible cells: every member
    visible, or e.g. the hidden members are exactly "unit total minus its visible layers". Showing such a union
    adds nothing an attacker could not compute; showing any other union of hidden cells would add an equation.
    Raises ``ValueError`` for overlapping cells.
    """
    index = [smap._cell(*c) for c in cells]
    for i, a in enumerate(index):
        for b in index[i + 1:]:
            if smap._contains(a, b) or smap._contains(b, a):
                raise ValueError(f"cells overlap: {cells!r}")
    total = int(sum(smap._counts[c] for c in index))
    if 0 < total < smap.k:
        return False
    if all(smap._reason[c] == 0 for c in index):
        return True
    x: dict[tuple[int, int], int] = {}
    for c in index:
        x.update(smap._subtree_atoms(*c))
    return smap._computable(x)


def suppress(
    parent_of: Mapping[UnitId, UnitId | None],
    atom_counts: Mapping[tuple[UnitId | None, LayerId], int],
    k: int,
    layers: Sequence[LayerId],
    *,
    layer_detail: Collection[UnitId | None] | None = None,
    hide_as: SuppressionMap | None = None,
) -> SuppressionMap:
    """Compute the survey's suppression pattern.

    Parameters
    ----------
    parent_of
        Every unit and its parent (``None`` for top-level units); any depth.
    atom_counts
        Respondents per (unit exactly, layer); unit ``None`` for respondents without a unit, layer ``None`` for
        respondents without a layer (``None`` must then be in ``layers``). Missing keys count as 0.
    k
        The survey's minimum group size, at least 3.
    layers
        Every layer value, in display order.
    layer_detail
        The units (``None`` = the organisation) whose per-layer cells ``(U, L)`` are published at all; the others
        publish only their total ``(U, ALL)`` and their layer cells are hidden from the start (reason
        ``not_published``). ``None`` publishes every layer cell. Publishing fewer cells is a product choice that
        costs detail where it is least safe (a team's layer cells single out its one team leader) and buys
        visibility elsewhere: fewer published cells need fewer complementary suppressions.
    hide_as
        A map of the same units and layers (e.g. the survey's respondent map, for a subset's map); every cell it
        hides is hidden here from the start too (reason ``not_published``), and the protection then runs as
        always. Hiding more cells never breaks the promise (the pattern is checked on what stays visible), and a
        subset's figures are shown only where the respondent map shows the cell anyway, so this loses nothing and
        leaves the protection far less to repair (a subset's map in about a third of the time).

    Raises ``ValueError`` for a bad ``k``, duplicate layers, an unknown parent, unit or layer, a cycle, or a
    negative count, and for a ``hide_as`` map of other units or layers. Many maps on one tree: prepare the
    :class:`Layout` once and call :func:`suppress_atoms`.
    """
    _check_k(k)
    layout = Layout.of(parent_of, layers, layer_detail=layer_detail)
    return suppress_atoms(layout, layout.counts(atom_counts), k, hide_as=hide_as)


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 3:
        raise ValueError(f"k must be an integer of at least 3, got {k!r}")


def suppress_atoms(layout: Layout, atoms: IntArray, k: int, *, hide_as: SuppressionMap | None = None,
                   previous: SuppressionMap | None = None,
                   counted_elsewhere: Mapping[UnitId, Reason] | None = None) -> SuppressionMap:
    """:func:`suppress` on a prepared layout, from its counts matrix (:meth:`Layout.counts`: respondents per unit
    row and layer column).

    ``previous``: an earlier map of the same layout and ``k`` (the subset before a new response, say). Flows
    depend on the cells hidden at the start, which atoms have ``k`` or more and the n of the others; other n only
    price repairs. If all of those and the n of every cell its repairs priced are the same -- as after a response
    in an atom that had ``k`` already, away from the repairs -- the protection would take the same steps: its
    pattern is taken without running it. The map is the same either way.

    ``counted_elsewhere``: units whose respondents count in another unit's figures (`app.reports.rollup`), with the
    reason to give: their cells that are empty for that are hidden with it instead of showing n = 0 (hiding more
    never breaks the promise).
    """
    _check_k(k)
    m, p = len(layout.units), len(layout.layers)
    atoms = np.array(atoms, dtype=np.int64)  # a copy: the map keeps it
    if atoms.shape != (m + 1, p) or (atoms < 0).any():
        raise ValueError(f"atoms must be a non-negative ({m + 1}, {p}) counts matrix")
    tree = layout.tree
    subtree = atoms.copy()
    for nodes in reversed(tree.levels[1:]):
        np.add.at(subtree, tree.parent[nodes], subtree[nodes])
    counts = np.concatenate([subtree, subtree.sum(axis=1, keepdims=True)], axis=1)
    reason = np.where((counts > 0) & (counts < k), BELOW, 0).astype(np.int8)
    if layout.coarse is not None:
        coarse = layout.coarse
        reason[coarse, :p] = np.where(reason[coarse, :p] == 0, UNPUBLISHED, reason[coarse, :p])
    if hide_as is not None:
        if hide_as.units != layout.units or hide_as.layers != layout.layers:
            raise ValueError("hide_as must be a map of the same units and layers")
        reason[(reason == 0) & (hide_as._reason != 0)] = UNPUBLISHED

    if previous is not None and previous.layout is layout and previous.k == k and protects_alike(
            (previous._atoms, previous._counts, previous._reason, previous._priced), atoms, counts, reason, k):
        reason, priced, regions = previous._reason, previous._priced, previous._regions  # the same steps and end
    else:
        protector = Protector(atoms, counts, reason, tree, int(k))
        protector.run()
        priced, regions = protector.priced, region_graph(region_tops(reason, tree), atoms)
    if counted_elsewhere:
        reason = reason.copy()
        codes = {"below_minimum": BELOW, "protects_smaller_group": COMPLEMENTARY, "not_published": UNPUBLISHED}
        for unit, why in counted_elsewhere.items():
            row = layout.unit_index.get(unit)
            if row is not None:
                empty = (counts[row] == 0) & (reason[row] == 0)
                reason[row, empty] = codes[why]
    for array in (atoms, counts, reason, priced):
        array.flags.writeable = False
    return SuppressionMap(k=int(k), layout=layout, _atoms=atoms, _counts=counts, _reason=reason, _regions=regions,
                          _priced=priced)

