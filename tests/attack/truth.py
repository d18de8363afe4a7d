"""The attacker's ground truth of one wave as arrays: who answered what, and the respondent sets a figure may rest
on (the candidates `tests.attack.resolve` tries, by matching every published figure against these values)."""

import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from tests.attack.world import QUESTIONS, Person, World

Mask = npt.NDArray[np.bool_]
Frame = str  # "current" | "desired"


@dataclass(eq=False)
class Wave:
    world: World
    survey: str
    people: list[Person]
    _masks: dict[tuple[object, ...], Mask] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.people)

    @cached_property
    def items(self) -> list[str]:
        return [i.key for i in self.world.items]

    @cached_property
    def dim_items(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for j, item in enumerate(self.world.items):
            out.setdefault(item.dimension, []).append(j)
        return out

    @cached_property
    def reverse(self) -> npt.NDArray[np.bool_]:
        return np.array([i.reverse for i in self.world.items])

    def _frame(self, frame: Frame) -> tuple[npt.NDArray[np.float64], Mask]:
        raw = np.full((self.n, len(self.items)), np.nan)
        dont_know = np.zeros((self.n, len(self.items)), dtype=bool)
        for r, p in enumerate(self.people):
            answers = p.current if frame == "current" else (p.desired or {})
            for j, key in enumerate(self.items):
                a = answers.get(key)
                if a == "dont_know":
                    dont_know[r, j] = True
                elif a is not None:
                    raw[r, j] = float(a)
        return raw, dont_know

    @cached_property
    def frames(self) -> dict[Frame, tuple[npt.NDArray[np.float64], Mask]]:
        frames = ["current", "desired"] if self.world.ask_desired else ["current"]
        return {f: self._frame(f) for f in frames}

    def raw(self, frame: Frame) -> npt.NDArray[np.float64]:
        """Answers as ticked (NaN: blank or "don't know")."""
        return self.frames[frame][0]

    def keyed(self, frame: Frame) -> npt.NDArray[np.float64]:
        raw = self.raw(frame)
        return np.where(self.reverse[None, :], self.ends[None, :] - raw, raw)

    @cached_property
    def ends(self) -> npt.NDArray[np.float64]:
        """Per item, min + max of its scale (reverse keying: min + max - answer)."""
        return np.array([float(i.low + i.high) for i in self.world.items])

    def cuts(self, d: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Per statement of the dimension, the lowest favourable and the highest unfavourable keyed answer: the top
        and bottom two options of its scale (one on scales of fewer than four points)."""
        items = [self.world.items[j] for j in self.dim_items[d]]
        tops = [2 if i.high - i.low + 1 >= 4 else 1 for i in items]
        return (np.array([i.high - t + 1 for i, t in zip(items, tops, strict=True)], dtype=np.float64),
                np.array([i.low + t - 1 for i, t in zip(items, tops, strict=True)], dtype=np.float64))

    def dont_know(self, frame: Frame = "current") -> Mask:
        return self.frames[frame][1]

    def answered(self, frame: Frame) -> Mask:
        return ~np.isnan(self.raw(frame))

    def complete(self, d: str, frame: Frame) -> Mask:
        return self.answered(frame)[:, self.dim_items[d]].all(axis=1)

    def half(self, d: str, frame: Frame) -> Mask:
        """At least half of the dimension's items answered (the scoring rule before one set per dimension)."""
        items = self.dim_items[d]
        return self.answered(frame)[:, items].sum(axis=1) * 2 >= len(items)

    def score(self, d: str, frame: Frame) -> npt.NDArray[np.float64]:
        """Mean keyed answer over the answered items of the dimension (NaN: none)."""
        keyed = self.keyed(frame)[:, self.dim_items[d]]
        count = (~np.isnan(keyed)).sum(axis=1)
        return np.where(count > 0, np.nansum(keyed, axis=1) / np.maximum(count, 1), np.nan)

    def weights(self, d: str, frame: Frame) -> npt.NDArray[np.float64]:
        """Per respondent and item of the dimension, the weight of the keyed answer in the respondent's score."""
        answered = self.answered(frame)[:, self.dim_items[d]]
        count = answered.sum(axis=1, keepdims=True)
        return np.where(answered, 1.0 / np.maximum(count, 1), 0.0)

    @cached_property
    def units(self) -> npt.NDArray[np.object_]:
        return np.array([p.unit for p in self.people], dtype=object)

    @cached_property
    def layers(self) -> npt.NDArray[np.object_]:
        return np.array([p.layer for p in self.people], dtype=object)

    @cached_property
    def languages(self) -> npt.NDArray[np.object_]:
        return np.array([p.language for p in self.people], dtype=object)

    @cached_property
    def moments(self) -> npt.NDArray[np.int64]:
        return np.array([p.moment for p in self.people], dtype=np.int64)

    @cached_property
    def questions(self) -> list[str]:
        return list(QUESTIONS)

    @cached_property
    def commented(self) -> Mask:
        """Per respondent and open question: answered it (a comment)."""
        return np.array([[q in p.comments for q in self.questions] for p in self.people], dtype=bool).reshape(
            self.n, len(self.questions))

    def texts(self, s: Mask, questions: list[int]) -> list[str]:
        """The comments of the respondents in `s` to these questions, sorted."""
        return sorted(self.people[r].comments[self.questions[q]] for r in np.nonzero(s)[0] for q in questions
                      if self.questions[q] in self.people[r].comments)

    @cached_property
    def themed(self) -> dict[str, npt.NDArray[np.int64]]:
        """Per theme, per respondent: how many of their comments mention one of its keywords (the published lists,
        `GET .../comment-settings`: the start of a word, any case, any language)."""
        out = {}
        for theme, by_lang in self.world.themes.items():
            words = sorted({w.casefold() for ws in by_lang.values() for w in ws}, key=len, reverse=True)
            pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)
            out[theme] = np.array([sum(bool(pattern.search(t)) for t in p.comments.values()) for p in self.people],
                                  dtype=np.int64)
        return out

    @cached_property
    def attributes(self) -> npt.NDArray[np.int64]:
        """Per respondent, a code of (unit, layer, language): the atoms of the groups whose size is protected."""
        index: dict[tuple[str, str, str], int] = {}
        return np.array([index.setdefault((p.unit, p.layer, p.language), len(index)) for p in self.people],
                        dtype=np.int64)


def waves_of(world: World) -> dict[str, Wave]:
    return {s: Wave(world, s, [p for p in world.people if p.wave == s]) for s in world.waves}


def straight_lining(wave: Wave) -> tuple[Mask, Mask]:
    """(eligible, flat) as the data-quality report defines them, on the answers that count (one set per
    dimension: an incomplete dimension's answers are left out), the same option counted from the bottom of each
    item's own scale."""
    raw = wave.raw("current") - np.array([float(i.low) for i in wave.world.items])[None, :]
    for d in wave.dim_items:
        items = wave.dim_items[d]
        raw[np.ix_(~wave.complete(d, "current"), items)] = np.nan
    answered = ~np.isnan(raw)
    dims = sum(answered[:, items].any(axis=1).astype(int) for items in wave.dim_items.values())
    eligible = (answered.sum(axis=1) >= 10) & (dims >= 2)
    with np.errstate(invalid="ignore"):
        flat = eligible & (np.nanmax(np.where(answered, raw, -np.inf), axis=1)
                           == np.nanmin(np.where(answered, raw, np.inf), axis=1))
    return eligible, flat
