"""Many maps on one prepared layout (`Layout.of` + `suppress_atoms`, as the reports build the respondent map and
every subset map of a survey), and the regions a map starts from, laid out in one pass instead of merged cell by
cell. The promise itself is attacked in test_anonymity.py; here the fast paths must change nothing."""

from __future__ import annotations

import numpy as np
import pytest

from app.reports import anonymity
from app.reports.anonymity import ALL, Layout, suppress, suppress_atoms
from app.reports.anonymity_flow import BELOW, Protector
from tests.reports.test_anonymity import Attacker, Org, assert_nothing_small_disclosed, random_org, visible_groups


def _with_teams_coarse(org: Org) -> Org:
    org.layer_detail = {None, *(u for u in org.parent_of if org.children[u])}
    return org


def _partition(find: list[int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for node, root in enumerate(find):
        groups.setdefault(root, set()).add(node)
    return {frozenset(g) for g in groups.values()}


def test_the_regions_laid_out_at_once_are_the_regions_merged_cell_by_cell() -> None:
    """The union-find a protection starts from (every node pointing at its region's top) partitions the nodes
    exactly as hiding the same cells one by one would."""
    for seed in range(200):
        rng = np.random.default_rng(30_000 + seed)
        org = random_org(rng)
        layout = Layout.of(org.parent_of, org.layers)
        m1, p1 = len(layout.units) + 1, len(layout.layers) + 1
        reason = (rng.random((m1, p1)) < rng.uniform(0, 0.9)).astype(np.int8) * BELOW
        nothing = np.zeros((m1, p1 - 1), dtype=np.int64)
        at_once = Protector(nothing, np.ones((m1, p1), dtype=np.int64), reason.copy(), layout.tree, org.k)
        one_by_one = Protector(nothing, np.ones((m1, p1), dtype=np.int64), np.zeros_like(reason), layout.tree, org.k)
        for u, j in zip(*np.nonzero(reason), strict=True):
            one_by_one.hide(int(u), int(j))
        regions = _partition([at_once.find(v) for v in range(at_once.z + 1)])
        assert regions == _partition([one_by_one.find(v) for v in range(at_once.z + 1)])
        assert regions == {frozenset(members) for members in at_once.members.values()}


def test_maps_on_one_layout_equal_the_maps_built_alone() -> None:
    """The reports' path (one layout, counts matrices, subset maps started from the respondent map) gives the very
    maps `suppress` gives, and the subset maps keep the promise against the linear attacker."""
    tried = 0
    for seed in range(120):
        rng = np.random.default_rng(40_000 + seed)
        org = _with_teams_coarse(random_org(rng))
        layout = Layout.of(org.parent_of, org.layers, layer_detail=org.layer_detail)
        main = suppress_atoms(layout, layout.counts(org.atoms), org.k)
        assert main.hidden_cells() == org.suppress().hidden_cells()
        for share in (0.95, 0.7):
            thinned = {a: int(rng.binomial(n, share)) for a, n in org.atoms.items()}
            sub = Org(org.parent_of, thinned, org.k, org.layers, org.layer_detail)
            fast = suppress_atoms(layout, layout.counts(thinned), org.k, hide_as=main)
            alone = suppress(org.parent_of, thinned, org.k, org.layers, layer_detail=org.layer_detail,
                             hide_as=org.suppress())
            assert fast.hidden_cells() == alone.hidden_cells()
            assert set(main.hidden_cells()) <= set(fast.hidden_cells())
            for cell in sub.cells:
                assert fast.n(*cell) == sub.n(sub.members(cell))
            attacker = Attacker(sub, visible_groups(sub, fast.visible))
            tried += assert_nothing_small_disclosed(sub, attacker, fast.hidden_cells(), f"seed {40_000 + seed}")
    assert tried > 1_000


def test_a_layout_is_shared_and_checked() -> None:
    org = random_org(np.random.default_rng(3))
    layout = Layout.of(org.parent_of, org.layers)
    atoms = layout.counts(org.atoms)
    first, second = suppress_atoms(layout, atoms, org.k), suppress_atoms(layout, atoms, org.k + 1)
    assert first.layout is second.layout is layout and first.units == layout.units
    assert atoms.flags.writeable  # the caller's matrix is copied, not frozen under it
    unit = next(iter(org.parent_of))
    assert first.n(unit, ALL) == org.n(org.members((unit, ALL)))
    with pytest.raises(ValueError, match="counts matrix"):
        suppress_atoms(layout, atoms[:-1], org.k)
    with pytest.raises(ValueError, match="counts matrix"):
        suppress_atoms(layout, -atoms - 1, org.k)
    with pytest.raises(ValueError, match="k must be"):
        suppress_atoms(layout, atoms, 2)
    other = random_org(np.random.default_rng(4))
    with pytest.raises(ValueError, match="same units"):
        suppress_atoms(layout, atoms, org.k, hide_as=other.suppress())
    with pytest.raises(ValueError, match="unknown units in layer_detail"):
        Layout.of(org.parent_of, org.layers, layer_detail={"nowhere"})


def test_maps_after_new_responses_are_the_maps_from_scratch(monkeypatch: pytest.MonkeyPatch) -> None:
    """`previous=`: the maps after one to three more responses (in atoms of k or more, mostly) equal the maps built
    from scratch, every time, down to the cells their repairs priced; most skip the protection, also where the
    earlier protection repaired cells."""
    runs = []

    class Counted(Protector):
        def run(self) -> None:
            runs.append(1)
            super().run()

    def same(a: anonymity.SuppressionMap, b: anonymity.SuppressionMap) -> bool:
        return (a.hidden_cells() == b.hidden_cells() and np.array_equal(a._reason, b._reason)
                and np.array_equal(a._priced, b._priced) and np.array_equal(a._counts, b._counts)
                and all(np.array_equal(x, y) for x, y in zip(a._regions, b._regions, strict=True)))

    monkeypatch.setattr(anonymity, "Protector", Counted)
    skipped = skipped_after_repairs = tried = 0
    for seed in range(300):
        rng = np.random.default_rng(50_000 + seed)
        org = _with_teams_coarse(random_org(rng))
        layout = Layout.of(org.parent_of, org.layers, layer_detail=org.layer_detail)
        atoms = layout.counts(org.atoms)
        answered = rng.binomial(atoms, 0.9)
        main = suppress_atoms(layout, atoms, org.k)
        subset = suppress_atoms(layout, answered, org.k, hide_as=main)
        big = np.argwhere(answered >= org.k)
        for _ in range(int(rng.integers(1, 4))):
            where = tuple(big[rng.integers(len(big))]) if len(big) and seed % 4 else tuple(rng.integers(atoms.shape))
            atoms[where] += 1
            answered[where] += int(rng.random() < 0.9)
        main_after = suppress_atoms(layout, atoms, org.k)
        assert same(suppress_atoms(layout, atoms, org.k, previous=main), main_after)
        scratch = suppress_atoms(layout, answered, org.k, hide_as=main_after)
        runs.clear()
        reused = suppress_atoms(layout, answered, org.k, hide_as=main_after, previous=subset)
        assert same(reused, scratch), f"seed {50_000 + seed}"
        tried += 1
        skipped += not runs
        skipped_after_repairs += not runs and bool((subset._reason == anonymity.COMPLEMENTARY).any())
    assert skipped > tried // 3 and skipped_after_repairs > 5
    other = suppress_atoms(Layout.of(org.parent_of, org.layers, layer_detail=org.layer_detail), atoms, org.k)
    runs.clear()
    suppress_atoms(layout, atoms, org.k, previous=other)  # another layout's map is never taken over
    assert runs
