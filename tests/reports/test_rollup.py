"""Reporting units: small own groups of inner units (department heads) count with the parent's own group, so that
managers don't cost teams (app/reports/rollup.py), on trees built in memory."""

import uuid

import numpy as np

from app.reports.rollup import roll_up
from app.units.models import Unit
from app.units.tree import UnitTree


def tree(spec: dict[str, list[str] | dict]) -> tuple[UnitTree, dict[str, uuid.UUID]]:
    """{"Org unit": {"Child": {...}}} (leaves: {}) -> the tree and name -> id."""
    units: list[Unit] = []
    ids: dict[str, uuid.UUID] = {}

    def add(children: dict, parent: uuid.UUID | None) -> None:
        for name, below in children.items():
            ids[name] = uuid.uuid4()
            units.append(Unit(id=ids[name], name=name, parent_id=parent))
            add(below, ids[name])

    add(spec, None)
    return UnitTree.of(units), ids


SHAPE = {"Dir": {"Dept A": {"A1": {}, "A2": {}}, "Dept B": {"B1": {}, "B2": {}}}, "Board": {}}


def test_small_own_groups_climb_until_they_are_k_or_more():
    t, ids = tree(SHAPE)
    own = {ids["A1"]: 8, ids["A2"]: 9, ids["B1"]: 7, ids["B2"]: 6, ids["Dept A"]: 3, ids["Dept B"]: 2,
           ids["Dir"]: 1, ids["Board"]: 6}
    r = roll_up(t, own, 5)
    # 3 + 2 department heads and the director: 6 at the directorate, which keeps them
    assert r.reporting_unit(ids["Dept A"]) == r.reporting_unit(ids["Dept B"]) == ids["Dir"]
    assert r.reporting_unit(ids["Dir"]) == ids["Dir"] and not r.moved(ids["Dir"])
    assert r.counts_own_of(ids["Dir"]) == sorted([ids["Dept A"], ids["Dept B"]], key=str)
    assert all(not r.moved(ids[leaf]) for leaf in ("A1", "A2", "B1", "B2", "Board"))  # teams never move


def test_an_own_group_of_k_stays_and_one_short_in_any_respondent_set_moves():
    t, ids = tree(SHAPE)
    base = {ids["A1"]: 8, ids["A2"]: 9, ids["B1"]: 7, ids["B2"]: 6, ids["Dir"]: 9}
    assert not roll_up(t, {**base, ids["Dept A"]: 5}, 5).moved(ids["Dept A"])
    # five heads, but only four of them answered all of one dimension: that dimension's figures would be the four
    vectors = {u: np.array([n, n]) for u, n in base.items()} | {ids["Dept A"]: np.array([5, 4])}
    assert roll_up(t, vectors, 5).reporting_unit(ids["Dept A"]) == ids["Dir"]
    # none of them in a set is fine: nothing to subtract there
    vectors[ids["Dept A"]] = np.array([5, 0])
    assert not roll_up(t, vectors, 5).moved(ids["Dept A"])


def test_a_unit_whose_sub_units_have_nobody_is_a_team():
    t, ids = tree(SHAPE)
    r = roll_up(t, {ids["Dept A"]: 6, ids["B1"]: 9, ids["Dir"]: 7}, 5)
    assert not r.moved(ids["Dept A"])  # A1, A2 answered nothing: the department is its own group, no subtraction
    vectors = {ids["Dept A"]: np.array([6, 4]), ids["B1"]: np.array([9, 9]), ids["Dir"]: np.array([7, 7])}
    assert not roll_up(t, vectors, 5).moved(ids["Dept A"])  # like a team: small in one set is the maps' business
    r = roll_up(t, {ids["Dept A"]: 3, ids["B1"]: 9, ids["Dir"]: 7}, 5)
    assert r.reporting_unit(ids["Dept A"]) == ids["Dir"]  # small in all: counted with its parent, as a small team


def test_a_small_team_counts_with_its_parent():
    t, ids = tree(SHAPE)
    r = roll_up(t, {ids["A1"]: 3, ids["A2"]: 9, ids["Dept A"]: 2, ids["B1"]: 9, ids["Dir"]: 7}, 5)
    assert r.reporting_unit(ids["A1"]) == ids["Dept A"]  # three of them: with the department head's two, five
    assert not r.moved(ids["A2"]) and not r.moved(ids["Dept A"])
    assert r.counts_own_of(ids["Dept A"]) == [ids["A1"]]


def test_nothing_climbs_into_a_small_organisation_group():
    t, ids = tree({"Town": {"Social": {}, "Space": {}}})
    # the directors of a single top unit: at the organisation they would be "organisation minus Town", as small
    r = roll_up(t, {ids["Social"]: 14, ids["Space"]: 12, ids["Town"]: 4}, 5)
    assert not r.moved(ids["Town"])
    t, ids = tree({"Dir 1": {"T1": {}}, "Dir 2": {"T2": {}}, "Dir 3": {"T3": {}}})
    directors = {ids[f"Dir {i}"]: 2 for i in (1, 2, 3)}
    r = roll_up(t, {ids["T1"]: 9, ids["T2"]: 9, ids["T3"]: 9, **directors}, 5)
    assert all(r.reporting_unit(ids[f"Dir {i}"]) is None for i in (1, 2, 3))  # six at the organisation: enough
    assert r.counts_own_of(None) == sorted(directors, key=str)
