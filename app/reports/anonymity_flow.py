"""The machinery behind :mod:`app.reports.anonymity` (read its module docstring first): the unit tree laid out
once, the regions of the visible cells, the exact check of a combination of atoms, and complementary suppression
by max-flow on the region graph.

Nodes: ``j * (units + 1) + u`` is cell ``(u, j)`` (``u == units`` the organisation, ``j == layers`` ALL), and
``(layers + 1) * (units + 1)`` is the ground node ``Z``. A node's *region* is named by its top node: the node
itself for a visible cell, else the region of the same layer's cell of its parent unit, ``Z`` above the
organisation. Internal: arrays in, arrays out; nothing here knows unit or layer ids.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

IntArray: TypeAlias = npt.NDArray[np.int64]

# The price of hiding a cell: first its tier, then its n. Tiers, least useful first: a unit's per-layer cell (detail
# below the organisation), a team's total (a unit without sub-units), a layer of the whole organisation (the
# leadership perception gaps), a department's or directorate's total, the organisation's total.
TIER = 1 << 40
LAYER_TIER, TEAM_TIER, ORGANISATION_LAYER_TIER, INNER_TIER, ORGANISATION_TIER = 0, 1, 2, 3, 4
BELOW, COMPLEMENTARY, UNPUBLISHED = 1, 2, 3  # reason codes; 0 is visible


@dataclass(frozen=True, eq=False)
class TreeOrder:
    """The unit tree as arrays; the root (the organisation) is the last node."""

    parent: IntArray  # -1 for the root
    children: list[list[int]]
    preorder: IntArray  # depth first; the subtree of u is preorder[tin[u]:tout[u]]
    tin: IntArray
    tout: IntArray
    levels: list[IntArray]  # the nodes at each depth, the root alone first


def tree_order(parent: IntArray, children: list[list[int]]) -> TreeOrder:
    """Lay out the tree given by ``parent`` and ``children`` (root last). Raises ``ValueError`` on a cycle."""
    root = len(children) - 1
    preorder: list[int] = []
    stack = [root]
    while stack:
        u = stack.pop()
        preorder.append(u)
        stack.extend(reversed(children[u]))
    if len(preorder) != root + 1:
        raise ValueError("the unit tree has a cycle")
    order = np.array(preorder, dtype=np.int64)
    tin = np.empty(root + 1, dtype=np.int64)
    tin[order] = np.arange(root + 1)
    size = np.ones(root + 1, dtype=np.int64)
    for u in reversed(preorder[1:]):
        size[parent[u]] += size[u]
    depth = np.zeros(root + 1, dtype=np.int64)
    for u in preorder[1:]:
        depth[u] = depth[parent[u]] + 1
    levels = [order[depth[order] == d] for d in range(int(depth.max()) + 1)]
    for array in (parent, order, tin, size):
        array.flags.writeable = False
    return TreeOrder(parent, children, order, tin, tin + size, levels)


def region_tops(reason: npt.NDArray[np.int8], tree: TreeOrder) -> IntArray:
    """Per cell ``(u, j)``: the top node of its region, given which cells are hidden (``reason != 0``)."""
    m1, p1 = reason.shape
    z = p1 * m1
    top = np.empty((m1, p1), dtype=np.int64)
    own = np.arange(p1, dtype=np.int64) * m1
    root = m1 - 1
    top[root] = np.where(reason[root] != 0, z, own + root)
    for nodes in tree.levels[1:]:
        top[nodes] = np.where(reason[nodes] != 0, top[tree.parent[nodes]], own + nodes[:, None])
    return top


Regions: TypeAlias = tuple[IntArray, IntArray, IntArray, IntArray]
"""The region graph of a finished pattern: per atom (``u * layers + j``) the region of its layer cell (tail) and
of its ALL cell (head), and the non-empty atoms' end slots (``2 * atom + side``) grouped by node (``starts``)."""


def region_graph(top: IntArray, atoms: IntArray) -> Regions:
    p = atoms.shape[1]
    z = top.shape[1] * top.shape[0]
    ends = np.stack([top[:, :p].ravel(), np.repeat(top[:, p], p)], axis=1).ravel()
    slots = np.nonzero(np.repeat(atoms.ravel() > 0, 2))[0]
    slots = slots[np.argsort(ends[slots], kind="stable")]
    starts = np.searchsorted(ends[slots], np.arange(z + 2))
    tails, heads = top[:, :p].ravel(), np.repeat(top[:, p], p)
    for array in (tails, heads, starts, slots):
        array.flags.writeable = False
    return tails, heads, starts, slots


def computable(regions: Regions, cols: int, x: Mapping[tuple[int, int], int]) -> bool:
    """Whether the combination ``x`` of non-empty atoms ``(u, j)`` is a function of the visible cells (``cols``:
    the number of layers).

    True iff ``x`` is a potential difference on the region graph (module docstring): walk the components that
    ``x`` touches, assign potentials along the atoms and look for a contradiction. Integer arithmetic, exact.
    """
    tails, heads, starts, order = regions
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


def protects_alike(before: tuple[IntArray, IntArray, npt.NDArray[np.int8], npt.NDArray[np.bool_]], atoms: IntArray,
                   counts: IntArray, reason: npt.NDArray[np.int8], k: int) -> bool:
    """Whether protecting ``atoms`` from the cells hidden in ``reason`` would take the very steps an earlier
    protection took (``before``: its atoms, counts, outcome and the cells whose price it compared): the same start,
    the same atoms of ``k`` or more and smaller atoms with the same n (so the same flows and light cuts), and the
    same n on every cell it priced (so the same repairs). Then it would end the same."""
    atoms_before, counts_before, outcome, priced = before
    return bool(np.array_equal(np.where(outcome == COMPLEMENTARY, 0, outcome), reason)
                and np.array_equal(atoms_before >= k, atoms >= k)
                and np.array_equal(np.where(atoms_before < k, atoms_before, 0), np.where(atoms < k, atoms, 0))
                and np.array_equal(counts_before[priced], counts[priced]))


class Protector:
    """Complementary suppression on the contracted region graph (anonymity's docstring, "How the promise is
    checked"); ``run`` hides cells in ``reason`` (code ``COMPLEMENTARY``) until every small atom is protected.

    A union-find over the nodes holds the regions (started from the cells hidden in ``reason``), merges them as
    cells are hidden and contracts atoms with ``n >= k``. The remaining edges are the small atoms, ``(layer node)
    -> (ALL node)`` of their unit.
    """

    def __init__(self, atoms: IntArray, counts: IntArray, reason: npt.NDArray[np.int8], tree: TreeOrder,
                 k: int) -> None:
        self.m1, self.p1 = counts.shape
        self.z = self.p1 * self.m1
        self.counts, self.reason, self.parent, self.children, self.k = counts, reason, tree.parent, tree.children, k
        self.priced = np.zeros(counts.shape, dtype=bool)  # the cells whose price a repair compared
        # The regions of the cells hidden so far, in one pass down the tree (instead of one merge per hidden cell):
        # every node starts in its region's top node, which is the region's union-find root.
        tops = np.append(region_tops(reason, tree).T.ravel(), self.z)
        self.uf: list[int] = tops.tolist()
        nodes = np.argsort(tops, kind="stable")
        roots, firsts = np.unique(tops[nodes], return_index=True)
        node_list, bounds = nodes.tolist(), [*firsts.tolist(), len(nodes)]
        self.members: dict[int, list[int]] = {  # the nodes of each root's region
            root: node_list[bounds[i]:bounds[i + 1]] for i, root in enumerate(roots.tolist())}
        self.adj: dict[int, list[int]] = {}  # the atoms at each root's region (some may have become internal)
        p = self.p1 - 1
        for u, j in zip(*np.nonzero(atoms >= k), strict=True):
            self.union(int(j) * self.m1 + int(u), p * self.m1 + int(u))
        small = np.nonzero((atoms > 0) & (atoms < k))
        rank = np.lexsort((small[1], small[0], atoms[small]))
        units, layers = small[0][rank], small[1][rank]
        self.tail = (layers * self.m1 + units).tolist()
        self.head = (p * self.m1 + units).tolist()
        self.cap = atoms[units, layers].tolist()
        self.ta, self.hb = [self.find(a) for a in self.tail], [self.find(b) for b in self.head]
        first: dict[tuple[int, int], int] = {}  # parallel atoms act as one edge carrying their sum
        for e, (a, b) in enumerate(zip(self.ta, self.hb, strict=True)):
            if a == b:
                continue
            rep = first.setdefault((a, b), e)
            if rep != e:
                self.cap[rep] += self.cap[e]
            else:
                self.adj.setdefault(a, []).append(e)
                self.adj.setdefault(b, []).append(e)

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
        self.members[a] += self.members.pop(b)
        if b in self.adj:
            self.adj.setdefault(a, []).extend(self.adj.pop(b))

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
                    self.reason[u, j] = COMPLEMENTARY
                    self.hide(u, j)

    def arcs(self, x: int, phi: Mapping[int, int], into: bool) -> list[tuple[int, int]]:
        """Residual arcs out of (or ``into``) node ``x`` as ``(code, other node)``.

        Code ``2e`` is atom ``e`` forwards (while below its n), ``2e + 1`` backwards (always open).
        """
        out, kept = [], []
        uf, ta, hb = self.uf, self.ta, self.hb
        for e in self.adj.get(x, ()):
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
        self.priced[u, j] = True
        organisation, total = u == self.m1 - 1, j == self.p1 - 1
        if organisation:
            tier = ORGANISATION_TIER if total else ORGANISATION_LAYER_TIER
        else:
            tier = (INNER_TIER if self.children[u] else TEAM_TIER) if total else LAYER_TIER
        return tier * TIER + int(self.counts[u, j])
