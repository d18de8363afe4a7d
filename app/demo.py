"""A demo organisation with realistic synthetic survey data, so a new user sees real reports at once.

"Gemeente Zuidhaven", a mid-sized Dutch municipality: three directorates, nine departments, twenty teams, two
waves of the built-in questionnaire (its newest version, with the outcome scale "knowledge sharing and learning"
that the driver report explains): last year's, closed, and this year's, closed after three weeks (its figures
published) and reopened for a last week, so that the links it prints can be tried: their answers wait for the next
close before they count in the figures. The answers come from a simple
generative model with the patterns the product is meant to reveal: leaders rate the culture higher than their
people do (the higher the layer, the larger the gap), teams differ, the desired culture lies above the current one,
openness improved between the waves, and knowledge sharing leans most on openness, then collegiality and personal
initiative. Last year's wave has the action plan that followed it (so this year's trend shows each action's unit
before and after), this year's the start of a new one.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import sealing
from app.actions.models import Action, ActionStatus
from app.auth import service as auth_service
from app.auth.models import Role
from app.db import get_sessionmaker, utcnow
from app.invitations.models import Invitation, UsedToken
from app.invitations.service import hash_token, new_token
from app.invitations.used import used_key
from app.orgs import service as org_service
from app.orgs.models import Layer, Organisation
from app.questionnaires.service import QuestionnaireDefinition, builtin_questionnaire_id, load_definition
from app.responses.codec import pack
from app.responses.models import Response
from app.surveys.models import Survey, SurveyStatus
from app.units.models import Unit

STRUCTURE = {
    "Directie Ruimte": {
        "Wonen": ["Team Wonen Noord", "Team Wonen Zuid"],
        "Klimaatadaptatie": ["Team Water", "Team Groen"],
        "Vergunningen": ["Team Omgevingsvergunningen", "Team Toezicht"],
    },
    "Directie Sociaal Domein": {
        "Jeugd": ["Team Jeugd Oost", "Team Jeugd West"],
        "Opvang en Integratie": ["Team Vluchtelingenopvang", "Team Inburgering"],
        "Werk en Inkomen": ["Team Participatie", "Team Uitkeringen"],
    },
    "Directie Bedrijfsvoering": {
        "Digitalisering": ["Team Data", "Team Applicaties", "Team Informatiebeveiliging"],
        "HR": ["Team HR-advies", "Team Leren en Ontwikkelen"],
        "Financien": ["Team Control"],
    },
}
# employees: a team too small to show, as real ones are (and its sibling hidden so that it can't be subtracted)
SMALL_TEAMS = {"Team Water": 2}
DEPARTMENT_STAFF: dict[str, int] = {}  # employees attached to the department itself (its own group stays there)
BOARD_UNIT = "Bestuur en Directieraad"
DIMENSION_MEANS = {"openness": 3.3, "collegiality": 3.8, "transparency": 2.9, "diversity": 3.5,
                   "personal_initiative": 3.2}
DESIRED_GAP = {"openness": 0.9, "collegiality": 0.4, "transparency": 1.1, "diversity": 0.6,
               "personal_initiative": 0.8}
# The outcome scale (knowledge sharing and learning, version 2 of the built-in questionnaire) leans on the culture
# a person reports: these weights of their dimension scores (openness first), plus noise of its own. Drawn from a
# generator of its own, so the culture answers (and every figure of them) are what they were before the outcome.
OUTCOME_WEIGHTS = {"openness": 0.45, "collegiality": 0.3, "transparency": 0.1, "diversity": 0.05,
                   "personal_initiative": 0.25}
OUTCOME_SEED = 16
# (wave, unit name or None for the whole organisation, dimension, title, owner, status)
PLAN = [
    ("Meting 2025", None, "openness", "Leiderschapsprogramma: fouten bespreekbaar maken", "Directieraad",
     ActionStatus.done),
    ("Meting 2025", "Directie Ruimte", "transparency", "Besluiten van de directie toelichten in elk teamoverleg",
     "Directeur Ruimte", ActionStatus.done),
    ("Meting 2025", "Team Jeugd Oost", "collegiality", "Maandelijkse leerlunch: casussen delen",
     "Teamleider Jeugd Oost", ActionStatus.in_progress),
    ("Meting 2026", "Directie Sociaal Domein", "knowledge_sharing", "Intervisie voor teamleiders",
     "Afdeling HR", ActionStatus.planned),
]
LAYER_BIAS = {"executive_board": 0.8, "director": 0.6, "department_head": 0.45, "team_leader": 0.3, "employee": 0.0}


@dataclass
class Seat:
    unit_id: uuid.UUID
    layer_id: uuid.UUID
    layer_key: str
    team_effect: np.ndarray  # per dimension


def load_demo(*, only_if_empty: bool, key_file: str | None = None, base_url: str = "", seed: int = 2026) -> None:
    with get_sessionmaker().begin() as session:
        if only_if_empty and session.scalar(select(func.count()).select_from(Organisation)):
            print("the database already holds data: no demo loaded")
            return
        lines = build_demo(session, np.random.default_rng(seed), base_url)
    text = "\n".join(lines) + "\n"
    if not key_file:  # with a key file, its reader (`make run`) prints it, every time
        print(text)
    else:
        path = Path(key_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o600)


def build_demo(session: Session, rng: np.random.Generator, base_url: str = "") -> list[str]:
    organisation = org_service.create_organisation(session, name="Gemeente Zuidhaven (demo)")
    layers = {layer.key: layer for layer in session.scalars(select(Layer).where(
        Layer.organisation_id == organisation.id))}
    definition = load_definition(session, builtin_questionnaire_id(session))
    seats, ruimte_id = _build_units(session, organisation, layers, rng)
    now = utcnow()
    waves = [
        ("Meting 2025", SurveyStatus.closed, now - timedelta(days=380), {"openness": 0.0}),
        ("Meting 2026", SurveyStatus.open, now - timedelta(days=24), {"openness": 0.25, "transparency": 0.15}),
    ]
    links: list[str] = []
    outcome_rng = np.random.default_rng(OUTCOME_SEED)
    for title, status, opened, improvement in waves:
        closed = opened + timedelta(days=21)
        survey = Survey(organisation_id=organisation.id, questionnaire_id=definition.id, title=title,
                        languages=list(definition.languages), ask_desired=True, min_group_size=5, status=status,
                        opened_at=opened, closed_at=closed if status is SurveyStatus.closed else None,
                        published_at=closed, key_fingerprint=sealing.fingerprint())  # its used tokens' key
        session.add(survey)
        session.flush()
        _answer(session, survey, definition, seats, improvement, rng, outcome_rng)
        if status is SurveyStatus.open:
            links = _spare_invitations(session, survey, seats[-1])
        _plan(session, survey, opened + timedelta(days=22))  # the day after the figures were published
    _, platform = auth_service.create_key(session, role=Role.platform_admin, name="demo platform admin")
    _, admin = auth_service.create_key(session, role=Role.org_admin, name="demo admin",
                                       organisation_id=organisation.id)
    _, analyst = auth_service.create_key(session, role=Role.analyst, name="demo: head of Directie Ruimte",
                                         organisation_id=organisation.id, unit_id=ruimte_id)
    return [
        f"Demo organisation: {organisation.name} (id {organisation.id})",
        f"Platform admin key (all organisations): {platform}",
        f"Organisation admin key:                 {admin}",
        f"Analyst key for Directie Ruimte only:   {analyst}",
        "Try the respondent's form (each link works once):",
        *[f"  {base_url}{link}" for link in links],
    ]


def _plan(session: Session, survey: Survey, planned: datetime) -> None:
    units = {u.name: u.id for u in session.scalars(select(Unit).where(
        Unit.organisation_id == survey.organisation_id))}
    for wave, unit, dimension, title, owner, status in PLAN:
        if wave == survey.title:
            session.add(Action(organisation_id=survey.organisation_id, survey_id=survey.id,
                               unit_id=units[unit] if unit else None, dimension_key=dimension, title=title,
                               owner_name=owner, due_date=(planned + timedelta(days=150)).date(), status=status,
                               notes="", created_at=planned, updated_at=planned))


def _build_units(session: Session, organisation: Organisation, layers: dict[str, Layer],
                 rng: np.random.Generator) -> tuple[list[Seat], uuid.UUID]:
    def unit(name: str, parent: Unit | None) -> Unit:
        u = Unit(organisation_id=organisation.id, name=name, parent_id=parent.id if parent else None)
        session.add(u)
        session.flush()
        return u

    def seats(u: Unit, layer: str, n: int, effect: np.ndarray) -> list[Seat]:
        return [Seat(u.id, layers[layer].id, layer, effect)] * n

    dims = len(DIMENSION_MEANS)
    board = unit(BOARD_UNIT, None)
    out = seats(board, "executive_board", 5, np.zeros(dims)) + seats(board, "director", 3, np.zeros(dims))
    ruimte_id = board.id
    for directorate_name, departments in STRUCTURE.items():
        directorate = unit(directorate_name, None)
        if directorate_name == "Directie Ruimte":
            ruimte_id = directorate.id
        directorate_effect = rng.normal(0, 0.15, dims)
        for department_name, teams in departments.items():
            department = unit(department_name, directorate)
            out += seats(department, "department_head", int(rng.integers(2, 4)), directorate_effect)
            for team_name in teams:
                team = unit(team_name, department)
                effect = directorate_effect + rng.normal(0, 0.3, dims)
                out += seats(team, "team_leader", int(rng.integers(1, 3)), effect)
                employees = int(rng.integers(8, 23))
                out += seats(team, "employee", SMALL_TEAMS.get(team_name, employees), effect)
    return out, ruimte_id


def _answer(session: Session, survey: Survey, definition: QuestionnaireDefinition, seats: list[Seat],
            improvement: dict[str, float], rng: np.random.Generator, outcome_rng: np.random.Generator) -> None:
    dims = list(DIMENSION_MEANS)
    culture = [j for j, i in enumerate(definition.items) if i.dimension_key in DIMENSION_MEANS]
    outcome = [j for j, i in enumerate(definition.items) if i.dimension_key not in DIMENSION_MEANS]
    item_dim = np.array([dims.index(definition.items[j].dimension_key) for j in culture])
    reverse = np.array([definition.items[j].reverse for j in culture])
    outcome_reverse = np.array([definition.items[j].reverse for j in outcome], dtype=bool)
    weights = np.array([OUTCOME_WEIGHTS[d] for d in dims])
    lo, hi = definition.scale_min, definition.scale_max
    base = np.array([DIMENSION_MEANS[d] + improvement.get(d, 0.0) for d in dims])
    gap = np.array([DESIRED_GAP[d] for d in dims])
    responders = [s for s in seats if rng.random() < 0.78]
    for seat in responders:
        person = rng.normal(0, 0.45)
        latent = base + seat.team_effect + LAYER_BIAS[seat.layer_key] + person
        current = _items(latent[item_dim], reverse, lo, hi, rng)
        desired = _items(np.maximum(latent, base + gap)[item_dim] + 0.2, reverse, lo, hi, rng)
        if outcome:
            keyed = np.array([np.nan if v is None else (lo + hi - v if r else v)
                              for v, r in zip(current, reverse, strict=True)], dtype=float)
            scores = np.array([np.nanmean(keyed[item_dim == d]) for d in range(len(dims))])
            lean = float(np.nansum(weights * (scores - base))) + outcome_rng.normal(0, 0.35)
            shared = np.full(len(outcome), 3.4 + lean)
            current = _merge(current, _items(shared, outcome_reverse, lo, hi, outcome_rng), culture, outcome)
            desired = _merge(desired, _items(shared + 0.6, outcome_reverse, lo, hi, outcome_rng), culture, outcome)
        session.add(Response(survey_id=survey.id, unit_id=seat.unit_id, layer_id=seat.layer_id, language="nl",
                             source="web", current=pack(current), desired=pack(desired), published=True))
        used = hash_token(new_token())  # as a submission leaves it: the invitation, and its used token apart
        session.add(Invitation(survey_id=survey.id, unit_id=seat.unit_id, layer_id=seat.layer_id, token_hash=used))
        session.add(UsedToken(key=used_key(used), survey_id=survey.id, unit_id=seat.unit_id, layer_id=seat.layer_id))
    for seat in seats:  # the rest of the invitations went unanswered
        if rng.random() < 0.22:
            session.add(Invitation(survey_id=survey.id, unit_id=seat.unit_id, layer_id=seat.layer_id,
                                   token_hash=hash_token(new_token())))
    session.flush()


def _merge(culture_answers: list[int | None], outcome_answers: list[int | None], culture: list[int],
           outcome: list[int]) -> list[int | None]:
    out: list[int | None] = [None] * (len(culture) + len(outcome))
    for j, v in zip(culture, culture_answers, strict=True):
        out[j] = v
    for j, v in zip(outcome, outcome_answers, strict=True):
        out[j] = v
    return out


def _items(latent: np.ndarray, reverse: np.ndarray, lo: int, hi: int, rng: np.random.Generator) -> list[int | None]:
    raw = np.clip(np.rint(latent + rng.normal(0, 0.6, latent.shape)), lo, hi)
    raw = np.where(reverse, lo + hi - raw, raw)
    missing = rng.random(latent.shape) < 0.03
    return [None if m else int(v) for v, m in zip(raw, missing, strict=True)]


def _spare_invitations(session: Session, survey: Survey, seat: Seat) -> list[str]:
    tokens = [new_token() for _ in range(3)]
    for token in tokens:
        session.add(Invitation(survey_id=survey.id, unit_id=seat.unit_id, layer_id=seat.layer_id,
                               token_hash=hash_token(token)))
    session.flush()
    return [f"/respond#{token}" for token in tokens]
