"""From observations to linear equations over respondents.

For every observation the attacker tries candidate respondent sets -- the group's members (by the roll-up the
answers themselves publish, or by the unit people are attached to), among the responses published at some moment
or all stored ones, narrowed to a family (those who answered every statement of the dimension in the frame, those
who answered the statement, in both frames, at least half, ...) -- and keeps the first whose ground truth gives
every figure of the observation (n exactly; sums within 1e-6). Each figure then becomes a `Row`: a 0/1 (or
weighted) vector over respondents, or over respondents x statements of a dimension, in a `space` of unknowns:

- ("groups", wave, "published" | "live", moment): the sizes of groups defined by unit, layer and language, over
  every (unit, layer, language) atom, empty ones included (the attacker can't tell which are empty). Only counts of
  everyone in a group go here: a count of those with some answer pattern (a dimension's n, don't-know counts) is a
  sum over a predicate of the answers, and the predicates in use (complete in a frame, in both frames, don't know,
  seen, eligible for straight-lining) are linearly independent of each other and of "everyone" as functions of an
  answer pattern, so in any combination giving a group's size their coefficients cancel;
- ("V", wave, d, frame): the keyed answers to dimension d's statements (item sums, and score sums, a score being
  the mean of the answered statements: weighted rows);
- ("FAV"/"UNFAV", wave, d, frame): favourable / unfavourable answers per statement (item and pooled shares);
- ("simple", wave, ...): one unknown per respondent (sums of squares, answers per scale point, scale scores
  per value, straight-lining; per theme, how many of a respondent's comments mention it);
- ("C", wave): per respondent and open question, their comment (or none): a comments answer's count and texts
  per question (the texts must be exactly those of the set's respondents).

An observation no candidate explains is kept as unmatched: a figure the attacker cannot place is a gap in the
test, and the suite fails on it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from math import lcm

import numpy as np
from scipy import stats as st

from tests.attack.figures import COMMENT_ROLLUP, Obs, Who
from tests.attack.truth import Mask, Wave, straight_lining
from tests.attack.world import LAYERS

Space = tuple[object, ...]
SCALE = lcm(*range(1, 11))  # score rows are weighted by 1/answered statements: scaled to integers


@dataclass
class Row:
    space: Space
    coef: np.ndarray  # int64: (respondents,) or (respondents, statements of the dimension)
    kind: str  # count | score | item:j | pooled | simple
    family: str
    source: str
    reading: int  # which reading of the story it was published in
    language: bool
    value: float = 0.0


@dataclass
class Resolver:
    waves: dict[str, Wave]
    rollups: dict[tuple[str, int, bool | str], dict[str, str | None]]  # (wave, reading, live or COMMENT_ROLLUP) ->
    # unit -> reporting unit
    tree: dict[str, str | None]  # unit -> parent
    unmatched: list[Obs] = field(default_factory=list)
    universe: dict[tuple[str, int], int] = field(default_factory=dict)  # (wave, reading) -> published moment
    _cache: dict[tuple[object, ...], Mask] = field(default_factory=dict)

    # ------------------------------------------------------------------------------------------ candidates

    def _subtree(self, unit: str) -> set[str]:
        out, todo = {unit}, [unit]
        while todo:
            at = todo.pop()
            kids = [u for u, p in self.tree.items() if p == at]
            out.update(kids)
            todo += kids
        return out

    def members(self, wave: Wave, who: Who, rollup: dict[str, str | None] | None) -> Mask:
        key = ("members", wave.survey, who, None if rollup is None else tuple(sorted(rollup.items(), key=str)))
        if key in self._cache:
            return self._cache[key]
        if who.union is not None:
            out = np.zeros(wave.n, dtype=bool)
            for u in who.union:
                out |= self.members(wave, Who(who.wave, u), rollup)
        elif who.rest_of is not None:
            out = ~self.members(wave, Who(who.wave, who.rest_of), rollup)
        elif who.unit is None:
            out = np.ones(wave.n, dtype=bool)
        else:
            inside = self._subtree(who.unit)
            reporting = [(rollup or {}).get(u, u) for u in wave.units]
            out = np.array([u in inside for u in reporting], dtype=bool)
        if who.layers:
            out = out & np.isin(wave.layers, list(who.layers))
        if who.language:
            out = out & (wave.languages == who.language)
        for unit in who.minus:
            out = out & ~self.members(wave, Who(who.wave, unit), rollup)
        if who.not_layers:
            out = out & ~np.isin(wave.layers, list(who.not_layers))
        for d, frame, completed in who.pattern:
            out = out & (wave.complete(d, frame) == completed)
        self._cache[key] = out
        return out

    def families(self, wave: Wave, what: tuple[str, ...]) -> Iterator[tuple[str, Mask]]:
        kind = what[0]
        n = wave.n
        if kind == "respondents":
            yield "all", np.ones(n, dtype=bool)
        elif kind in ("dimension", "item"):
            d = what[1] if kind == "dimension" else self.dimension_of(wave, what[1])
            frame = what[2]
            yield "complete", wave.complete(d, frame)
            if kind == "item":
                yield "answered", wave.answered(frame)[:, wave.items.index(what[1])]
            else:
                yield "half", wave.half(d, frame)
            if wave.world.ask_desired:
                yield "pairs", wave.complete(d, "current") & wave.complete(d, "desired")
        elif kind in ("pairs", "pairs_item"):
            d = what[1] if kind == "pairs" else self.dimension_of(wave, what[1])
            yield "pairs", wave.complete(d, "current") & wave.complete(d, "desired")
            if kind == "pairs_item":
                j = wave.items.index(what[1])
                yield "answered", wave.answered("current")[:, j] & wave.answered("desired")[:, j]
            else:
                yield "half", wave.half(d, "current") & wave.half(d, "desired")
        elif kind == "reliability":
            yield "complete", wave.complete(what[1], "current")
            yield "any", wave.answered("current")[:, wave.dim_items[what[1]]].any(axis=1)
        elif kind == "dont_know":
            yield "dont_know", wave.dont_know()[:, wave.items.index(what[1])]
        elif kind == "seen":
            j = wave.items.index(what[1])
            yield "seen", wave.answered("current")[:, j] | wave.dont_know()[:, j]
        elif kind == "eligible":
            yield "eligible", straight_lining(wave)[0]
        elif kind in ("comments", "theme"):  # everyone in the group holds the unknown (a comment, or none)
            yield "all", np.ones(n, dtype=bool)
        elif kind == "drivers":  # the driver report's set: complete on every dimension (outcome included)
            yield "complete_all", np.all([wave.complete(d, "current") for d in wave.dim_items], axis=0)

    @staticmethod
    def dimension_of(wave: Wave, item: str) -> str:
        return wave.world.items[wave.items.index(item)].dimension

    @staticmethod
    def rollup_kinds(obs: Obs) -> tuple[bool | str, ...]:
        """Which roll-ups may place it: the comments' own (at the comment threshold), the live one (response
        rates), or the published figures' (and the live one, whose units may be the only ones read)."""
        if obs.what[0] in ("comments", "theme"):
            return (COMMENT_ROLLUP,)
        return (True,) if obs.who.live else (False, True)

    def candidates(self, obs: Obs) -> Iterator[tuple[str, Mask, dict[str, str | None] | None, int]]:
        """(family, set, roll-up, universe): the universe is the moment up to which responses count (published
        ones: the last publication's moment, tried first where known; live counts: every stored response)."""
        wave = self.waves[obs.who.wave]
        moments = [obs.moment] if obs.who.live else list(range(obs.moment, -1, -1))
        known = self.universe.get((obs.who.wave, obs.reading))
        if known is not None and not obs.who.live:
            moments = [known] + [m for m in moments if m != known]
        for m in moments:
            universe = wave.moments <= m
            for kind in self.rollup_kinds(obs):
                rollup = self.rollups.get((obs.who.wave, obs.reading, kind))
                for roll in (rollup, None) if rollup else (None,):
                    base = self.members(wave, obs.who, roll) & universe
                    for family, mask in self.families(wave, obs.what):
                        yield family, base & mask, roll, m

    # ------------------------------------------------------------------------------------------ matching

    def resolve(self, observations: list[Obs]) -> list[Row]:
        """Every observation's rows. Those with an n and a figure go first: the ones whose set differs between
        publications vote for the publication each reading shows, which is then tried first for the rest (a mean
        without its n, a bare count)."""
        first = [o for o in observations if "n" in o.stats and set(o.stats) - {"n"}]
        rest = [o for o in observations if not ("n" in o.stats and set(o.stats) - {"n"})]
        rows: list[Row] = []
        votes: dict[tuple[str, int], dict[int, int]] = {}
        for obs in first:
            rows += self.rows(obs, votes)
        for key, tally in votes.items():  # where the API did not say (`run._universes`)
            self.universe.setdefault(key, max(tally, key=lambda m: tally[m]))
        for obs in rest:
            rows += self.rows(obs, {})
        return rows

    def rows(self, obs: Obs, votes: dict[tuple[str, int], dict[int, int]]) -> list[Row]:
        """The observation's figures as rows, from the first candidate set that explains all of them."""
        if obs.what == ("index",):
            return []  # a mean of five dimension means (and its difference from the rest): not linear, not placed
        wave = self.waves[obs.who.wave]
        for family, s, roll, m in self.candidates(obs):
            rows = self._explain(obs, family, s)
            if rows is None:
                continue
            if not obs.who.live and obs.moment > 0:  # a vote, when its set tells publications apart
                moments = wave.moments[self._base(obs, roll, family)]
                if ((moments > 0) & (moments <= obs.moment)).any():
                    tally = votes.setdefault((obs.who.wave, obs.reading), {})
                    tally[m] = tally.get(m, 0) + 1
            if family == "all" and "n" in obs.stats:
                space = ("groups", obs.who.wave, "live" if obs.who.live else "published", m)
                rows.append(Row(space, self.atom_members(wave, obs.who, roll).astype(np.int64), "count", family,
                                obs.source, obs.reading, obs.who.language is not None, obs.stats["n"]))
            return rows
        self.unmatched.append(obs)
        return []

    def _base(self, obs: Obs, roll: dict[str, str | None] | None, family: str) -> Mask:
        """The observation's set among every response ever stored (for telling publications apart)."""
        wave = self.waves[obs.who.wave]
        mask = dict(self.families(wave, obs.what))[family]
        return self.members(wave, obs.who, roll) & mask

    def atoms(self, wave: Wave) -> list[tuple[str, str, str]]:
        """Every (unit, layer, language) a respondent could have: the atoms of the groups whose size is
        protected, empty ones included (the attacker does not know which are empty)."""
        return [(u, layer, lang) for u in self.tree for layer in LAYERS for lang in ("nl", "en")]

    def atom_sizes(self, wave: Wave, m: int) -> np.ndarray:
        index = {a: i for i, a in enumerate(self.atoms(wave))}
        sizes = np.zeros(len(index), dtype=np.int64)
        for p in wave.people:
            if p.moment <= m:
                sizes[index[(p.unit, p.layer, p.language)]] += 1
        return sizes

    def atom_members(self, wave: Wave, who: Who, rollup: dict[str, str | None] | None) -> Mask:
        atoms = self.atoms(wave)
        if who.union is not None:
            out = np.zeros(len(atoms), dtype=bool)
            for u in who.union:
                out |= self.atom_members(wave, Who(who.wave, u), rollup)
        elif who.rest_of is not None:
            out = ~self.atom_members(wave, Who(who.wave, who.rest_of), rollup)
        elif who.unit is None:
            out = np.ones(len(atoms), dtype=bool)
        else:
            inside = self._subtree(who.unit)
            out = np.array([(rollup or {}).get(u, u) in inside for u, _, _ in atoms], dtype=bool)
        if who.layers:
            out = out & np.array([layer in who.layers for _, layer, _ in atoms])
        if who.language:
            out = out & np.array([lang == who.language for _, _, lang in atoms])
        for unit in who.minus:
            out = out & ~self.atom_members(wave, Who(who.wave, unit), rollup)
        if who.not_layers:
            out = out & np.array([layer not in who.not_layers for _, layer, _ in atoms])
        assert not who.pattern, "a class of rows by what they left out is no group of atoms"
        return out

    def _explain(self, obs: Obs, family: str, s: Mask) -> list[Row] | None:
        wave = self.waves[obs.who.wave]
        stats, n = obs.stats, int(s.sum())
        if "n" in stats and stats["n"] != n:
            return None
        if not stats:
            return []
        what, survey = obs.what, wave.survey
        rows: list[Row] = []

        def row(space: Space, coef: np.ndarray, kind: str, value: float) -> None:
            rows.append(Row(space, coef, kind, family, obs.source, obs.reading, obs.who.language is not None, value))

        if what[0] in ("dimension", "item"):
            frame = what[2]
            d = what[1] if what[0] == "dimension" else self.dimension_of(wave, what[1])
            items = wave.dim_items[d]
            keyed = wave.keyed(frame)[:, items]
            for stat, value in stats.items():
                if stat == "n":
                    continue
                got = self._figure(wave, what, d, frame, s, stat, value, keyed, row)
                if got is None:
                    return None
        elif what[0] == "eligible" and "flat_share" in stats:
            flat = straight_lining(wave)[1] & s
            if abs(stats["flat_share"] * n - flat.sum()) > 1e-6:
                return None
            row(("simple", survey, "flat"), s.astype(np.int64), "simple", stats["flat_share"] * n)
        elif what[0] == "comments":
            if what[1] not in wave.questions:
                return None
            q = wave.questions.index(what[1])
            if int(wave.commented[s, q].sum()) != round(stats["count"]) or \
                    (obs.texts is not None and tuple(wave.texts(s, [q])) != obs.texts):
                return None
            coef = np.zeros((wave.n, len(wave.questions)), dtype=np.int64)
            coef[s, q] = 1
            row(("C", survey), coef, f"item:{q}", stats["count"])
        elif what[0] == "theme":
            hits = wave.themed.get(what[1])
            if hits is None or int(hits[s].sum()) != round(stats["count"]):
                return None
            row(("simple", survey, "theme", what[1]), s.astype(np.int64), "simple", stats["count"])
        elif what[0] == "seen" and "dont_know_share" in stats:
            dk = s & wave.dont_know()[:, wave.items.index(what[1])]
            if abs(stats["dont_know_share"] * n - dk.sum()) > 1e-6:
                return None
        return rows

    def _figure(self, wave: Wave, what: tuple[str, ...], d: str, frame: str, s: Mask, stat: str, value: float,
                keyed: np.ndarray, row: Callable[[Space, np.ndarray, str, float], None]) -> bool | None:
        survey, n = wave.survey, int(s.sum())
        m = keyed.shape[1]
        j = wave.dim_items[d].index(wave.items.index(what[1])) if what[0] == "item" else None

        def close(a: float, b: float) -> bool:
            return abs(a - b) <= 1e-6 * max(1.0, abs(b))

        if what[0] == "dimension":
            weights = wave.weights(d, frame)
            scores = wave.score(d, frame)
            if stat == "mean":
                if not close(value * n, float(np.nansum(scores[s]))):
                    return None
                coef = np.rint(weights * SCALE).astype(np.int64) * s[:, None]
                row(("V", survey, d, frame), coef, "score", value * n * SCALE)
                return True
            if stat in ("sd", "ci_low", "ci_high"):
                if stat == "ci_high" or n < 2:
                    return True  # read with ci_low
                x = scores[s]
                sd = float(np.std(x, ddof=1))
                expected = sd if stat == "sd" else float(x.mean() - st.t.ppf(0.975, n - 1) * sd / np.sqrt(n))
                if not close(value, expected):
                    return None
                row(("simple", survey, "sq", d, frame), s.astype(np.int64), "simple", float((x ** 2).sum()))
                return True
            if stat.startswith("scoreval:"):
                target = float(stat.split(":", 1)[1])
                hit = s & (np.abs(scores - target) < 1e-9)
                if int(hit.sum()) != round(value):
                    return None
                row(("simple", survey, "scoreval", d, frame, round(target, 9)), s.astype(np.int64), "simple", value)
                return True
            if stat in ("fav_share", "unfav_share"):
                top, bottom = wave.cuts(d)
                good = keyed >= top[None, :] if stat == "fav_share" else keyed <= bottom[None, :]
                answered = ~np.isnan(keyed) & s[:, None]
                total = int(answered.sum())
                if total == 0 or not close(value * total, float((good & answered).sum())):
                    return None
                space = ("FAV" if stat == "fav_share" else "UNFAV", survey, d, frame)
                row(space, answered.astype(np.int64), "pooled", value * total)
                return True
            if stat == "n_answers":
                answered = ~np.isnan(keyed) & s[:, None]
                return True if int(answered.sum()) == round(value) else None
            return True
        # an item
        x = keyed[:, j]
        raw = wave.raw(frame)[:, wave.items.index(what[1])]
        coef = np.zeros((wave.n, m), dtype=np.int64)
        coef[s, j] = 1
        if stat in ("mean", "mean_keyed"):
            values = raw if stat == "mean" else x
            if np.isnan(values[s]).any() or not close(value * n, float(values[s].sum())):
                return None
            keyed_sum = value * n if stat == "mean_keyed" or not wave.reverse[wave.items.index(what[1])] \
                else wave.ends[wave.items.index(what[1])] * n - value * n
            row(("V", survey, d, frame), coef * SCALE, f"item:{j}", keyed_sum * SCALE)
            return True
        if stat in ("ci_low", "ci_high"):
            if stat == "ci_high" or n < 2:
                return True
            v = raw[s]
            half = float(st.t.ppf(0.975, n - 1) * np.std(v, ddof=1) / np.sqrt(n))
            if not close(value, float(v.mean()) - half):
                return None
            row(("simple", survey, "sqitem", what[1], frame), s.astype(np.int64), "simple", float((v ** 2).sum()))
            return True
        if stat in ("fav_share", "unfav_share"):
            top, bottom = wave.cuts(d)
            good = (x >= top[j]) if stat == "fav_share" else (x <= bottom[j])
            if not close(value * n, float((good & s).sum())):
                return None
            space = ("FAV" if stat == "fav_share" else "UNFAV", survey, d, frame)
            row(space, coef, f"item:{j}", value * n)
            return True
        if stat.startswith("point:"):
            v = float(stat.split(":", 1)[1])
            if int((s & (raw == v)).sum()) != round(value):
                return None
            row(("simple", survey, "point", what[1], frame, v), s.astype(np.int64), "simple", value)
            return True
        return True

