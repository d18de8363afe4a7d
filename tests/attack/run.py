"""The attack on one organisation: the story, the readings, the equations and the search; and its result.

The story (moments are when responses were submitted; readings when everything was read):
0. both waves answered and closed (published): reading 0;
1. the later wave reopened, 1..k-1 responses submitted in one unit x layer atom: reading 1 (open) -- nothing but
   live counts may differ from reading 0 -- then closed: reading 2 (they wait: still nothing may differ);
2. reopened, the atom brought to k or more new responses (one of them leaving a dimension out, one answering in the
   other language), closed (published): reading 3.

Breaches: (a) a figure of readings 1 or 2 that differs from reading 0 (`open_waves`); (b) any group of 1..k-1
respondents whose total of an unknown is a linear combination of published figures of any readings
(`tests.attack.search`), classified by the figures the combination needs.
"""

import random
from collections import Counter
from dataclasses import dataclass, field

import httpx
import numpy as np
from scipy.optimize import linprog

from tests.attack.collect import Reading, read
from tests.attack.figures import COMMENT_ROLLUP, Obs
from tests.attack.resolve import SCALE, Resolver, Row
from tests.attack.search import Problem, search, search_groups
from tests.attack.truth import Wave, waves_of
from tests.attack.world import Person, World, make_world


@dataclass
class Found:
    klass: str
    space: str
    target: str
    respondents: tuple[int, ...]
    detail: str


@dataclass
class Result:
    seed: int
    k: int
    respondents: int
    requests: int = 0
    observations: int = 0
    rows: int = 0
    breaches: list[Found] = field(default_factory=list)
    unmatched: list[Obs] = field(default_factory=list)
    csv_only: list[str] = field(default_factory=list)
    export_problems: list[str] = field(default_factory=list)
    sources: Counter[str] = field(default_factory=Counter)  # observations read per report
    comments_above_k: int = 0  # comment figures read in waves whose comment threshold is above k
    comment_moves: int = 0  # units the comments' roll-up counts elsewhere than the reports' roll-up does
    scales: set[tuple[int, int]] = field(default_factory=set)  # the statements' answer scales (min, max)

    def by_class(self) -> Counter[str]:
        return Counter(b.klass for b in self.breaches)


def _story(world: World, http: httpx.Client, clients: dict[str, tuple[httpx.Client, str | None]], *,
           thorough: bool) -> list[Reading]:
    rng = random.Random(world.rng.random())
    later = world.waves[-1]
    readings = [read(world, clients, 0, 0, thorough=thorough, rng=rng)]
    unit = rng.choice(world.leaves())
    layer = "employee"
    world.action(later, "reopen")
    first = [world.person(later, unit, layer, 1) for _ in range(rng.randint(1, world.k - 1))]
    world.submit(http, first)
    readings.append(read(world, clients, 1, 1, thorough=thorough, rng=rng, focus=unit))
    world.action(later, "close")
    readings.append(read(world, clients, 2, 1, thorough=thorough, rng=rng, focus=unit))
    world.action(later, "reopen")
    more = [world.person(later, unit, layer, 2) for _ in range(world.k - len(first))]
    more[0].current.update(dict.fromkeys([i.key for i in world.items if i.dimension == world.dimensions[0]], None))
    more[-1].language = "en" if first[0].language == "nl" else "nl"
    world.submit(http, more)
    world.action(later, "close")
    readings.append(read(world, clients, 3, 2, thorough=thorough, rng=rng))
    return readings


def _changed(before: Reading, after: Reading) -> list[str]:
    """Sources whose answer changed, leaving out response rates (live counts by design)."""
    out = []
    for source, body in before.bodies.items():
        if "response-rates" in source:
            continue
        if source in after.bodies and after.bodies[source] != body:
            out.append(source)
    return out


def _classify(problem: Problem, used: list[Row]) -> str:
    """The kind of leak, from the rows a combination needs."""
    if not set.intersection(*(problem.readings[id(r)] for r in used)):
        return "open_waves"  # no one reading holds all of them: figures read at different moments
    if any(r.language for r in used):
        return "language_groups"
    if problem.space[0] == "C" or problem.space[2:3] == ("theme",):
        return "comments"
    if len(used) == 1:
        return "small_group"
    families = {r.family for r in used}
    kinds = {r.kind.split(":")[0] for r in used}
    if "pairs" in families:
        return "frames"
    if problem.space[0] == "V" and "score" in kinds and "item" in kinds:
        return "dimension_vs_items"
    if problem.space[0] in ("FAV", "UNFAV") and "pooled" in kinds and "item" in kinds:
        return "pooled_shares"
    return "maps_of_different_sets"


def _combination(problem: Problem, y: np.ndarray) -> list[tuple[float, Row]]:
    """A sparse combination of the problem's rows giving y: least absolute coefficients (a linear programme;
    that one exists was proven exactly by the search)."""
    m = problem.matrix.astype(np.float64)
    rows = m.shape[0]
    found = linprog(np.ones(2 * rows), A_eq=np.hstack([m.T, -m.T]), b_eq=y.astype(np.float64),
                    bounds=(0, None), method="highs")
    if found.status == 0:
        coefficients = found.x[:rows] - found.x[rows:]
    else:
        coefficients = np.linalg.lstsq(m.T, y.astype(np.float64), rcond=None)[0]
    return [(float(c), r) for c, r in zip(coefficients, problem.rows, strict=True) if abs(c) > 1e-8]


def _targets(space: tuple[object, ...], wave: Wave) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    kind = space[0]
    if kind == "simple":
        return {"value": np.ones((wave.n, 1), dtype=np.int64)}, None
    if kind == "C":  # a comment per open question
        width = len(wave.questions)
        return {f"question:{c}": np.tile(np.eye(width, dtype=np.int64)[c], (wave.n, 1)) for c in range(width)}, None
    d, frame = str(space[2]), str(space[3])
    width = len(wave.dim_items[d])
    out = {f"item:{c}": np.tile(np.eye(width, dtype=np.int64)[c], (wave.n, 1)) for c in range(width)}
    if kind == "V":
        weights = np.rint(wave.weights(d, frame) * SCALE).astype(np.int64)
        out = {name: w * SCALE for name, w in out.items()}
        out["score"] = weights
        return out, weights
    answered = wave.answered(frame)[:, wave.dim_items[d]].astype(np.int64)
    out["pooled"] = answered
    return out, answered


def analyse(world: World, readings: list[Reading], result: Result, rng: random.Random, cap: int = 50, *,
            comments_at_threshold: bool = False) -> None:
    """The equations of every figure read, and the search for groups of 1..k-1 (with `comments_at_threshold`,
    groups of 1..T-1 among the comment figures: the comments' own, stricter threshold)."""
    waves = waves_of(world)
    rollups: dict[tuple[str, int, bool | str], dict[str, str | None]] = {}
    for reading in readings:
        rollups.update(reading.rollups)
        result.requests += reading.requests
        result.csv_only += reading.csv_only
        result.export_problems += reading.export_problems
    resolver = Resolver(waves, rollups, {u: parent for u, (_, parent) in world.units.items()})
    for (wave, index, kind), moves in rollups.items():
        if kind == COMMENT_ROLLUP:
            published = rollups.get((wave, index, False), {})
            result.comment_moves += sum(published.get(u, u) != at for u, at in moves.items())
    resolver.universe.update(_universes(readings))
    by_space: dict[tuple[object, ...], list[Row]] = {}
    observations = [obs for reading in readings for obs in reading.obs]
    result.comments_above_k = sum(o.what[0] in ("comments", "theme") and world.comment_thresholds[o.who.wave] > world.k
                                  for o in observations)
    result.observations += len(observations)
    for row in resolver.resolve(observations):
        by_space.setdefault(row.space, []).append(row)
    result.unmatched += resolver.unmatched
    for before, after in ((readings[0], readings[1]), (readings[0], readings[2])):
        for source in _changed(before, after):
            result.breaches.append(Found("open_waves", "snapshot", "any", (), f"{source} changed while the new "
                                         f"responses were fewer than k (reading {after.index})"))
    for space, rows in by_space.items():
        wave = waves[str(space[1])]
        if space[0] == "groups":
            _groups(world, resolver, wave, space, rows, result)
            continue
        targets, signature = _targets(space, wave)
        problem = Problem.build(space, rows, signature)
        if problem is None:
            continue
        result.rows += len(problem.rows)
        comments = comments_at_threshold and (space[0] == "C" or space[2:3] == ("theme",))
        limit = world.comment_thresholds[str(space[1])] if comments else world.k
        for target, members in search(problem, targets, limit, rng, cap=cap):
            y = np.zeros((len(problem.atoms), problem.width), dtype=np.int64)
            for a, atom in enumerate(problem.atoms):
                if set(atom.tolist()) <= set(members):
                    y[a] = targets[target][atom[0]]
            combination = _combination(problem, y.reshape(-1))
            klass = _classify(problem, [r for _, r in combination])
            total = sum(c * r.value for c, r in combination) / (SCALE if space[0] == "V" else 1)
            result.breaches.append(Found(klass, repr(space), target, members,
                                         f"group of {len(members)} ({_describe(wave, members)}): total "
                                         f"{total:.6g} = {_terms(combination)}"))


def _universes(readings: list[Reading]) -> dict[tuple[str, int], int]:
    """(wave, reading) -> the moment up to which its published figures count, from what the API says: a wave
    whose `published_at` did not change since the previous reading shows the same responses; one that changed
    published everything stored by then (publication takes every waiting response or none)."""
    out: dict[tuple[str, int], int] = {}
    for before, reading in zip([None, *readings], readings, strict=False):
        for wave, at in reading.published_at.items():
            same = before is not None and before.published_at.get(wave) == at
            out[wave, reading.index] = out[wave, before.index] if same and before else reading.moment
    return out


def _terms(combination: list[tuple[float, Row]]) -> str:
    """The combination as the attacker would write it: coefficient x [report, reading, figure, its n: its sum]."""
    def term(c: float, r: Row) -> str:
        n = int((r.coef != 0).reshape(r.coef.shape[0], -1).any(axis=1).sum())
        value = r.value / SCALE if r.space[0] == "V" else r.value
        return f"{c:+.4g} x [{r.source} (reading {r.reading}) {r.kind} over {r.family}, n {n}: sum {value:.6g}]"
    return "; ".join(term(c, r) for c, r in combination[:10])


def _groups(world: World, resolver: Resolver, wave: Wave, space: tuple[object, ...], rows: list[Row],
            result: Result) -> None:
    """Sizes of groups defined by unit, layer and language (`search_groups`)."""
    sizes = resolver.atom_sizes(wave, int(str(space[3])))
    matrix = np.stack([r.coef for r in rows])
    result.rows += len(rows)
    atoms = resolver.atoms(wave)
    names = {u: n for u, (n, _) in world.units.items()}
    for a in search_groups(matrix, sizes, world.k):
        problem = Problem(space, rows, matrix, [np.array([i]) for i in range(len(atoms))], 1,
                          {id(r): {r.reading} for r in rows})
        combination = _combination(problem, a)
        klass = _classify(problem, [r for _, r in combination])
        group = [f"{names[u]}/{layer}/{lang}={sizes[i]}" for i, (u, layer, lang) in enumerate(atoms)
                 if a[i] and sizes[i]]
        result.breaches.append(Found(klass, repr(space), "count", (), f"group {group} of {int(sizes @ a)}: "
                                     f"{_terms(combination)}"))


def _describe(wave: Wave, members: tuple[int, ...]) -> str:
    names = {u: n for u, (n, _) in wave.world.units.items()}
    people: list[Person] = [wave.people[r] for r in members]
    return ", ".join(f"{names[p.unit]}/{p.layer}/{p.language}/m{p.moment}" for p in people)


def attack(platform: httpx.Client, base_url: str, http: httpx.Client, seed: int, *, thorough: bool,
           scoped_keys: int = 2, comments_at_threshold: bool = False, mixed_scales: bool = False) -> Result:
    """Make a random organisation (seeded), run the story, read, search; the result. `mixed_scales`: its
    questionnaire's dimensions have scales of their own (`tests.attack.world.mixed_scale_questionnaire`)."""
    world = make_world(platform, base_url, http, seed, mixed_scales=mixed_scales)
    try:
        units = world.rng.sample(list(world.units), min(scoped_keys, len(world.units)))
        clients = {f"key@{world.units[u][0]}": (world.org.client_for("analyst", u), u) for u in units}
        readings = _story(world, http, clients, thorough=thorough)
        result = Result(seed, world.k, len(world.people))
        result.sources.update(o.source.split("?")[0] for r in readings for o in r.obs)
        result.scales = {(i.low, i.high) for i in world.items}
        analyse(world, readings, result, random.Random(seed), comments_at_threshold=comments_at_threshold)
        return result
    finally:
        world.org.close()
