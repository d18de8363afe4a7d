"""The anonymity engine under attack.

An attacker who sees the figures of some groups knows every linear combination of atoms (respondents per exact unit
and layer) in the row space of those groups' 0/1 indicator matrix, for n, sums and every additive statistic alike.
A group is disclosed when a 0/1 vector (or any non-negative integer one) of total n in [1, k - 1] lies in that row
space; ``v`` is in it iff ``rank([A; v]) == rank(A)``. The tests attack random organisations (seeded numpy and
hypothesis) through the visible cells and through simulated request sequences, look at every small atom, every small
hidden cell, every pair of atoms below k, and ask an integer program (scipy's HiGHS) for the lightest disclosed
combination of all. A large organisation is audited with an independent max-flow (scipy) on sampled atoms.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import uuid
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

from app.reports.anonymity import ALL, SuppressionMap, complement_visible, shown_n, suppress, union_visible

POOL = ("board", "director", "head", "lead", "employee", None)
Atom = tuple[Hashable, Hashable]


@dataclass
class Org:
    parent_of: dict[Hashable, Hashable]
    atoms: dict[Atom, int]
    k: int
    layers: list[Hashable]
    layer_detail: set[Hashable] | None = None
    children: dict[Hashable, list[Hashable]] = field(init=False)

    def __post_init__(self) -> None:
        self.children = {u: [] for u in [None, *self.parent_of]}
        for u, up in self.parent_of.items():
            self.children[up].append(u)
        self._members: dict[tuple[Hashable, Hashable], frozenset[Atom]] = {}

    def suppress(self) -> SuppressionMap:
        return suppress(self.parent_of, self.atoms, self.k, self.layers, layer_detail=self.layer_detail)

    @property
    def cells(self) -> list[tuple[Hashable, Hashable]]:
        return [(u, j) for u in [None, *self.parent_of] for j in [*self.layers, ALL]]

    def subtree(self, unit: Hashable) -> list[Hashable]:
        out, stack = [unit], list(self.children[unit])
        while stack:
            out.append(stack.pop())
            stack.extend(self.children[out[-1]])
        return out

    def members(self, cell: tuple[Hashable, Hashable]) -> frozenset[Atom]:
        """The non-empty atoms of a cell."""
        if cell not in self._members:
            unit, layer = cell
            self._members[cell] = frozenset(
                (u, j) for u in self.subtree(unit) for j in self.layers
                if self.atoms.get((u, j), 0) > 0 and layer in (j, ALL))
        return self._members[cell]

    def n(self, atoms: Iterable[Atom]) -> int:
        return sum(self.atoms[a] for a in atoms)


def random_org(rng: np.random.Generator, max_units: int = 40) -> Org:
    """Depth 1-5, branching 1-5, many small and empty atoms, leaders at inner units, random layers and k."""
    k, depth, branching = int(rng.integers(3, 11)), int(rng.integers(1, 6)), int(rng.integers(1, 6))
    layers = list(rng.permutation(np.array(POOL, dtype=object))[: int(rng.integers(1, 6))])
    parent_of: dict[Hashable, Hashable] = {}
    queue = []
    for _ in range(int(rng.integers(1, 3))):
        unit = uuid.UUID(int=int(rng.integers(2**62)))
        parent_of[unit] = None
        queue.append((unit, 1))
    while queue and len(parent_of) < max_units:
        unit, level = queue.pop(0)
        for _ in range(int(rng.integers(0, branching + 1)) if level < depth else 0):
            child = uuid.UUID(int=int(rng.integers(2**62)))
            parent_of[child] = unit
            queue.append((child, level + 1))
    density = rng.uniform(0.2, 0.9)
    atoms = {}
    for unit in [*parent_of, *([None] if rng.random() < 0.2 else [])]:
        for layer in layers:
            if rng.random() < density:
                r = rng.random()
                atoms[(unit, layer)] = int(rng.integers(1, 3) if r < 0.5 else rng.integers(3, k + 2) if r < 0.75
                                           else rng.integers(0, 25))
    return Org(parent_of, atoms, k, layers)


class Attacker:
    """Knows the figures of ``groups`` (sets of atoms) and solves for everything else."""

    def __init__(self, org: Org, groups: Iterable[frozenset[Atom]]) -> None:
        self.org = org
        self.keys = [a for a, n in org.atoms.items() if n > 0]
        self.col = {a: i for i, a in enumerate(self.keys)}
        self.weights = np.array([org.atoms[a] for a in self.keys], dtype=float)
        rows = {tuple(self.vector(g)) for g in groups if g}  # identical groups tell nothing new
        self.matrix = np.array(sorted(rows)) if rows else np.zeros((0, len(self.keys)))
        _, singular, vt = np.linalg.svd(self.matrix, full_matrices=False)
        tolerance = singular.max(initial=0) * max(self.matrix.shape) * np.finfo(float).eps  # as matrix_rank
        self.rank = int((singular > tolerance).sum())
        self.basis = vt[: self.rank]

    def vector(self, atoms: Iterable[Atom]) -> np.ndarray:
        v = np.zeros(len(self.keys))
        v[[self.col[a] for a in atoms]] = 1
        return v

    def knows(self, atoms: Iterable[Atom]) -> bool:
        """The rank test: the group's indicator adds nothing to the row space."""
        return self.knows_vector(self.vector(atoms))

    def knows_vector(self, v: np.ndarray) -> bool:
        return bool(np.linalg.matrix_rank(np.vstack([self.matrix, v])) == self.rank)

    def knows_each(self, vectors: np.ndarray) -> np.ndarray:
        """The same test for many vectors at once: nothing left after projecting onto the row space."""
        residual = vectors - (vectors @ self.basis.T) @ self.basis
        return np.linalg.norm(residual, axis=1) < 1e-7

    def lightest(self) -> tuple[int, dict[Atom, int]] | None:
        """The lightest non-negative integer combination of atoms in the row space weighing 1..k-1, if any."""
        k, small = self.org.k, np.nonzero(self.weights < self.org.k)[0]
        if not len(small):
            return None
        r, s = self.matrix.shape[0], len(small)
        equal = np.zeros((len(self.keys), r + s))
        equal[:, :r] = self.matrix.T
        equal[small, r + np.arange(s)] = -1
        weight = np.zeros(r + s)
        weight[r:] = self.weights[small]
        result = milp(weight, integrality=np.r_[np.zeros(r), np.ones(s)],
                      constraints=[LinearConstraint(equal, 0, 0), LinearConstraint(weight[None], 1, k - 1)],
                      bounds=Bounds(np.r_[np.full(r, -np.inf), np.zeros(s)], np.r_[np.full(r, np.inf), np.full(s, k)]))
        if result.status != 0:
            return None
        z = np.zeros(len(self.keys))
        z[small] = np.round(result.x[r:])
        in_span = np.linalg.matrix_rank(np.vstack([self.matrix, z])) == self.rank
        assert in_span, "the integer program found a combination the rank test rejects"
        return int(z @ self.weights), {self.keys[i]: int(z[i]) for i in np.nonzero(z)[0]}


def visible_groups(org: Org, visible: Callable[[Hashable, Hashable], bool]) -> list[frozenset[Atom]]:
    return [org.members(c) for c in org.cells if visible(*c)]


def assert_nothing_small_disclosed(org: Org, attacker: Attacker, hidden: Iterable[tuple[Hashable, Hashable]],
                                   label: str) -> int:
    """Every check of the module docstring; returns the number of candidate groups tested."""
    k, small = org.k, [a for a in attacker.keys if org.atoms[a] < org.k]
    cells = [c for c in hidden if 0 < org.n(org.members(c)) < k]
    pairs = [(a, b) for a, b in itertools.combinations(small, 2) if org.atoms[a] + org.atoms[b] < k]
    groups = [("atom", [a]) for a in small] + [("hidden cell", sorted(org.members(c), key=repr)) for c in cells]
    groups += [("pair", list(p)) for p in pairs]
    if len(attacker.matrix):  # both tests recognise what is known: a shown group, and a sum of two
        known = attacker.matrix[:1] + attacker.matrix[-1:]
        assert attacker.knows_each(known).all() and attacker.knows_vector(known[0])
    if groups:
        known = attacker.knows_each(np.array([attacker.vector(g) for _, g in groups]))
        for (_, group), seen in list(zip(groups, known, strict=True))[:2]:  # the literal rank test agrees
            assert attacker.knows(group) == seen
        assert not known.any(), f"{label}: {groups[int(np.argmax(known))]} disclosed"
    assert attacker.lightest() is None, f"{label}: {attacker.lightest()}"
    return len(groups) + 1


def attack(org: Org, label: str) -> int:
    smap = org.suppress()
    attacker = Attacker(org, visible_groups(org, smap.visible))
    for cell in org.cells:  # the primary rule, and shown figures are never small
        n = org.n(org.members(cell))
        assert smap.n(*cell) == n
        assert smap.visible(*cell) == (smap.reason(*cell) is None)
        unpublished = org.layer_detail is not None and cell[1] is not ALL and cell[0] not in org.layer_detail
        if unpublished:
            assert smap.reason(*cell) in ("not_published", "below_minimum")
            continue
        assert smap.visible(*cell) or n > 0
        assert smap.reason(*cell) in (("below_minimum",) if 0 < n < org.k else (None, "protects_smaller_group"))
        assert shown_n(smap, cell) == (n if smap.visible(*cell) else None)
        assert n == 0 or n >= org.k or not smap.visible(*cell)
    return assert_nothing_small_disclosed(org, attacker, smap.hidden_cells(), label)


RANDOM_ORGS = 400


def test_random_organisations_resist_the_linear_attacker() -> None:
    tried = 0
    for seed in range(RANDOM_ORGS):
        org = random_org(np.random.default_rng(seed), max_units=40 if seed % 8 else 90)
        tried += attack(org, f"seed {seed}, k {org.k}")
    assert tried > 40_000  # candidate groups examined: the checks did run


def test_organisations_publishing_layer_detail_only_above_teams_resist_the_attacker() -> None:
    """With per-layer cells only for the organisation and units that have sub-units, the pattern still protects
    every small group (teams' layer cells are never shown, so they need no protection of their own)."""
    tried = 0
    for seed in range(150):
        org = random_org(np.random.default_rng(10_000 + seed))
        org.layer_detail = {None, *(u for u in org.parent_of if org.children[u])}
        tried += attack(org, f"seed {10_000 + seed}, k {org.k}, layer detail above teams")
    assert tried > 5_000


def test_publishing_no_team_layer_cells_lets_team_totals_show() -> None:
    """Teams with one team leader each: with every layer cell published, protecting the leaders costs team
    totals; publishing layer cells only above the teams keeps every team total visible."""
    parent_of: dict[Hashable, Hashable] = {"dept": None, **{f"team{i}": "dept" for i in range(6)}}
    atoms: dict[Atom, int] = {}
    for i in range(6):
        atoms[(f"team{i}", "leader")] = 1
        atoms[(f"team{i}", "employee")] = 9 + i
    full = suppress(parent_of, atoms, 5, ["leader", "employee"])
    coarse = suppress(parent_of, atoms, 5, ["leader", "employee"], layer_detail={None, "dept"})
    assert all(coarse.visible(f"team{i}") for i in range(6))
    assert coarse.visible("dept", "leader") and coarse.visible("dept", "employee")
    assert coarse.reason("team0", "employee") == "not_published"
    assert sum(full.visible(f"team{i}") for i in range(6)) <= sum(coarse.visible(f"team{i}") for i in range(6))
    org = Org(parent_of, atoms, 5, ["leader", "employee"], layer_detail={None, "dept"})
    attack(org, "one leader per team, layer detail above teams")


def test_the_attacker_finds_what_primary_suppression_alone_leaves_open() -> None:
    """The attack is not vacuous: hiding only cells with n < k gives groups away in most random organisations."""
    leaks = 0
    for seed in range(40):
        org = random_org(np.random.default_rng(seed))
        primary = Attacker(org, [g for g in visible_groups(org, lambda *c: True) if not 0 < org.n(g) < org.k])
        leaks += primary.lightest() is not None
    assert leaks >= 20


@st.composite
def organisations(draw: st.DrawFn) -> Org:
    size = draw(st.integers(1, 14))
    parent_of = {i: draw(st.sampled_from([None, *range(i)])) for i in range(size)}
    layers = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=4, unique=True))
    count = st.one_of(st.just(0), st.integers(1, 3), st.integers(0, 15))
    units = [*range(size), *([None] if draw(st.booleans()) else [])]
    atoms = {(u, j): draw(count) for u in units for j in layers}
    return Org(parent_of, atoms, draw(st.integers(3, 10)), layers)


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(organisations())
def test_hypothesis_organisations_resist_the_linear_attacker(org: Org) -> None:
    attack(org, repr(org.atoms))


def simulate_requests(org: Org, rng: np.random.Generator, count: int) -> list[frozenset[Atom]]:
    """Random report requests answered only from the engine; returns every group whose figures were shown."""
    smap, shown, units = org.suppress(), [], [None, *org.parent_of]
    layers = [*org.layers, ALL]

    def show(cell: tuple[Hashable, Hashable]) -> None:
        if smap.visible(*cell):
            shown.append(org.members(cell))
            assert shown_n(smap, cell) == org.n(org.members(cell))
        else:
            assert shown_n(smap, cell) is None

    for _ in range(count):
        unit, layer = units[rng.integers(len(units))], layers[rng.integers(len(layers))]
        kids = org.children[unit]
        kind = rng.integers(5)
        if kind == 0:  # a subtree broken down by child unit
            for cell in [(unit, layer), *((c, layer) for c in kids)]:
                show(cell)
        elif kind == 1:  # a unit broken down by layer
            for j in layers:
                show((unit, j))
        elif kind == 2:  # unit x layer matrix
            for u, j in itertools.product([unit, *kids], layers):
                show((u, j))
        elif kind == 3:  # a team against the rest of an enclosing unit
            inside = org.subtree(unit)
            part, whole = (inside[rng.integers(len(inside))], layer), (unit, layer)
            if complement_visible(smap, whole, part):
                rest = org.members(whole) - org.members(part)
                assert org.n(rest) >= org.k
                shown += [org.members(part), rest]
        else:  # a set of layers, or of sibling units, as one group
            by_layer = rng.random() < 0.7 or len(kids) < 2
            pool = [(unit, j) for j in org.layers] if by_layer else [(c, layer) for c in kids]
            chosen = [pool[i] for i in rng.choice(len(pool), size=int(rng.integers(1, len(pool) + 1)), replace=False)]
            if union_visible(smap, chosen):
                group = frozenset().union(*(org.members(c) for c in chosen))
                assert org.n(group) == 0 or org.n(group) >= org.k
                shown.append(group)
    return shown


def test_request_sequences_reveal_no_small_group() -> None:
    for seed in range(150):
        rng = np.random.default_rng(10_000 + seed)
        org = random_org(rng, max_units=30)
        attacker = Attacker(org, simulate_requests(org, rng, count=30))
        assert_nothing_small_disclosed(org, attacker, org.suppress().hidden_cells(), f"requests, seed {seed}")


# --- worked cases ---------------------------------------------------------------------------------------------------

def test_team_leader_is_not_team_total_minus_employees() -> None:
    org = Org({"d": None, "t1": "d", "t2": "d", "t3": "d"},
              {("t1", "lead"): 1, ("t1", "emp"): 9, ("t2", "lead"): 1, ("t2", "emp"): 6, ("t3", "lead"): 1,
               ("t3", "emp"): 12}, 3, ["lead", "emp"])
    smap = org.suppress()
    assert smap.reason("t1", "lead") == "below_minimum"
    assert smap.visible("d", "lead") and smap.visible("t1")  # three leaders together, and team totals, stay
    assert all(not smap.visible(t, "emp") for t in ("t1", "t2", "t3"))  # else total - employees = the leader
    assert attack(org, "teams") > 0


def test_per_relation_rules_leak_across_levels() -> None:
    """The per-relation design: each relation looks protected, yet u minus the visible grandchildren is 4 people."""
    parent = {"u": None, "c1": "u", "c2": "u", **{f"g{i}": "c2" for i in range(1, 6)}}
    atoms = {("c1", "e"): 2, ("c2", "e"): 1, ("g1", "e"): 1, **{(f"g{i}", "e"): 12 for i in range(2, 6)}}
    org = Org(parent, atoms, 5, ["e"])
    relation_rules = {"c1", "c2", "g1"}  # primary c1 and g1; c2 hides c1; c2 has two hidden members (own, g1)
    leaked = Attacker(org, visible_groups(org, lambda u, _: u not in relation_rules)).lightest()
    assert leaked == (4, {("c1", "e"): 1, ("c2", "e"): 1, ("g1", "e"): 1})
    attack(org, "three levels")


def test_a_lone_hidden_complement_protects_nothing() -> None:
    """Hiding b (n = 20 >= k) next to a (n = 1) fails when b is the organisation's b anyway."""
    org = Org({"u": None}, {("u", "a"): 1, ("u", "b"): 20, ("u", "c"): 30}, 3, ["a", "b", "c"])
    relation_rules = {("u", "a"), (None, "a"), ("u", "b")}
    attacker = Attacker(org, visible_groups(org, lambda *cell: cell not in relation_rules))
    assert attacker.knows([("u", "a")])
    attack(org, "lone complement")


def test_union_of_hidden_layers_only_when_already_computable() -> None:
    org = Org({"u": None}, {("u", "l1"): 1, ("u", "l2"): 1, ("u", "l3"): 5, ("u", "l4"): 20}, 3,
              ["l1", "l2", "l3", "l4"])
    smap = org.suppress()
    assert [smap.visible("u", j) for j in org.layers] == [False, False, False, True]
    assert not union_visible(smap, [("u", "l1"), ("u", "l3")])  # n = 6, but it would give l2 away
    assert not union_visible(smap, [("u", "l1"), ("u", "l2")])  # n = 2
    assert union_visible(smap, [("u", "l1"), ("u", "l2"), ("u", "l3")])  # = total - l4: nothing new
    assert union_visible(smap, [("u", "l4")]) and union_visible(smap, [])
    with pytest.raises(ValueError, match="overlap"):
        union_visible(smap, [("u", "l1"), ("u", ALL)])


def test_team_against_the_rest() -> None:
    org = Org({"d": None, "t1": "d", "t2": "d", "t3": "d"},
              {("t1", "e"): 10, ("t2", "e"): 2, ("t3", "e"): 9, ("d", "e"): 4}, 3, ["e"])
    smap = org.suppress()
    assert complement_visible(smap, (None, ALL), ("t1", ALL))
    assert not complement_visible(smap, (None, ALL), ("t2", ALL))  # the team itself is hidden
    assert not complement_visible(smap, (None, ALL), ("d", ALL))  # the rest is empty
    with pytest.raises(ValueError, match="not inside"):
        complement_visible(smap, ("t1", ALL), ("t3", ALL))
    with pytest.raises(ValueError, match="not inside"):
        complement_visible(smap, ("d", "e"), ("t1", ALL))


def test_empty_cells_are_shown_as_empty_and_small_organisations_show_nothing() -> None:
    org = Org({"a": None, "b": "a"}, {("b", "x"): 2, ("a", None): 0}, 3, ["x", None])
    smap = org.suppress()
    assert smap.visible("a", None) and shown_n(smap, ("a", None)) == 0
    assert smap.hidden_cells() == ((None, "x"), (None, ALL), ("a", "x"), ("a", ALL), ("b", "x"), ("b", ALL))
    assert {smap.reason(*c) for c in smap.hidden_cells()} == {"below_minimum"}


def test_organisation_level_respondents_and_no_layer() -> None:
    org = Org({"a": None, "b": None}, {(None, None): 2, ("a", None): 7, ("b", None): 8, ("a", "x"): 1}, 3,
              [None, "x"])
    smap = org.suppress()
    assert not smap.visible(None, "x") and smap.n(None, None) == 17
    attack(org, "organisation level")


def test_pattern_does_not_depend_on_input_order() -> None:
    org = random_org(np.random.default_rng(7), max_units=60)
    first = org.suppress().hidden_cells()
    rng = np.random.default_rng(1)
    parents = list(org.parent_of.items())
    atoms = list(org.atoms.items())
    shuffled = suppress(dict(parents[i] for i in rng.permutation(len(parents))),
                        dict(atoms[i] for i in rng.permutation(len(atoms))), org.k, org.layers)
    assert shuffled.hidden_cells() == first and len(first) > 0


@pytest.mark.parametrize(("args", "message"), [
    (({"a": None}, {}, 2, ["x"]), "k must be"),
    (({"a": None}, {}, True, ["x"]), "k must be"),
    (({"a": None}, {}, 3, ["x", "x"]), "distinct"),
    (({"a": None}, {}, 3, ["x", ALL]), "distinct"),
    (({"a": "z"}, {}, 3, ["x"]), "not a unit"),
    (({"a": "b", "b": "a"}, {}, 3, ["x"]), "cycle"),
    (({"a": None}, {("a", "x"): -1}, 3, ["x"]), "non-negative"),
    (({"a": None}, {("a", "x"): 1.5}, 3, ["x"]), "non-negative"),
    (({"a": None}, {("c", "x"): 1}, 3, ["x"]), "unknown unit or layer"),
    (({"a": None}, {("a", "y"): 1}, 3, ["x"]), "unknown unit or layer"),
    (({None: None}, {}, 3, ["x"]), "organisation"),
])
def test_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        suppress(*args)


def test_unknown_cells_are_errors() -> None:
    smap = suppress({"a": None}, {("a", "x"): 5}, 3, ["x"])
    for cell in [("b", ALL), ("a", "y"), ("a", None)]:
        with pytest.raises(ValueError, match="unknown cell"):
            smap.visible(*cell)


# --- scale ----------------------------------------------------------------------------------------------------------

def municipality(rng: np.random.Generator, k: int) -> Org:
    """~5,000 units x 6 layers: a board, 10 directorates, 100 departments, 4,900 teams of 0-19 employees."""
    parent_of: dict[Hashable, Hashable] = {"board": None}
    atoms: dict[Atom, int] = {("board", "board"): 5}
    for d in range(10):
        parent_of[f"d{d}"] = None
        atoms[(f"d{d}", "director")] = 1
        for h in range(10):
            parent_of[f"d{d}h{h}"] = f"d{d}"
            atoms[(f"d{d}h{h}", "head")] = int(rng.integers(0, 2))
            for t in range(49):
                team = f"d{d}h{h}t{t}"
                parent_of[team] = f"d{d}h{h}"
                atoms[(team, "lead")] = int(rng.integers(0, 2))
                atoms[(team, "employee")] = int(rng.integers(0, 20))
                if rng.random() < 0.1:
                    atoms[(team, None)] = int(rng.integers(1, 3))
    return Org(parent_of, atoms, k, ["board", "director", "head", "lead", "employee", None])


def lightest_cuts(org: Org, visible: Callable[[Hashable, Hashable], bool], sample: list[Atom]) -> list[int]:
    """Independent audit: the flow between the two regions of each sampled atom (>= k means no light cut).

    Regions: a visible cell's atoms minus those of visible cells below it (hidden cells join the region above;
    "Z" when none). Each atom is an edge from its layer region to its all-layers region carrying n forwards and
    anything backwards; capacities are capped at k, which is all the question needs.
    """
    label: dict[tuple[Hashable, Hashable], Hashable] = {}
    for unit in [None, *org.parent_of]:
        up = org.parent_of.get(unit)
        for j in [*org.layers, ALL]:
            above = "Z" if unit is None else label[(up, j)]
            label[(unit, j)] = (unit, j) if visible(unit, j) else above
    ends, caps = [], []
    for (u, j), n in org.atoms.items():
        a, b = label[(u, j)], label[(u, ALL)]
        if n > 0 and a != b:
            ends += [(a, b), (b, a)]
            caps += [min(n, org.k), org.k]
    nodes = {v: i for i, v in enumerate(dict.fromkeys(v for pair in ends for v in pair))}
    rows, cols = zip(*((nodes[a], nodes[b]) for a, b in ends), strict=True)
    graph = csr_matrix((np.array(caps, dtype=np.int32), (rows, cols)), shape=(len(nodes), len(nodes)))
    out = []
    for u, j in sample:
        a, b = label[(u, j)], label[(u, ALL)]
        out.append(org.k if a == b else int(maximum_flow(graph, nodes[a], nodes[b]).flow_value))
    return out


def test_municipality_of_5000_units_is_suppressed_and_audited() -> None:
    """No timing assertion: the size is here so that a slow or quadratic change shows in the test run time."""
    org = municipality(np.random.default_rng(5), k=5)
    assert len(org.parent_of) > 5000
    smap = org.suppress()
    assert 0 < len(smap.hidden_cells()) < len(org.cells) // 3
    small = [a for a, n in org.atoms.items() if 0 < n < org.k]
    sample = [small[i] for i in np.random.default_rng(0).choice(len(small), 120, replace=False)]
    assert min(lightest_cuts(org, smap.visible, sample)) >= org.k
    primary_only = min(lightest_cuts(org, lambda *c: not 0 < smap.n(*c) < org.k, sample))
    assert primary_only < org.k  # the audit does see what primary suppression alone leaves open


def test_engine_is_pure() -> None:
    code = "import json, sys, app.reports.anonymity; print(json.dumps(sorted(sys.modules)))"
    modules = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                        text=True).stdout)
    assert not [m for m in modules if m.split(".")[0] in ("scipy", "fastapi", "sqlalchemy", "pydantic", "starlette")]
    assert {m for m in modules if m.split(".")[0] == "app"} == {"app", "app.reports", "app.reports.anonymity",
                                                                "app.reports.anonymity_flow"}


def test_a_subset_map_started_from_the_respondent_map_keeps_the_promise() -> None:
    """`hide_as`: a subset's map (e.g. "answered item 7": some respondents thinned out) that starts from the
    respondent map's hidden cells hides at least those and still protects every small group of the subset."""
    tried = 0
    for seed in range(80):
        rng = np.random.default_rng(20_000 + seed)
        org = random_org(rng)
        org.layer_detail = {None, *(u for u in org.parent_of if org.children[u])}
        main = org.suppress()
        thinned = {a: int(rng.binomial(n, 0.85)) for a, n in org.atoms.items()}
        sub = Org(org.parent_of, thinned, org.k, org.layers)
        sub.layer_detail = org.layer_detail
        smap = suppress(sub.parent_of, sub.atoms, sub.k, sub.layers, layer_detail=sub.layer_detail, hide_as=main)
        assert set(main.hidden_cells()) <= set(smap.hidden_cells())
        attacker = Attacker(sub, visible_groups(sub, smap.visible))
        tried += assert_nothing_small_disclosed(sub, attacker, smap.hidden_cells(), f"seed {20_000 + seed}")
    assert tried > 1_000
    with pytest.raises(ValueError, match="same units"):
        other = random_org(np.random.default_rng(1))
        suppress(other.parent_of, other.atoms, other.k, other.layers, hide_as=main)
