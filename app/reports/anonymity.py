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
1. *Primary*: a cell with ``0 < n < k`` is hidden (reason ``below_threshold``).
2. *Complementary* (reason ``complementary``): more cells are hidden until the promise holds, cheapest first.

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
earlier stay protected, and one pass ends with every atom protected. Cost of hiding a cell: its n, times 4 for
unit totals and 64 for organisation-wide cells, so unit-by-layer detail goes first; ties break on unit id, so the
pattern is deterministic. 5,000 units x 6 layers take about half a second.

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
  complementary) imply ``n < k`` or ``n >= k``; show clients a single "suppressed" state. Response rates and
  outside knowledge (a team has one leader) are outside this model.
"""

from __future__ import annotations

import enum
import heapq
from collections import deque
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

UnitId: TypeAlias = Hashable
LayerId: TypeAlias = Hashable
Reason: TypeAlias = Literal["below_threshold", "complementary", "not_published"]
IntArray: TypeAlias = npt.NDArray[np.int64]


class AllLayers(enum.Enum):
    """Type of the :data:`ALL` sentinel."""

    ALL = "all"

    def __repr__(self) -> str:
        return "ALL"


ALL = AllLayers.ALL
"""Layer sentinel: every layer together (distinct from the layer ``None``)."""

Cell: TypeAlias = tuple[UnitId | None, LayerId | AllLayers]
"""``(unit, layer)``: unit ``None`` = the whole organisation, layer :data:`ALL` = every layer."""

_TOTAL_COST = 4
_ORGANISATION_COST = 64
_BELOW, _COMPLEMENTARY, _UNPUBLISHED = 1, 2, 3
_REASONS: dict[int, Reason] = {_BELOW: "below_threshold", _COMPLEMENTARY: "complementary",
                               _UNPUBLISHED: "not_published"}


def _deterministic(items: Sequence[Hashable]) -> list[Hashable]:
    try:
        return sorted(items)  # type: ignore[type-var]
    except TypeError:
        return sorted(items, key=lambda x: (type(x).__qualname__, repr(x)))


@dataclass(frozen=True, eq=False)
class SuppressionMap:
    """The suppression pattern of one survey wave; build it with :func:`suppress`.

    ``k`` is the minimum group size, ``layers`` the layer values in display order, ``units`` the units in id order.
    """

    k: int
    layers: tuple[LayerId, ...]
    units: tuple[UnitId, ...]
    _unit_index: Mapping[UnitId | None, int] = field(repr=False)
    _layer_index: Mapping[LayerId | AllLayers, int] = field(repr=False)
    _preorder: IntArray = field(repr=False)  # units depth first; subtree of u = _preorder[_tin[u]:_tout[u]]
    _tin: IntArray = field(repr=False)
    _tout: IntArray = field(repr=False)
    _atoms: IntArray = field(repr=False)  # (units + 1) x layers
    _counts: IntArray = field(repr=False)  # (units + 1) x (layers + 1), last column = ALL
    _reason: npt.NDArray[np.int8] = field(repr=False)  # 0 visible, 1 below threshold, 2 complementary, 3 unpublished
    _regions: tuple[IntArray, IntArray, IntArray, IntArray] = field(repr=False)  # see _computable

    def _cell(self, unit: UnitId | None, layer: LayerId | AllLayers) -> tuple[int, int]:
        try:
            return self._unit_index[unit], self._layer_index[layer]
        except KeyError:
            raise ValueError(f"unknown cell ({unit!r}, {layer!r})") from None

    def visible(self, unit: UnitId | None, layer: LayerId | AllLayers = ALL) -> bool:
        """Whether the cell's figures may be shown (empty cells are visible: they show n = 0 and nothing else)."""
        return bool(self._reason[self._cell(unit, layer)] == 0)

    def n(self, unit: UnitId | None, layer: LayerId | AllLayers = ALL) -> int:
        """The true number of respondents in the cell; show it only when :meth:`visible` (see :func:`shown_n`)."""
        return int(self._counts[self._cell(unit, layer)])

    def reason(self, unit: UnitId | None, layer: LayerId | AllLayers = ALL) -> Reason | None:
        """Why the cell is hidden, for logs and audits; clients should see one "suppressed" state (module Limits)."""
        code = self._reason[self._cell(unit, layer)]
        return None if code == 0 else _REASONS[int(code)]

    def hidden_cells(self) -> tuple[Cell, ...]:
        """Every hidden cell, organisation first, then units in id order; layers in the given order, ALL last."""
        names: list[UnitId | None] = [*self.units, None]
        layers: list[LayerId | AllLayers] = [*self.layers, ALL]
        rows, cols = np.nonzero(self._reason)
        order = np.lexsort((cols, np.where(rows == len(self.units), -1, rows)))
        return tuple((names[rows[i]], layers[cols[i]]) for i in order)

    def _subtree_atoms(self, unit: int, layer: int) -> dict[tuple[int, int], int]:
        units = self._preorder[self._tin[unit]:self._tout[unit]]
        cols = range(len(self.layers)) if layer == len(self.layers) else (layer,)
        return {(int(u), c): 1 for u in units for c in cols if self._atoms[u, c] > 0}

    def _contains(self, outer: tuple[int, int], inner: tuple[int, int]) -> bool:
        (ou, ol), (iu, il) = outer, inner
        return self._tin[ou] <= self._tin[iu] < self._tout[ou] and ol in (il, len(self.layers))

    def _computable(self, x: Mapping[tuple[int, int], int]) -> bool:
        """Whether the combination ``x`` of non-empty atoms is a function of the visible cells.

        True iff ``x`` is a potential difference on the region graph (module docstring): walk the components that
        ``x`` touches, assign potentials along the atoms and look for a contradiction. Integer arithmetic, exact.
        """
        tails, heads, starts, order = self._regions
        cols = len(self.layers)
        potential: dict[int, int] = {}
        for atom in x:
            root = int(tails[atom[0] * cols + atom[1]])
            if root in potential:
                continue
            potential[root] = 0
            queue = deque([root])
            while queue:
                v = queue.popleft()
                for slot in order[starts[v]:starts[v + 1]]:
                    key = int(slot) // 2
                    a, b = int(tails[key]), int(heads[key])
                    coefficient = x.get(divmod(key, cols), 0)
                    w, want = (b, potential[v] - coefficient) if slot % 2 == 0 else (a, potential[v] + coefficient)
                    if a == b:
                        if coefficient:
                            return False
                    elif w not in potential:
                        potential[w] = want
                        queue.append(w)
                    elif potential[w] != want:
                        return False
        return True


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
    negative count, and for a ``hide_as`` map of other units or layers.
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 3:
        raise ValueError(f"k must be an integer of at least 3, got {k!r}")
    layer_list = tuple(layers)
    if ALL in layer_list or len(set(layer_list)) != len(layer_list):
        raise ValueError(f"layers must be distinct and must not contain ALL: {layer_list!r}")
    if None in parent_of:
        raise ValueError("None is the organisation, not a unit")
    units = tuple(_deterministic(list(parent_of)))
    m, p = len(units), len(layer_list)
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
    preorder: list[int] = []
    stack = [m]
    while stack:
        u = stack.pop()
        preorder.append(u)
        stack.extend(reversed(children[u]))
    if len(preorder) != m + 1:
        raise ValueError("the unit tree has a cycle")
    order = np.array(preorder, dtype=np.int64)
    tin = np.empty(m + 1, dtype=np.int64)
    tin[order] = np.arange(m + 1)
    size = np.ones(m + 1, dtype=np.int64)
    for u in reversed(preorder[1:]):
        size[parent[u]] += size[u]
    depth = np.zeros(m + 1, dtype=np.int64)
    for u in preorder[1:]:
        depth[u] = depth[parent[u]] + 1
    levels = [order[depth[order] == d] for d in range(int(depth.max()) + 1)]

    layer_index: dict[LayerId | AllLayers, int] = {layer: j for j, layer in enumerate(layer_list)}
    layer_index[ALL] = p
    atoms = np.zeros((m + 1, p), dtype=np.int64)
    for (unit, layer), count in atom_counts.items():
        if unit not in unit_index or layer not in layer_index or layer is ALL:
            raise ValueError(f"unknown unit or layer in atom_counts: ({unit!r}, {layer!r})")
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 0:
            raise ValueError(f"counts must be non-negative integers, got {count!r} for ({unit!r}, {layer!r})")
        atoms[unit_index[unit], layer_index[layer]] = count
    subtree = atoms.copy()
    for nodes in reversed(levels[1:]):
        np.add.at(subtree, parent[nodes], subtree[nodes])
    counts = np.concatenate([subtree, subtree.sum(axis=1, keepdims=True)], axis=1)
    reason = np.where((counts > 0) & (counts < k), _BELOW, 0).astype(np.int8)
    if layer_detail is not None:
        unknown = [u for u in layer_detail if u not in unit_index]
        if unknown:
            raise ValueError(f"unknown units in layer_detail: {unknown[:3]!r}")
        coarse = np.ones(m + 1, dtype=bool)
        coarse[[unit_index[u] for u in layer_detail]] = False
        reason[coarse, :p] = np.where(reason[coarse, :p] == 0, _UNPUBLISHED, reason[coarse, :p])

    if hide_as is not None:
        if hide_as.units != units or hide_as.layers != layer_list:
            raise ValueError("hide_as must be a map of the same units and layers")
        reason[(reason == 0) & (hide_as._reason != 0)] = _UNPUBLISHED

    _Protector(atoms, counts, reason, parent, children, int(k)).run()

    z = (p + 1) * (m + 1)
    top = np.empty((m + 1, p + 1), dtype=np.int64)
    own = np.arange(p + 1, dtype=np.int64) * (m + 1)
    top[m] = np.where(reason[m] != 0, z, own + m)
    for nodes in levels[1:]:
        top[nodes] = np.where(reason[nodes] != 0, top[parent[nodes]], own + nodes[:, None])
    ends = np.stack([top[:, :p].ravel(), np.repeat(top[:, p], p)], axis=1).ravel()
    slots = np.nonzero(np.repeat(atoms.ravel() > 0, 2))[0]
    slots = slots[np.argsort(ends[slots], kind="stable")]
    starts = np.searchsorted(ends[slots], np.arange(z + 2))
    for array in (order, tin, size, atoms, counts, reason, top, starts, slots):
        array.flags.writeable = False
    return SuppressionMap(
        k=int(k), layers=layer_list, units=units, _unit_index=unit_index, _layer_index=layer_index,
        _preorder=order, _tin=tin, _tout=tin + size, _atoms=atoms, _counts=counts,
        _reason=reason, _regions=(top[:, :p].ravel(), np.repeat(top[:, p], p), starts, slots),
    )


class _Protector:
    """Complementary suppression on the contracted region graph (module docstring, "How the promise is checked").

    Nodes ``j * (units + 1) + u`` stand for the region of cell ``(u, j)`` (``j == layers`` for ALL), plus the ground
    node ``Z``; a union-find merges regions as cells are hidden and contracts atoms with ``n >= k``. The remaining
    edges are the small atoms, ``(layer node) -> (ALL node)`` of their unit.
    """

    def __init__(self, atoms: IntArray, counts: IntArray, reason: npt.NDArray[np.int8], parent: IntArray,
                 children: list[list[int]], k: int) -> None:
        self.m1, self.p1 = counts.shape
        self.z = self.p1 * self.m1
        self.counts, self.reason, self.parent, self.children, self.k = counts, reason, parent, children, k
        self.uf = list(range(self.z + 1))
        self.members: list[list[int]] = [[v] for v in range(self.z + 1)]
        self.adj: list[list[int]] = [[] for _ in range(self.z + 1)]
        for u, j in zip(*np.nonzero(reason), strict=True):
            self.hide(int(u), int(j))
        p = self.p1 - 1
        for u, j in zip(*np.nonzero(atoms >= k), strict=True):
            self.union(int(j) * self.m1 + int(u), p * self.m1 + int(u))
        small = np.nonzero((atoms > 0) & (atoms < k))
        rank = np.lexsort((small[1], small[0], atoms[small]))
        self.tail = [int(small[1][i]) * self.m1 + int(small[0][i]) for i in rank]
        self.head = [p * self.m1 + int(small[0][i]) for i in rank]
        self.cap = [int(atoms[small][i]) for i in rank]
        self.ta, self.hb = [self.find(a) for a in self.tail], [self.find(b) for b in self.head]
        first: dict[tuple[int, int], int] = {}  # parallel atoms act as one edge carrying their sum
        for e, (a, b) in enumerate(zip(self.ta, self.hb, strict=True)):
            if a == b:
                continue
            rep = first.setdefault((a, b), e)
            if rep != e:
                self.cap[rep] += self.cap[e]
            else:
                self.adj[a].append(e)
                self.adj[b].append(e)

    def find(self, v: int) -> int:
        uf = self.uf
        while uf[v] != v:
            uf[v] = uf[uf[v]]
            v = uf[v]
        return v

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.uf[b] = a
        self.members[a] += self.members[b]
        self.adj[a] += self.adj[b]
        self.members[b], self.adj[b] = [], []

    def hide(self, u: int, j: int) -> None:
        """Merge the region of cell ``(u, j)`` into the region above it (the ground node for the organisation)."""
        up = int(self.parent[u])
        self.union(j * self.m1 + u, j * self.m1 + up if up >= 0 else self.z)

    def run(self) -> None:
        protected: set[tuple[int, int]] = set()  # flows only grow, so a pair once protected stays protected
        for e in range(len(self.cap)):
            while True:
                s, t = self.find(self.tail[e]), self.find(self.head[e])
                if s == t or (s, t) in protected:
                    break
                phi: dict[int, int] = {}
                cut = self.flow(s, t, phi)
                if cut is None:
                    protected.add((s, t))
                    break
                for u, j in self.repair(s, t, phi, *cut):
                    self.reason[u, j] = _COMPLEMENTARY
                    self.hide(u, j)

    def arcs(self, x: int, phi: Mapping[int, int], into: bool) -> list[tuple[int, int]]:
        """Residual arcs out of (or ``into``) node ``x`` as ``(code, other node)``.

        Code ``2e`` is atom ``e`` forwards (while below its n), ``2e + 1`` backwards (always open).
        """
        out, kept = [], []
        uf, ta, hb = self.uf, self.ta, self.hb
        for e in self.adj[x]:
            a, b = ta[e], hb[e]
            if uf[a] != a:
                a = ta[e] = self.find(a)
            if uf[b] != b:
                b = hb[e] = self.find(b)
            if a == b:
                continue  # inside one region for good: drop it from the list
            kept.append(e)
            if a == x and not into:
                if self.cap[e] - phi.get(e, 0) > 0:
                    out.append((2 * e, b))
            elif a == x:
                out.append((2 * e + 1, b))
            elif not into:
                out.append((2 * e + 1, a))
            elif self.cap[e] - phi.get(e, 0) > 0:
                out.append((2 * e, a))
        self.adj[x] = kept
        return out

    def flow(self, s: int, t: int, phi: dict[int, int]) -> tuple[set[int], set[int], bool] | None:
        """Push flow from ``s`` to ``t`` until ``k``; atoms carry ``n`` forwards and unlimited flow backwards.

        Returns None when the flow reaches ``k``. Otherwise a cut lighter than ``k``: the side that was searched
        to the end (all nodes reachable from ``s``, or all nodes reaching ``t``), what the other search saw, and
        whether the closed side is ``t``'s. Paths are found by a BFS from both ends, growing the smaller frontier,
        so a small side is cheap to close.
        """
        total = 0
        while total < self.k:
            seen = ({s: -1}, {t: -1})
            fronts = ([s], [t])
            meet = -1
            while meet < 0:
                side = 0 if len(fronts[0]) <= len(fronts[1]) else 1
                if not fronts[side]:
                    return set(seen[side]), set(seen[1 - side]), bool(side)
                grown = []
                for x in fronts[side]:
                    for code, y in self.arcs(x, phi, into=bool(side)):
                        if y not in seen[side]:
                            seen[side][y] = code
                            grown.append(y)
                            if y in seen[1 - side]:
                                meet = y
                                break
                    if meet >= 0:
                        break
                fronts = (grown, fronts[1]) if side == 0 else (fronts[0], grown)
            path = []
            for side, step in ((0, 1), (1, 0)):
                v = meet
                while seen[side][v] >= 0:
                    e, back = divmod(seen[side][v], 2)
                    path.append((e, back))
                    v = self.find(self.head[e] if back == step else self.tail[e])
            forward = [self.cap[e] - phi.get(e, 0) for e, back in path if not back]
            if not forward:
                return None
            push = min(forward)
            for e, back in path:
                phi[e] = phi.get(e, 0) + (-push if back else push)
            total += push
        return None

    def repair(self, s: int, t: int, phi: Mapping[int, int], closed: set[int], seen: set[int],
               into: bool) -> list[tuple[int, int]]:
        """The cells to hide for a cut lighter than ``k``; hiding them opens a path or at least destroys the cut.

        ``closed`` is one side of the cut (all nodes reachable from ``s``, or, when ``into``, all nodes reaching
        ``t``), ``seen`` part of the other side. First choice: the cheapest visible cell joining the two sides.
        Then the cheapest chain of cells between them (Dijkstra, within a budget). Last, the cheapest visible cell
        leaving ``closed``: it destroys this cut, and as ``closed`` only grows the loop ends.
        """
        candidates = sorted(self.leaving(closed))
        if candidates[0][3] not in seen:
            seen = self.reach(s, phi, into=False) if into else self.reach(t, phi, into=True)
        joining = next((c for c in candidates if c[3] in seen), None)
        if joining is not None:
            return [joining[1:3]]
        return self.cheapest(closed, seen, phi, into) or [candidates[0][1:3]]

    def cheapest(self, sources: set[int], targets: set[int], phi: Mapping[int, int], into: bool,
                 budget: int = 10_000) -> list[tuple[int, int]]:
        """The cells of the cheapest path from ``sources`` to ``targets``: residual arcs cost 0, cells their cost."""
        dist = dict.fromkeys(sources, 0)
        prev: dict[int, tuple[int, tuple[int, int] | None]] = {}
        heap = [(0, x) for x in sorted(sources)]
        for _ in range(budget):
            if not heap:
                break
            d, x = heapq.heappop(heap)
            if x in targets:
                cells = []
                while x not in sources:
                    x, cell = prev[x]
                    if cell is not None:
                        cells.append(cell)
                return cells
            if d > dist[x]:
                continue
            steps: list[tuple[int, int, tuple[int, int] | None]] = [(y, d, None) for _, y in self.arcs(x, phi, into)]
            for v in self.members[x]:
                for u, j, other in self.cells_at(v):
                    if self.reason[u, j] == 0 and self.counts[u, j] > 0:
                        steps.append((self.find(other), d + self.cost(u, j), (u, j)))
            for y, nd, cell in steps:
                if y != x and nd < dist.get(y, nd + 1):
                    dist[y] = nd
                    prev[y] = (x, cell)
                    heapq.heappush(heap, (nd, y))
        return []

    def leaving(self, closed: set[int]) -> list[tuple[int, int, int, int]]:
        """Visible cells with one end in ``closed``, as ``(cost, unit, layer, node at the other end)``."""
        out = []
        for x in closed:
            for v in self.members[x]:
                for u, j, end in self.cells_at(v):
                    if self.reason[u, j] == 0 and self.counts[u, j] > 0 and self.find(end) not in closed:
                        out.append((self.cost(u, j), u, j, self.find(end)))
        if not out:
            raise RuntimeError("a light cut without visible cells around it; the region graph is inconsistent")
        return out

    def reach(self, start: int, phi: Mapping[int, int], into: bool) -> set[int]:
        """Every node reachable from ``start`` in the residual graph (or reaching it, when ``into``)."""
        seen, queue = {start}, deque([start])
        while queue:
            for _, y in self.arcs(queue.popleft(), phi, into):
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
        return seen

    def cells_at(self, v: int) -> list[tuple[int, int, int]]:
        """Cells ``(u, j, other node)`` whose hiding would merge node ``v``'s region with ``other``."""
        if v == self.z:
            return [(self.m1 - 1, j, j * self.m1 + self.m1 - 1) for j in range(self.p1)]
        j, u = divmod(v, self.m1)
        up = int(self.parent[u])
        cells = [(u, j, j * self.m1 + up if up >= 0 else self.z)]
        cells += [(c, j, j * self.m1 + c) for c in self.children[u]]
        return cells

    def cost(self, u: int, j: int) -> int:
        weight = (_ORGANISATION_COST if u == self.m1 - 1 else 1) * (_TOTAL_COST if j == self.p1 - 1 else 1)
        return int(self.counts[u, j]) * weight
