"""Random organisations for the attacker, made through the real API, with the ground truth kept on the side.

A world is one organisation: a board unit and directorates whose branches reach depth 2 to 4 (sometimes departments
and sections, then teams), many small cells (1 to 4 employees a team, a team leader or not, 0 to 2 heads at inner units,
directors, the board), answers in Dutch and English with "don't know", blank statements, dimensions left out and
desired frames left blank, comments on two open questions (most people answer one or both; the texts mention a
theme's keywords now and then, and are unique so the attacker knows whose each is; the comment threshold is k in the
earlier wave, where it shows the most, and above k in the later one, where the comments count with their own
roll-up), and two waves: an earlier one, closed, and a later one. Every response is submitted with an
invitation's token, as a respondent would (the answering language only comes that way).

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
            else:
                value = min(5, max(1, round(3 + lean + rng.gauss(0, 0.9))))
                out[item.key] = 6 - value if item.reverse else value
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


def make_world(platform: httpx.Client, base_url: str, http: httpx.Client, seed: int) -> World:
    """A random organisation with two waves of responses, both closed (so published); the attack then reopens
    the later one and adds responses (`tests.attack.run`)."""
    rng = random.Random(seed)
    org = new_organisation(platform, base_url)
    definition = builtin_questionnaire(org, version=None)  # the newest: with the outcome scale (driver report)
    items = [Item(i["key"], d["key"], bool(i["reverse"])) for d in definition["dimensions"] for i in d["items"]]
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
