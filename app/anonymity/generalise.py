"""k-anonymity for row-level data by generalisation: every combination of the describing columns in k rows or more.

A row is described by its *atom*: ``(unit, layer, language, source)``, its true values (``""`` where unknown). It is
written with a generalised value of each: its unit or an ancestor (``None``: the organisation as a whole), its layer,
``LEADERS`` (any leadership layer) or ``ANY``, its language or ``ANY``, its source or ``ANY``. Answers are never
touched, and the generalisation is a function of the atom alone: every row of an atom gets the same values.

The algorithm (a greedy local recoding, bottom-up over the unit tree):

1. *Pools.* Each unit holds a pool: the atoms that start there (their unit, or where the caller says they count,
   ``start``) and the pools its sub-units passed up. Children before parents: a pool of fewer than k rows moves up
   *whole* to the parent; a pool of k or more stays and is settled at its unit. A pool never splits: a unit's rows
   are either all named within the unit's subtree or the small rest moves up together, so nobody can subtract the
   rows named at a team from the team's published total to find the one or two named elsewhere.
2. *Layers within a unit.* A pool's rows are grouped by layer. A group below k steps up its ladder (a leadership
   layer to ``LEADERS``, anything else and ``LEADERS`` to ``ANY``); groups that arrive at the same value merge. When
   only the ``ANY`` group is still below k, its rows and the smallest other group meet at the most precise value
   both can take (two leadership layers at ``LEADERS``, else ``ANY``). Where the caller gives no layer detail for
   a unit (``layer_detail``: the reports publish no per-layer figures for teams), its rows are ``ANY`` at once.
3. *Language and source within a layer group,* the same way: a ``(language, source)`` group below k gives up its
   source first; if that is not enough, its language instead; then both.
4. *The organisation.* What reaches the top is settled at the organisation (``None``). If it holds fewer than k rows,
   the smallest settled pools anywhere join it (their rows are then named at the organisation) until it holds k;
   only when the whole input has fewer than k rows is anything suppressed, and then everything is.

Every group written then holds k or more rows (each step only merges groups, and a pool settled holds k or more), so
every combination of the written describing values occurs in k rows or more (Sweeney 2002). Finding the
generalisation that changes the fewest values is NP-hard (Meyerson & Williams 2004); the greedy generalises a group
only when it is below k, one ladder step at a time, and moves a unit's rows up only when the unit can't hold k.

References
----------
L. Sweeney, "k-anonymity: a model for protecting privacy", Int. J. Uncertainty, Fuzziness and Knowledge-Based
Systems 10(5), 2002. A. Meyerson and R. Williams, "On the complexity of optimal k-anonymity", PODS 2004.
"""

from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

ANY = "*"
LEADERS = "*leaders"

UnitRef = Hashable  # a unit id; None: the organisation as a whole
Atom = tuple[UnitRef, str, str, str]  # (unit, layer, language, source): a row's true describing values
Written = tuple[UnitRef, str, str, str]  # the same, generalised
K = TypeVar("K", bound=Hashable)
A = TypeVar("A")


@dataclass(frozen=True)
class Generalisation:
    """What each atom is written as (``None``: suppressed), and how many rows were generalised per column.

    Attributes
    ----------
    written
        Per atom of the input with rows: its generalised values, or ``None`` when its rows are suppressed.
    k
        The minimum group size it guarantees.
    rows
        Rows written (the input's rows less the suppressed ones).
    units, layers, languages, sources
        Rows written with a generalised unit (an ancestor of their own unit, or the organisation), layer,
        language, source.
    suppressed
        Rows left out: the whole input, when it has fewer than k rows; otherwise 0.
    """

    written: Mapping[Atom, Written | None]
    k: int
    rows: int
    units: int
    layers: int
    languages: int
    sources: int
    suppressed: int

    def of(self, atom: Atom) -> Written | None:
        """The values a row of this atom is written with; ``None`` when it is suppressed."""
        return self.written[atom]

    def apply(self, rows: Iterable[tuple[Atom, A]]) -> Iterator[tuple[Written, A]]:
        """The rows (atom, payload) with their generalised values, the payload untouched, suppressed rows left out.
        Raises ``KeyError`` for an atom that was not in the input."""
        for atom, payload in rows:
            written = self.written[atom]
            if written is not None:
                yield written, payload


def generalise(atoms: Mapping[Atom, int], *, parent_of: Mapping[UnitRef, UnitRef], k: int,
               leaders: Collection[str] = (), layer_detail: Collection[UnitRef] | None = None,
               start: Mapping[UnitRef, UnitRef] | None = None) -> Generalisation:
    """Generalise the describing values of rows, given as counts per atom, until every combination has k or more.

    Parameters
    ----------
    atoms
        Rows per atom ``(unit, layer, language, source)``; counts must be >= 0 (atoms with 0 are left out).
    parent_of
        Every unit's parent (``None`` for a top-level unit). Units of atoms must be keys (or ``None``).
    k
        The minimum group size, >= 1.
    leaders
        The layer values that are leadership layers: they generalise to ``LEADERS`` before ``ANY``.
    layer_detail
        The units (``None``: the organisation) whose rows may keep a layer more precise than ``ANY``; all when
        ``None`` is passed for the whole argument.
    start
        Per unit, the unit (an ancestor or itself, or ``None``) where its rows start (the reports' reporting unit);
        units not in it start at their own unit.

    Returns
    -------
    Generalisation

    Raises
    ------
    ValueError
        ``k`` below 1, a negative count, an unknown unit, a start that is not an ancestor, or a cycle in
        ``parent_of``.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    depth = _depths(parent_of)
    pools: dict[UnitRef, Counter[Atom]] = {}
    for atom, n in atoms.items():
        if n < 0:
            raise ValueError(f"negative count {n} for {atom!r}")
        unit = atom[0]
        if unit is not None and unit not in parent_of:
            raise ValueError(f"unknown unit {unit!r}")
        at = start.get(unit, unit) if start is not None else unit
        if at is not None and (at not in parent_of or not _within(unit, at, parent_of)):
            raise ValueError(f"{unit!r} starts at {at!r}, which is not itself or an ancestor")
        if n:
            pools.setdefault(at, Counter())[atom] += n

    settled: dict[UnitRef, Counter[Atom]] = {}
    for unit in sorted(parent_of, key=lambda u: -depth[u]):  # children first
        pool = pools.pop(unit, None)
        if pool is None:
            continue
        if pool.total() >= k:
            settled[unit] = pool
        else:  # parents are shallower, so they come later in this loop
            pools.setdefault(parent_of[unit], Counter()).update(pool)
    top = pools.pop(None, Counter())
    while 0 < top.total() < k and settled:
        smallest = min(settled, key=lambda u: (settled[u].total(), depth[u], str(u)))
        top.update(settled.pop(smallest))
    suppressed = top.total() if top.total() < k else 0
    if top.total() >= k:
        settled[None] = top

    written: dict[Atom, Written | None] = {atom: None for atom in atoms if atoms[atom]}
    for unit, pool in settled.items():
        detail = layer_detail is None or unit in layer_detail
        written.update(_settle_unit(unit, pool, k, frozenset(leaders), detail))
    return _counted(written, atoms, k, suppressed)


def _settle_unit(unit: UnitRef, pool: Counter[Atom], k: int, leaders: frozenset[str],
                 detail: bool) -> dict[Atom, Written]:
    """The values of a pool of k or more rows settled at `unit`: layers, then language and source (steps 2, 3)."""
    by_layer: Counter[str] = Counter()
    for (_, layer, _, _), n in pool.items():
        by_layer[layer] += n

    def layer_ladder(value: str) -> list[str]:
        return _ladder([value, *([LEADERS] if value in leaders else []), ANY])

    layer_to = (_settle(by_layer, layer_ladder, k) if detail else dict.fromkeys(by_layer, ANY))
    groups: dict[str, Counter[tuple[str, str]]] = {}
    for (_, layer, language, source), n in pool.items():
        groups.setdefault(layer_to[layer], Counter())[language, source] += n
    out: dict[Atom, Written] = {}
    sub_to = {value: _settle(sizes, _sub_ladder, k) for value, sizes in groups.items()}
    for atom in pool:
        _, layer, language, source = atom
        value = layer_to[layer]
        out[atom] = (unit, value, *sub_to[value][language, source])
    return out


def _sub_ladder(value: tuple[str, str]) -> list[tuple[str, str]]:
    """Language and source: the source goes first; if that is not enough the language instead, then both."""
    language, source = value
    return _ladder([value, (language, ANY), (ANY, source), (ANY, ANY)])


def _ladder(steps: list[K]) -> list[K]:
    return list(dict.fromkeys(steps))


def _settle(sizes: Mapping[K, int], ladder: Callable[[K], list[K]], k: int) -> dict[K, K]:
    """Per value, what it is written as. Each value has a ladder of generalisations of itself (from itself to the
    one top every ladder ends in); the values whose group is below k take their next step until every group but
    the top holds k (a group of k or more never loses members, and every step climbs, so this ends). If the top
    then holds 1..k-1, its values and the smallest other group meet at the first value all their ladders share
    (one already generalised first at equal size). The sizes must add up to k or more."""
    ladders = {value: ladder(value) for value in sizes}
    top = next(iter(ladders.values()))[-1]
    at = dict.fromkeys(sizes, 0)
    to = {value: value for value in sizes}
    while True:
        now: Counter[K] = Counter()
        for value, n in sizes.items():
            now[to[value]] += n
        small = {v for v, n in now.items() if n < k and v != top}
        if not small:
            break
        for value in sizes:
            if to[value] in small:
                at[value] += 1
                to[value] = ladders[value][at[value]]
    if 0 < now[top] < k:  # join the group that costs the fewest rows, at the lowest value both can take
        stuck = [value for value in sizes if to[value] == top]
        best: tuple[tuple[int, int, bool, str], K, list[K]] | None = None
        for other in now:
            if other == top or not now[other]:
                continue
            members = [value for value in sizes if to[value] == other]
            common = next(v for v in ladders[stuck[0]] if all(v in ladders[m] for m in [*stuck, *members]))
            cost = (now[other], ladders[stuck[0]].index(common), other in sizes, str(other))
            if best is None or cost < best[0]:
                best = (cost, common, members)
        if best is not None:
            for value in [*stuck, *best[2]]:
                to[value] = best[1]
    return to


def _depths(parent_of: Mapping[UnitRef, UnitRef]) -> dict[UnitRef, int]:
    depth: dict[UnitRef, int] = {}
    for unit in parent_of:
        chain: list[UnitRef] = []
        at: UnitRef = unit
        while at is not None and at not in depth:
            if at in chain or at not in parent_of:
                raise ValueError(f"the units' parents form a cycle or name an unknown unit at {at!r}")
            chain.append(at)
            at = parent_of[at]
        base = -1 if at is None else depth[at]
        for i, u in enumerate(reversed(chain), start=1):
            depth[u] = base + i
    return depth


def _within(unit: UnitRef, ancestor: UnitRef, parent_of: Mapping[UnitRef, UnitRef]) -> bool:
    at: UnitRef = unit
    while at != ancestor:
        if at is None:
            return False
        at = parent_of[at]
    return True


def _counted(written: dict[Atom, Written | None], atoms: Mapping[Atom, int], k: int,
             suppressed: int) -> Generalisation:
    rows = units = layers = languages = sources = 0
    for atom, to in written.items():
        if to is None:
            continue
        n = atoms[atom]
        rows += n
        units += n * (to[0] != atom[0])
        layers += n * (to[1] != atom[1])
        languages += n * (to[2] != atom[2])
        sources += n * (to[3] != atom[3])
    return Generalisation(written, k, rows, units, layers, languages, sources, suppressed)
