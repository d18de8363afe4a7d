"""Where each published response stands in the raw export, and which of its answers are written.

The export is held to the reports' one protection (docs/anonymity.md, "The raw export"): every group of rows it
names, and every set of answers it writes, is a difference of groups the reports show, so whatever an admin adds
and subtracts across the file and the reports, it adds nothing the reports' suppression maps have not checked.

1. *Units.* A row is named at the nearest unit at or above its reporting unit (`app.reports.rollup`) whose total
   the respondents' map shows (`*`: the organisation). The rows named at a unit U are then U's shown total minus
   the totals of the topmost shown units below it: a difference of shown cells.
2. *Layers.* Within U, a layer L is named where the map shows the cell (U, L) and (D, L) for each of those
   topmost shown units D below U; the rows of every other layer are named `*` (U's rows less the named layers).
3. *Answers.* A dimension's answers in a frame are written in a group of rows only where that dimension's own map
   (its respondents who answered all its statements in the frame) shows the same cells, and only for the rows in
   that set: a respondent who skipped a statement or chose "don't know" has that dimension left empty, as in
   every report.
4. *What was left out.* Within a group of rows, those who left out the same dimensions must number 0 or at least
   k: otherwise the few who skipped openness would stand out by their empty cells, with all their other answers
   beside them. So some dimensions are left out for the whole group (written for none of its rows): of all the
   choices that leave every class at k rows or more, the one that writes the most answers.

Point 4 is new to the file (reports never show a respondent's row); the others mirror the reports. The long file
(one row per respondent, dimension and frame, not linked to each other) needs points 1-3 only: its rows show no
respondent's other dimensions, so what someone left out stands beside nothing. Only a group
whose count is 1..k-1 despite the maps -- which the maps' own check rules out -- is left out whole (`group_of` -1).
"""

import enum
import uuid
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from app.reports.anonymity import ALL
from app.reports.context import Frame, LayerRef, ReportContext

UnitRef = uuid.UUID | None  # None: the organisation


class Nowhere(enum.Enum):
    """Above every shown unit: the organisation's total is hidden (fewer than k in all)."""

    NOWHERE = "nowhere"


@dataclass(frozen=True)
class Group:
    """A group of rows: its unit (None: the organisation) and layer (ALL: `*`), and per (dimension, frame) pair
    whether the reports' maps let its answers be written (points 1-3: `shown`), and whether they are written in the
    wide file, one row per respondent (point 4 too: `written`)."""

    unit: UnitRef
    layer: LayerRef
    shown: tuple[bool, ...]
    written: tuple[bool, ...]


@dataclass
class ExportCells:
    pairs: list[tuple[int, Frame]]  # (dimension index, frame), in the order of `Group.written`
    groups: list[Group] = field(default_factory=list)
    group_of: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # -1: left out
    complete: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))  # x pairs


def export_cells(ctx: ReportContext) -> ExportCells:
    """Each of `ctx.data`'s respondents' group (points 1-4 of the module docstring)."""
    data = ctx.data
    frames: list[Frame] = ["current", "desired"] if data.desired is not None else ["current"]
    pairs = [(d, f) for f in frames for d in range(data.scale.n_dimensions)]
    cells = ExportCells(pairs, group_of=np.full(data.n, -1, dtype=np.int64))
    if data.n == 0:
        return cells
    below = _topmost_shown_below(ctx)
    homes = [_home(ctx, unit) for unit in data.unit_ids]
    named = {home: _named_layers(ctx, home, below[home]) for home in set(homes) if home is not Nowhere.NOWHERE}
    buckets: dict[tuple[UnitRef | Nowhere, LayerRef], int] = {}
    code = np.empty((len(data.unit_ids), len(data.layer_ids)), dtype=np.int64)
    for u, home in enumerate(homes):
        for j, layer in enumerate(data.layer_ids):
            shown_layer: LayerRef = layer if home is not Nowhere.NOWHERE and layer in named[home] else ALL
            code[u, j] = buckets.setdefault((home, shown_layer), len(buckets))
    bucket_of = code[data.unit_codes, data.layer_codes]
    answers_per_pair = [len(data.scale.items_of(d)) for d, _ in pairs]
    complete = np.column_stack([~np.isnan(_frame(ctx, f)[:, int(data.scale.items_of(d)[0])]) for d, f in pairs])
    cells.complete = complete
    for (home, group_layer), index in buckets.items():
        members = np.flatnonzero(bucket_of == index)
        if len(members) == 0:
            continue
        if home is Nowhere.NOWHERE or len(members) < ctx.k:  # left out (`group_of` -1)
            continue
        allowed = [_answers_shown(ctx, d, f, home, group_layer, below[home], named[home])
                   and _size_ok(int(complete[members, p].sum()), ctx.k) for p, (d, f) in enumerate(pairs)]
        cells.group_of[members] = len(cells.groups)
        written = protect_left_out(complete[members], allowed, ctx.k, answers_per_pair)
        cells.groups.append(Group(home, group_layer, tuple(allowed), tuple(written)))
    return cells


MAX_CHOICES = 5000  # choices of one size weighed at once; beyond (many dimensions), the rest is chosen greedily
CHUNK = 1 << 20  # choices x distinct patterns per array


def protect_left_out(complete: npt.NDArray[np.bool_], allowed: list[bool], k: int,
                     answers_per_pair: list[int]) -> list[bool]:
    """Point 4: the pairs of `allowed` to write, so that the rows who completed the same written pairs number 0 or
    at least k in every class, writing as many answers as possible (each pair weighs its answers per row times the
    rows that completed it).

    A choice that leaves a class below k does so with every pair added (adding a pair only splits classes), so the
    choices that qualify are closed under taking pairs away, and they are searched size by size from the empty one,
    each size's candidates being the choices all of whose one-smaller parts qualified (as Apriori does; Agrawal &
    Srikant 1994): exact, and quick, since either every pair qualifies at once or few choices do."""
    candidates = [p for p, a in enumerate(allowed) if a]
    if len(complete) < k:  # a group the export leaves out anyway
        return [False] * len(allowed)
    if not candidates:
        return list(allowed)
    n = len(candidates)
    bits = complete[:, candidates].astype(np.int64) @ (1 << np.arange(n, dtype=np.int64))
    codes, counts = np.unique(bits, return_counts=True)
    weight = [answers_per_pair[p] * int(complete[:, p].sum()) for p in candidates]
    best = _best_choice(codes, counts, n, k, weight)
    return [p in candidates and bool(best >> candidates.index(p) & 1) for p in range(len(allowed))]


def _best_choice(codes: npt.NDArray[np.int64], counts: npt.NDArray[np.int64], n: int, k: int,
                 weight: list[int]) -> int:
    full = (1 << n) - 1
    if _qualify(codes, counts, np.array([full]), k)[0]:
        return full

    def value(choice: int) -> int:
        return sum(w for i, w in enumerate(weight) if choice >> i & 1)

    best, level = 0, [0]
    while level:
        qualified = set(level)
        grown = sorted({c | 1 << i for c in level for i in range(n) if not c >> i & 1})
        grown = [c for c in grown if all(c & ~(1 << i) in qualified for i in range(n) if c >> i & 1)]
        if len(grown) > MAX_CHOICES:
            return _greedy(codes, counts, max(level, key=value), n, k, weight)
        if not grown:
            break
        choices = np.array(grown, dtype=np.int64)
        level = choices[_qualify(codes, counts, choices, k)].tolist()
        best = max([best, *level], key=lambda c: (value(c), -c))
    return best


def _qualify(codes: npt.NDArray[np.int64], counts: npt.NDArray[np.int64], choices: npt.NDArray[np.int64],
             k: int) -> npt.NDArray[np.bool_]:
    """Per choice (a bit set over the pairs): do all classes of the patterns `codes` (with their `counts` of rows)
    under it hold k rows or more? Many choices at once: each row of `codes & choice`, sorted, holds that choice's
    classes in runs, whose rows are summed."""
    ok = np.ones(len(choices), dtype=bool)
    step = max(1, CHUNK // len(codes))
    for at in range(0, len(choices), step):
        classes = codes[None, :] & choices[at:at + step, None]
        order = np.argsort(classes, axis=1, kind="stable")
        classes = np.take_along_axis(classes, order, axis=1)
        starts = np.ones(classes.shape, dtype=bool)
        starts[:, 1:] = classes[:, 1:] != classes[:, :-1]
        first = np.flatnonzero(starts)
        rows = np.add.reduceat(counts[order].ravel(), first)
        ok[at + first[rows < k] // classes.shape[1]] = False
    return ok


def _greedy(codes: npt.NDArray[np.int64], counts: npt.NDArray[np.int64], start: int, n: int, k: int,
            weight: list[int]) -> int:
    """From a qualifying choice, add the heaviest pair that keeps it qualifying, while one does."""
    choice = start
    while True:
        options = [choice | 1 << i for i in sorted(range(n), key=lambda i: -weight[i]) if not choice >> i & 1]
        fits = _qualify(codes, counts, np.array(options, dtype=np.int64), k) if options else np.zeros(0, dtype=bool)
        if not fits.any():
            return choice
        choice = options[int(np.argmax(fits))]


def _size_ok(n: int, k: int) -> bool:
    return n == 0 or n >= k


def _home(ctx: ReportContext, unit: uuid.UUID) -> UnitRef | Nowhere:
    """Point 1: the nearest unit at or above the unit's reporting unit whose total is shown."""
    at = ctx.rollup.reporting_unit(unit)
    while at is not None and not ctx.visible(at):
        at = ctx.tree.units[at].parent_id
    if at is None and not ctx.visible(None):
        return Nowhere.NOWHERE
    return at


def _topmost_shown_below(ctx: ReportContext) -> dict[UnitRef, list[uuid.UUID]]:
    """Per shown unit (and the organisation): the shown units below it with no shown unit in between."""
    below: dict[UnitRef, list[uuid.UUID]] = {None: []}
    for unit in ctx.tree.units:
        if ctx.visible(unit):
            below.setdefault(unit, [])
            parent = ctx.tree.units[unit].parent_id
            while parent is not None and not ctx.visible(parent):
                parent = ctx.tree.units[parent].parent_id
            below.setdefault(parent, []).append(unit)
    return below


def _named_layers(ctx: ReportContext, home: UnitRef, below: list[uuid.UUID]) -> set[uuid.UUID | None]:
    """Point 2: the layers named at `home`."""
    return {layer for layer in ctx.data.layer_ids
            if ctx.visible(home, layer) and all(ctx.visible(d, layer) for d in below)}


def _answers_shown(ctx: ReportContext, d: int, frame: Frame, home: UnitRef, layer: LayerRef,
                   below: list[uuid.UUID], named: set[uuid.UUID | None]) -> bool:
    """Point 3: the dimension's map shows the cells the group is the difference of (for `*`: the unit's total and
    those of the named layers, each less the same below)."""
    def shows(layer: LayerRef) -> bool:
        return all(ctx.dimension_visible(d, unit, layer, frame) for unit in [home, *below])

    if layer is not ALL:
        return shows(layer)
    return shows(ALL) and all(shows(named_layer) for named_layer in named)


def _frame(ctx: ReportContext, frame: Frame) -> npt.NDArray[np.float32]:
    answers = ctx.data.current if frame == "current" else ctx.data.desired
    assert answers is not None
    return answers
