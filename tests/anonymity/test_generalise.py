"""The export's generalisation (`app.anonymity.generalise`): worked examples and properties over random trees."""

import json
import subprocess
import sys
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.anonymity.generalise import ANY, LEADERS, Atom, Generalisation, generalise

LEADER_LAYERS = {"board", "head", "lead"}
PARENTS = {"org-a": None, "dep": "org-a", "t1": "dep", "t2": "dep", "t3": "dep", "other": None}


def _groups(result: Generalisation, atoms: dict[Atom, int]) -> Counter[object]:
    out: Counter[object] = Counter()
    for atom, n in atoms.items():
        if n and result.of(atom) is not None:
            out[result.of(atom)] += n
    return out


def test_nothing_changes_when_every_atom_has_k() -> None:
    atoms = {("t1", "staff", "nl", "web"): 5, ("t1", "lead", "en", "web"): 6, ("dep", "head", "nl", "import"): 5}
    result = generalise(atoms, parent_of=PARENTS, k=5, leaders=LEADER_LAYERS)
    assert all(result.of(a) == a for a in atoms)
    assert (result.rows, result.units, result.layers, result.languages, result.sources, result.suppressed) == (
        16, 0, 0, 0, 0, 0)


def test_a_team_keeps_its_rows_and_gives_up_its_layers() -> None:
    """Five employees and one team leader: the leader can't stand alone, and the team's rows stay together (the
    team's published total minus its employees would be the leader), so the whole team is written as `*`."""
    atoms = {("t1", "staff", "nl", "web"): 5, ("t1", "lead", "nl", "web"): 1}
    result = generalise(atoms, parent_of=PARENTS, k=5, leaders=LEADER_LAYERS)
    assert {result.of(a) for a in atoms} == {("t1", ANY, "nl", "web")}
    assert (result.units, result.layers) == (0, 6)


def test_leaders_first_become_any_leader() -> None:
    atoms = {("dep", "head", "nl", "web"): 3, ("dep", "lead", "nl", "web"): 2, ("dep", "staff", "nl", "web"): 7}
    result = generalise(atoms, parent_of=PARENTS, k=5, leaders=LEADER_LAYERS)
    assert result.of(("dep", "head", "nl", "web")) == ("dep", LEADERS, "nl", "web")
    assert result.of(("dep", "lead", "nl", "web")) == ("dep", LEADERS, "nl", "web")
    assert result.of(("dep", "staff", "nl", "web")) == ("dep", "staff", "nl", "web")


def test_small_teams_move_up_whole_and_language_gives_way_within_a_layer() -> None:
    atoms = {("t1", "staff", "nl", "web"): 2, ("t2", "staff", "en", "web"): 2, ("t3", "staff", "nl", "web"): 9,
             ("dep", "staff", "nl", "web"): 1}
    result = generalise(atoms, parent_of=PARENTS, k=5, leaders=LEADER_LAYERS)
    assert result.of(("t3", "staff", "nl", "web")) == ("t3", "staff", "nl", "web")
    assert {result.of(a) for a in atoms if a[0] != "t3"} == {("dep", "staff", ANY, "web")}
    assert (result.units, result.languages) == (4, 5)


def test_no_layer_detail_at_a_team() -> None:
    atoms = {("t1", "staff", "nl", "web"): 5, ("t1", "lead", "nl", "web"): 5}
    result = generalise(atoms, parent_of=PARENTS, k=5, leaders=LEADER_LAYERS, layer_detail={None, "org-a", "dep"})
    assert {result.of(a) for a in atoms} == {("t1", ANY, "nl", "web")}


def test_start_moves_rows_to_their_reporting_unit() -> None:
    atoms = {("dep", "head", "nl", "web"): 6, ("org-a", "board", "nl", "web"): 1}
    result = generalise(atoms, parent_of=PARENTS, k=5, leaders=LEADER_LAYERS, start={"dep": "org-a"})
    assert {result.of(a) for a in atoms} == {("org-a", LEADERS, "nl", "web")}


def test_the_organisation_borrows_the_smallest_pool_before_suppressing() -> None:
    atoms = {("other", "staff", "nl", "web"): 2, ("t1", "staff", "nl", "web"): 5, ("t2", "staff", "nl", "web"): 6}
    result = generalise(atoms, parent_of=PARENTS, k=5)
    assert result.of(("other", "staff", "nl", "web")) == (None, "staff", "nl", "web")
    assert result.of(("t1", "staff", "nl", "web")) == (None, "staff", "nl", "web")
    assert result.of(("t2", "staff", "nl", "web")) == ("t2", "staff", "nl", "web")
    assert result.suppressed == 0


def test_fewer_than_k_rows_in_all_are_suppressed() -> None:
    atoms = {("t1", "staff", "nl", "web"): 2, ("other", "lead", "en", "web"): 2}
    result = generalise(atoms, parent_of=PARENTS, k=5)
    assert all(result.of(a) is None for a in atoms)
    assert (result.rows, result.suppressed) == (0, 4)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"k": 0}, "k must be"), ({"atoms": {("t1", "x", "", ""): -1}}, "negative"),
    ({"atoms": {("nowhere", "x", "", ""): 1}}, "unknown unit"), ({"start": {"t1": "other"}}, "not itself"),
    ({"parent_of": {"a": "b", "b": "a"}, "atoms": {}}, "cycle"),
])
def test_bad_input_is_a_value_error(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"atoms": {("t1", "x", "", ""): 1}, "parent_of": PARENTS, "k": 5, **kwargs}
    with pytest.raises(ValueError, match=message):
        generalise(**args)  # type: ignore[arg-type]


@st.composite
def _inputs(draw: st.DrawFn) -> tuple[dict[Atom, int], dict[object, object], int, set[str], set[object] | None,
                                      dict[object, object]]:
    n_units = draw(st.integers(1, 14))
    parent_of: dict[object, object] = {}
    for i in range(n_units):
        parent_of[i] = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
    layers = ["board", "head", "lead", "staff", ""]
    atoms: dict[Atom, int] = {}
    for _ in range(draw(st.integers(0, 30))):
        atom = (draw(st.integers(0, n_units - 1)), draw(st.sampled_from(layers)),
                draw(st.sampled_from(["nl", "en", ""])), draw(st.sampled_from(["web", "import"])))
        atoms[atom] = draw(st.integers(0, 9))
    k = draw(st.integers(1, 7))
    detail = draw(st.one_of(st.none(), st.sets(st.sampled_from([None, *parent_of]))))
    start: dict[object, object] = {}
    for unit in parent_of:
        if draw(st.booleans()):
            ancestors: list[object] = [unit]
            while ancestors[-1] is not None:
                ancestors.append(parent_of[ancestors[-1]])
            start[unit] = draw(st.sampled_from(ancestors))
    return atoms, parent_of, k, {"board", "head", "lead"}, detail, start


def _ancestors(unit: object, parent_of: dict[object, object]) -> list[object]:
    out = [unit]
    while out[-1] is not None:
        out.append(parent_of[out[-1]])
    return out


@settings(max_examples=150, deadline=None)
@given(_inputs())
def test_properties(case: tuple[dict[Atom, int], dict[object, object], int, set[str], set[object] | None,
                                dict[object, object]]) -> None:
    atoms, parent_of, k, leaders, detail, start = case
    result = generalise(atoms, parent_of=parent_of, k=k, leaders=leaders, layer_detail=detail, start=start)
    total = sum(atoms.values())
    # every combination of written values in k rows or more
    assert all(n >= k for n in _groups(result, atoms).values())
    # rows kept but the counted suppressions, which happen only when there are fewer than k in all
    assert result.rows + result.suppressed == total
    assert result.suppressed == (total if total < k else 0)
    # each value is itself or a generalisation of it
    for atom, n in atoms.items():
        to = result.of(atom) if n else None
        if to is None:
            continue
        unit, layer, language, source = atom
        assert to[0] in _ancestors(unit, parent_of)
        assert to[1] in {layer, ANY, *([LEADERS] if layer in leaders else [])}
        assert to[2] in {language, ANY} and to[3] in {source, ANY}
        if detail is not None and to[0] not in detail:
            assert to[1] == ANY
    # the counts say how many rows were generalised
    written = [(a, result.of(a), n) for a, n in atoms.items() if n and result.of(a) is not None]
    assert result.units == sum(n for a, w, n in written if w is not None and w[0] != a[0])
    assert result.layers == sum(n for a, w, n in written if w is not None and w[1] != a[1])
    # rows keep their answers and their order; suppressed rows are left out
    rows = [(atom, (i, atom)) for atom, n in atoms.items() for i in range(n)]
    out = list(result.apply(rows))
    assert [payload for _, payload in out] == [p for a, p in rows if result.of(a) is not None]
    assert all(written_as == result.of(payload[1]) for written_as, payload in out)


@settings(max_examples=60, deadline=None)
@given(_inputs())
def test_a_pool_never_splits(case: tuple[dict[Atom, int], dict[object, object], int, set[str], set[object] | None,
                                         dict[object, object]]) -> None:
    """For every unit, the rows of its subtree written at a unit above it (not the organisation, which may borrow
    a whole settled pool) are none, or the unit's whole pool of fewer than k: a team's rows are never split between
    the team and its department."""
    atoms, parent_of, k, leaders, detail, _ = case
    result = generalise(atoms, parent_of=parent_of, k=k, leaders=leaders, layer_detail=detail)
    for unit in parent_of:
        inside = {u for u in parent_of if unit in _ancestors(u, parent_of)}
        rows = [(w, n) for a, n in atoms.items() if n and a[0] in inside and (w := result.of(a)) is not None]
        above = sum(n for w, n in rows if w[0] is not None and w[0] not in inside)
        assert above < k


def test_the_module_is_pure() -> None:
    code = "import json, sys, app.anonymity.generalise; print(json.dumps(sorted(sys.modules)))"
    modules = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                        text=True).stdout)
    app_modules = [m for m in modules if m == "app" or m.startswith("app.")]
    assert sorted(app_modules) == ["app", "app.anonymity", "app.anonymity.generalise"]
    assert not [m for m in modules if m.split(".")[0] in ("sqlalchemy", "fastapi", "numpy", "starlette")]
