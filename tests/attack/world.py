"""Random organisations for the attacker, made through the real API, with the ground truth kept on the side.

A world is one organisation: a board unit and directorates whose branches reach depth 2 to 4 (sometimes departments
and sections, then teams), many small cells (1 to 4 employees a team, a team leader or not, 0 to 2 heads at inner units,
directors, the board), answers in Dutch and English with "don't know", blank statements, dimensions left out and
desired frames left blank, comments on two open questions (most people answer one or both; the texts mention a
theme's keywords now and then, and are unique so the attacker knows whose each is; the comment threshold is k in the
earlier wave, where it shows the most, and above k in the later one, where the comments count with their own
roll-up), and two waves: an earlier one, closed, and a later one. Every response is submitted with an
invitation's token, as a respondent would (the answering language only comes that way). With `mixed_scales` the
organisation answers a custom copy of the built-in questionnaire whose dimensions have scales of their own (0..4
and 1..7 beside 1..5), so the figures that set dimensions side by side as a share of each scale (POMP: readiness,
focus areas, desired-gap ranks) are published and read too (docs/scales.md).

The attacker knows who gave which answer (`Person`); the service never learns that link, and the attack never asks
it for anything it would not show any key holder.
"""

import random
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx

from tests.factories import OrgContext, new_organisation
from tests.respond_factories import invite, submit
from tests.survey_factories import builtin_questionnaire, create_survey

Answer = int | str | None  # a scale point, "dont_know", or None (blank)
LAYERS = ["executive_board", "director", "department_head", "team_leader", "employee"]
QUESTIONS = {"share_knowledge": {"en": "What would help most to share knowledge in your team?",
                                 "nl": "Wat zou het meest helpen om kennis te delen in je team?"},
             "learn_more": {"en": "What keeps you from applying what you learned?",
                            "nl": "Wat houdt je tegen om toe te passen wat je leerde?"}}
# words of comments: some are theme keywords of the defaults (app.comments.themes), some of none
WORDS = ["open", "feedback", "colleague", "together", "information", "decision", "background", "idea", "freedom",
         "veilig", "samen", "uitleg", "cultuur", "ruimte", "coffee", "lunch", "weather", "koffie", "planning"]


@dataclass(frozen=True)
class Item:
    key: str
    dimension: str
    reverse: bool
    low: int = 1  # the item's scale: its dimension's own, or the questionnaire's
    high: int = 5


@dataclass
class Person:
    """One response as the attacker knows it. `moment`: the step of the story it was submitted in (0, 1: the
    first closed publication of a wave; later moments: added after it, see `World.add`)."""

    wave: str
    unit: str
    layer: str
    language: str
    current: dict[str, Answer]
    desired: dict[str, Answer] | None
    moment: int
    comments: dict[str, str] = field(default_factory=dict)  # open question -> text (unique)


@dataclass
class World:
    org: OrgContext
    k: int
    ask_desired: bool
    items: list[Item]
    units: dict[str, tuple[str, str | None]]  # id -> (name, parent id)
    board: str
    waves: list[str] = field(default_factory=list)  # survey ids, oldest first
    comment_thresholds: dict[str, int] = field(default_factory=dict)  # per wave: k, then above k
    themes: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # as the comment settings publish them
    people: list[Person] = field(default_factory=list)
    rng: random.Random = field(default_factory=random.Random)
    # how often a person leaves a dimension out, a statement blank, or chooses "don't know" (per statement)
    skip_rate: ClassVar[float] = 0.06
    blank_rate: ClassVar[float] = 0.04
    dont_know_rate: ClassVar[float] = 0.04

    @property
    def dimensions(self) -> list[str]:
        return list(dict.fromkeys(i.dimension for i in self.items))

    def children(self, unit: str | None) -> list[str]:
        return [u for u, (_, parent) in self.units.items() if parent == unit]

    def path(self, unit: str) -> list[str]:
        out: list[str] = []
        at: str | None = unit
        while at is not None:
            out.insert(0, self.units[at][0])
            at = self.units[at][1]
        return out

    def path_units(self, unit: str) -> list[str]:
        """The unit and its ancestors, top first."""
        out: list[str] = []
        at: str | None = unit
        while at is not None:
            out.insert(0, at)
            at = self.units[at][1]
        return out

    def subtree(self, unit: str | None) -> list[str]:
        out = [] if unit is None else [unit]
        for child in self.children(unit):
            out += self.subtree(child)
        return out

    def leaves(self) -> list[str]:
        return [u for u in self.units if not self.children(u)]

    # --------------------------------------------------------------------------------------------- answering

    def answers(self, lean: float, *, blank_frame: bool = False) -> dict[str, Answer]:
        """One frame's answers: a latent lean per person, "don't know" and blanks now and then, and sometimes a
        whole dimension left out."""
        rng = self.rng
        if blank_frame:
            return dict.fromkeys((i.key for i in self.items), None)
        skipped = {d for d in self.dimensions if rng.random() < self.skip_rate}
        out: dict[str, Answer] = {}
        for item in self.items:
            roll = rng.random()
            if item.dimension in skipped or roll < self.blank_rate:
                out[item.key] = None
            elif roll < self.blank_rate + self.dont_know_rate:
                out[item.key] = "dont_know"
            else:  # lean and noise in quarters of the item's range (points on 1..5)
                step = (item.high - item.low) / 4
                value = min(item.high, max(item.low, round((item.low + item.high) / 2
                                                           + (lean + rng.gauss(0, 0.9)) * step)))
                out[item.key] = item.low + item.high - value if item.reverse else value
        return out

    def person(self, wave: str, unit: str, layer: str, moment: int) -> Person:
        rng = self.rng
        lean = rng.gauss(0, 0.6)
        desired = None
        if self.ask_desired:
            desired = self.answers(lean + 0.7, blank_frame=rng.random() < 0.15)
        return Person(wave, unit, layer, "nl" if rng.random() < 0.65 else "en", self.answers(lean), desired, moment,
                      self.comments())

    def comments(self) -> dict[str, str]:
        """Answers to the open questions: each left blank now and then; a few words, and a unique tag."""
        rng = self.rng
        out = {}
        for key in QUESTIONS:
            if rng.random() < 0.7:
                words = rng.sample(WORDS, rng.randint(1, 3))
                tag = "z" + "".join(rng.choice("bcdfghjklmnpqrstvwx") for _ in range(8))
                out[key] = f"{' '.join(words).capitalize()} ({tag})"
        return out

    def submit(self, http: httpx.Client, people: list[Person]) -> None:
        """Invite and submit `people` (one invitation per person, grouped per unit and layer)."""
        by_cell: dict[tuple[str, str, str], list[Person]] = {}
        for p in people:
            by_cell.setdefault((p.wave, p.unit, p.layer), []).append(p)
        for (wave, unit, layer), group in by_cell.items():
            for token, p in zip(invite(self.org, wave, unit, count=len(group), layer=layer), group, strict=True):
                current = {k: v for k, v in p.current.items() if v is not None}
                desired = {k: v for k, v in (p.desired or {}).items() if v is not None}
                response = submit(http, token, current, desired or None, language=p.language,
                                  comments=p.comments)
                assert response.status_code == 201, response.text
        self.people += people

    def action(self, wave: str, name: str) -> dict[str, Any]:
        response = self.org.admin.post(f"{self.org.prefix}/surveys/{wave}/{name}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def population(self, wave: str, moment: int) -> list[Person]:
        """A wave's respondents: the board, directors, heads at inner units, team leaders and 1 to 4 employees per
        team, and now and then an employee attached to an inner unit."""
        rng = self.rng
        people = [self.person(wave, self.board, "executive_board", moment) for _ in range(rng.randint(1, 3))]
        people += [self.person(wave, self.board, "director", moment) for _ in range(rng.randint(0, 1))]
        for unit in self.units:
            if unit == self.board:
                continue
            depth = len(self.path(unit))
            if self.children(unit):
                layer = "director" if depth == 1 else "department_head"
                people += [self.person(wave, unit, layer, moment) for _ in range(rng.choice([0, 1, 1, 2]))]
                if rng.random() < 0.2:
                    people.append(self.person(wave, unit, "employee", moment))
            else:
                people += [self.person(wave, unit, "team_leader", moment) for _ in range(rng.choice([0, 1, 1]))]
                people += [self.person(wave, unit, "employee", moment) for _ in range(rng.randint(1, 4))]
        return people


def _tree(org: OrgContext, rng: random.Random) -> tuple[dict[str, tuple[str, str | None]], str]:
    """Top-level units: the board, and 1 to 3 directorates whose branches reach depth 2 to 4 (teams at the
    bottom)."""
    units: dict[str, tuple[str, str | None]] = {}

    def add(kind: str, parent: str | None) -> str:
        name = f"{kind}{len(units) + 1}"
        units[org.unit(name, parent)] = (name, parent)
        return next(reversed(units))

    board = add("Board", None)
    depth = rng.randint(2, 4)

    def grow(parent: str | None, level: int) -> None:
        for _ in range(rng.randint(1, 3) if level > 1 else rng.randint(1, 2)):
            if level >= 2 and (level >= depth or rng.random() < 0.3):
                add("Team", parent)
            else:
                grow(add(["Dir", "Dept", "Sect"][level - 1], parent), level + 1)

    grow(None, 1)
    return units, board


# Own scales of the mixed-scale questionnaire's first two dimensions (each offers "don't know", as the built-in's do).
OWN_SCALES = [(0, 4), (1, 7)]


def mixed_scale_questionnaire(org: OrgContext, builtin: dict[str, Any]) -> dict[str, Any]:
    """The built-in questionnaire's dimensions and statements as the organisation's own questionnaire, its first
    dimensions answered on OWN_SCALES and the others on the built-in's 1..5: created through the API, read back."""
    dimensions = []
    for d, dim in enumerate(builtin["dimensions"]):
        body = {"key": dim["key"], "names": dim["names"], "outcome": bool(dim.get("outcome")),
                "items": [{"key": i["key"], "reverse": bool(i["reverse"]), "texts": i["texts"]} for i in dim["items"]]}
        if d < len(OWN_SCALES):
            low, high = OWN_SCALES[d]
            points = [str(v) for v in range(low, high + 1)]
            body["scale"] = {"min": low, "max": high, "labels": {lang: points for lang in builtin["languages"]},
                             "dont_know_label": builtin["dont_know_label"]}
        dimensions.append(body)
    created = org.admin.post(f"{org.prefix}/questionnaires", json={
        "key": "mixed-scales", "title": builtin["title"], "languages": builtin["languages"],
        "scale_min": builtin["scale_min"], "scale_max": builtin["scale_max"], "scale_labels": builtin["scale_labels"],
        "dont_know_label": builtin["dont_know_label"], "frame_labels": builtin["frame_labels"],
        "dimensions": dimensions})
    assert created.status_code == 201, created.text
    return dict(created.json())


def make_world(platform: httpx.Client, base_url: str, http: httpx.Client, seed: int, *,
               mixed_scales: bool = False) -> World:
    """A random organisation with two waves of responses, both closed (so published); the attack then reopens
    the later one and adds responses (`tests.attack.run`). `mixed_scales`: on a questionnaire whose dimensions
    have scales of their own."""
    rng = random.Random(seed)
    org = new_organisation(platform, base_url)
    definition = builtin_questionnaire(org, version=None)  # the newest: with the outcome scale (driver report)
    if mixed_scales:
        definition = mixed_scale_questionnaire(org, definition)
    items = [Item(i["key"], d["key"], bool(i["reverse"]), int(d["scale"]["min"]), int(d["scale"]["max"]))
             for d in definition["dimensions"] for i in d["items"]]
    units, board = _tree(org, rng)
    world = World(org, k=rng.choice([3, 4, 5]), ask_desired=rng.random() < 0.85, items=items, units=units,
                  board=board, rng=rng)
    for title in ("Earlier wave", "Later wave"):
        survey = create_survey(org, title=title, ask_desired=world.ask_desired, min_group_size=world.k,
                               questionnaire_id=definition["id"])
        world.waves.append(str(survey["id"]))
        settings = org.admin.put(f"{org.prefix}/surveys/{survey['id']}/comment-settings", json={
            "questions": [{"key": key, "texts": texts} for key, texts in QUESTIONS.items()],
            "threshold": world.k if title == "Earlier wave" else world.k + random.Random(f"T{seed}").randint(1, 4)})
        assert settings.status_code == 200, settings.text
        world.comment_thresholds[world.waves[-1]], world.themes = settings.json()["threshold"], \
            settings.json()["themes"]
        world.action(world.waves[-1], "open")
        world.submit(http, world.population(world.waves[-1], moment=0))
        world.action(world.waves[-1], "close")
    return world
