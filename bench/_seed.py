"""Seeding for the report benchmark: one organisation, a realistic unit tree, a custom 30-item questionnaire, two
survey waves with packed responses and invitations, loaded with PostgreSQL COPY.

The tree: an executive-board unit plus D directorates -> P departments -> T teams (leaves). Layers are the five
defaults, seated where they work: the board (8 people) in the board unit, 4 directors per directorate, 4 department
heads per department, 2 team leaders per team, and every other respondent an employee of a team. Team sizes vary
(log-normal), and about 2% of the teams are tiny (2-4 respondents), so the anonymity map has work to do.

Answers follow a simple generative model like the demo's: dimension means, a team effect, a layer bias (leaders
see more room than their people), a person effect and item noise on a 1..5 scale, one reverse-keyed item per
dimension, 3% missing, 1.5% "don't know", a desired frame above the current one, and 30% answering in English.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import psycopg
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.models import Role
from app.db import utcnow
from app.invitations.models import Invitation
from app.invitations.service import hash_token, new_token
from app.invitations.used import used_key
from app.orgs import service as org_service
from app.questionnaires import service as questionnaire_service
from app.questionnaires.schemas import QuestionnaireIn
from app.questionnaires.service import QuestionnaireDefinition, load_definition
from app.responses.codec import DONT_KNOW, MISSING
from app.surveys.models import Survey, SurveyStatus
from app.units.models import Unit

DIMENSIONS = {  # key: (en, nl, current mean, desired gap)
    "openness": ("Openness", "Openheid", 3.3, 0.9),
    "collegiality": ("Collegiality", "Collegialiteit", 3.8, 0.4),
    "transparency": ("Transparency", "Transparantie", 2.9, 1.1),
    "diversity": ("Diversity", "Diversiteit", 3.5, 0.6),
    "personal_initiative": ("Personal initiative", "Persoonlijk initiatief", 3.2, 0.8),
    "knowledge_sharing": ("Knowledge sharing", "Kennisdeling", 3.0, 1.0),
}
ITEMS_PER_DIMENSION = 5
LAYER_BIAS = {"executive_board": 0.8, "director": 0.6, "department_head": 0.45, "team_leader": 0.3, "employee": 0.0}
BOARD, DIRECTORS, HEADS, TEAM_LEADERS = 8, 4, 4, 2


@dataclass
class Seeded:
    organisation_id: uuid.UUID
    survey_id: uuid.UUID  # the latest wave (open: accepts the benchmark's own submissions)
    earlier_survey_id: uuid.UUID  # the earlier wave (closed), for the trend report
    admin_key: str
    tokens: list[str]  # unused invitations of the latest wave, for submissions through HTTP
    item_keys: list[str]
    respondents: int
    earlier_respondents: int
    units: int
    teams: int
    invitations: int
    layer_counts: dict[str, int] = field(default_factory=dict)


def questionnaire_in() -> QuestionnaireIn:
    dims = []
    for key, (en, nl, _, _) in DIMENSIONS.items():
        items = [{"key": f"{key}_{i + 1}", "reverse": i == ITEMS_PER_DIMENSION - 1,
                  "texts": {"en": f"{en}: statement {i + 1}.", "nl": f"{nl}: stelling {i + 1}."}}
                 for i in range(ITEMS_PER_DIMENSION)]
        dims.append({"key": key, "names": {"en": en, "nl": nl}, "items": items})
    return QuestionnaireIn.model_validate({
        "key": "learning-culture-30", "title": {"en": "Learning culture (30 items)", "nl": "Leercultuur (30 vragen)"},
        "languages": ["en", "nl"], "scale_min": 1, "scale_max": 5,
        "scale_labels": {"en": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"],
                         "nl": ["Zeer oneens", "Oneens", "Neutraal", "Eens", "Zeer eens"]},
        "dont_know_label": {"en": "Don't know", "nl": "Weet ik niet"},
        "frame_labels": {"en": {"current": "How it is now", "desired": "How it should be"},
                         "nl": {"current": "Zoals het nu is", "desired": "Zoals het zou moeten zijn"}},
        "dimensions": dims,
    })


@dataclass
class Population:
    unit_ids: np.ndarray  # per respondent: index into `units`
    layer_keys: np.ndarray  # per respondent: index into LAYER_BIAS keys
    team_of_unit: np.ndarray  # per unit index: row into the effect table


def _tree(session: Session, organisation_id: uuid.UUID, directorates: int, departments: int,
          teams: int) -> tuple[list[uuid.UUID], list[int], list[int], list[int], uuid.UUID]:
    """Units (ids; index 0 is the board) and the indexes of directorates, departments and teams."""
    ids: list[uuid.UUID] = []

    def add(name: str, parent: uuid.UUID | None) -> int:
        unit = Unit(id=uuid.uuid4(), organisation_id=organisation_id, name=name, parent_id=parent)
        session.add(unit)
        ids.append(unit.id)
        return len(ids) - 1

    add("Executive board", None)
    dirs = [add(f"Directorate {d + 1}", None) for d in range(directorates)]
    session.flush()
    depts = [add(f"Department {p + 1}", ids[dirs[p % directorates]]) for p in range(departments)]
    session.flush()
    team_idx = [add(f"Team {t + 1}", ids[depts[t % departments]]) for t in range(teams)]
    session.flush()
    return ids, dirs, depts, team_idx, ids[0]


def _seats(rng: np.random.Generator, n: int, dirs: list[int], depts: list[int],
           teams: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Per respondent: unit index and layer index (0 board .. 4 employee)."""
    units = [0] * BOARD + [d for d in dirs for _ in range(DIRECTORS)] + [p for p in depts for _ in range(HEADS)]
    layers = [0] * BOARD + [1] * (len(dirs) * DIRECTORS) + [2] * (len(depts) * HEADS)
    units += [t for t in teams for _ in range(TEAM_LEADERS)]
    layers += [3] * (len(teams) * TEAM_LEADERS)
    employees = n - len(units)
    if employees < len(teams):
        raise SystemExit(f"{n} respondents are too few for {len(teams)} teams")
    weights = rng.lognormal(0, 0.5, len(teams))
    tiny = rng.random(len(teams)) < 0.02
    fixed = np.where(tiny, rng.integers(2, 5, len(teams)), 0)
    sizes = np.where(tiny, fixed, 0)
    rest = employees - sizes.sum()
    share = np.where(tiny, 0.0, weights)
    sizes = sizes + np.floor(share / share.sum() * rest).astype(np.int64)
    sizes[np.flatnonzero(~tiny)[0]] += employees - sizes.sum()
    unit_idx = np.concatenate([np.array(units, dtype=np.int64), np.repeat(np.array(teams), sizes)])
    layer_idx = np.concatenate([np.array(layers, dtype=np.int64), np.full(employees, 4, dtype=np.int64)])
    order = rng.permutation(n)  # rows in no particular order, as submissions arrive
    return unit_idx[order], layer_idx[order]


def _answers(rng: np.random.Generator, unit_idx: np.ndarray, layer_idx: np.ndarray, unit_effect: np.ndarray,
             shift: float) -> tuple[np.ndarray, np.ndarray]:
    """Packed-answer codes (int8, respondents x items) for the current and the desired frame."""
    n, dims = len(unit_idx), len(DIMENSIONS)
    means = np.array([v[2] for v in DIMENSIONS.values()]) + shift
    gaps = np.array([v[3] for v in DIMENSIONS.values()])
    bias = np.array(list(LAYER_BIAS.values()))[layer_idx]
    latent = means + unit_effect[unit_idx] + bias[:, None] + rng.normal(0, 0.45, (n, 1))
    item_dim = np.repeat(np.arange(dims), ITEMS_PER_DIMENSION)
    reverse = np.tile(np.arange(ITEMS_PER_DIMENSION) == ITEMS_PER_DIMENSION - 1, dims)

    def frame(lat: np.ndarray) -> np.ndarray:
        raw = np.clip(np.rint(lat[:, item_dim] + rng.normal(0, 0.6, (n, len(item_dim)))), 1, 5)
        raw = np.where(reverse, 6 - raw, raw).astype(np.int8)
        u = rng.random(raw.shape)
        raw[u < 0.03] = MISSING
        raw[(u >= 0.03) & (u < 0.045)] = DONT_KNOW
        return raw

    current = frame(latent)
    desired = frame(np.maximum(latent, means + gaps) + 0.2)
    return current, desired


def _copy_responses(conn: psycopg.Connection, survey_id: uuid.UUID, unit_ids: list[uuid.UUID], unit_idx: np.ndarray,
                    layer_ids: list[uuid.UUID], layer_idx: np.ndarray, current: np.ndarray, desired: np.ndarray,
                    rng: np.random.Generator) -> None:
    english = rng.random(len(unit_idx)) < 0.3
    cur, des = current.tobytes(), desired.tobytes()
    width = current.shape[1]
    with conn.cursor() as cur_, cur_.copy("COPY responses (id, survey_id, unit_id, layer_id, language, source, "
                                          "current, desired, published) FROM STDIN") as copy:
        for r in range(len(unit_idx)):
            copy.write_row((uuid.uuid4(), survey_id, unit_ids[unit_idx[r]], layer_ids[layer_idx[r]],
                            "en" if english[r] else "nl", "web", cur[r * width:(r + 1) * width],
                            des[r * width:(r + 1) * width], True))


def _copy_invitations(conn: psycopg.Connection, survey_id: uuid.UUID, unit_ids: list[uuid.UUID],
                      unit_idx: np.ndarray, layer_ids: list[uuid.UUID], layer_idx: np.ndarray, answered: int) -> None:
    """One used invitation per response (with its used-token row, app.invitations.used) and unused ones for the
    rest (the token is random: nobody answers it)."""
    now = utcnow().isoformat()
    buf, used = io.StringIO(), io.StringIO()
    for r in range(len(unit_idx)):
        token_hash = f"{uuid.uuid4().hex}{uuid.uuid4().hex}"
        unit, layer = unit_ids[unit_idx[r]], layer_ids[layer_idx[r]]
        buf.write(f"{uuid.uuid4()}\t{survey_id}\t{unit}\t{layer}\t{token_hash}\t{now}\n")
        if r < answered:
            used.write(f"{used_key(token_hash)}\t{survey_id}\t{unit}\t{layer}\n")
    with conn.cursor() as cur:
        with cur.copy("COPY invitations (id, survey_id, unit_id, layer_id, token_hash, created_at) FROM STDIN") as copy:
            copy.write(buf.getvalue())
        with cur.copy("COPY used_tokens (key, survey_id, unit_id, layer_id) FROM STDIN") as copy:
            copy.write(used.getvalue())


def seed(session: Session, conn: psycopg.Connection, *, respondents: int, earlier_respondents: int, teams: int,
         directorates: int = 5, spare_tokens: int = 60, seed: int = 2026) -> Seeded:
    """Create everything; `session` (SQLAlchemy, for the services) is committed here, then `conn` COPYs the rows."""
    rng = np.random.default_rng(seed)
    organisation = org_service.create_organisation(session, name="Benchmark municipality")
    layers = {layer.key: layer.id for layer in org_service.list_layers(session, organisation)}
    layer_ids = [layers[k] for k in LAYER_BIAS]
    q = questionnaire_service.create_questionnaire(session, organisation, questionnaire_in())
    departments = max(directorates, teams // 20)
    unit_ids, dirs, depts, team_idx, _ = _tree(session, organisation.id, directorates, departments, teams)
    effect = np.zeros((len(unit_ids), len(DIMENSIONS)))
    dir_effect = rng.normal(0, 0.15, (directorates, len(DIMENSIONS)))
    for i, d in enumerate(dirs):
        effect[d] = dir_effect[i]
    for i, p in enumerate(depts):
        effect[p] = dir_effect[i % directorates] + rng.normal(0, 0.1, len(DIMENSIONS))
    for i, t in enumerate(team_idx):
        effect[t] = effect[depts[i % departments]] + rng.normal(0, 0.3, len(DIMENSIONS))
    now = utcnow()
    earlier = Survey(organisation_id=organisation.id, questionnaire_id=q.id, title="Wave 2025", languages=["en", "nl"],
                     ask_desired=True, min_group_size=5, status=SurveyStatus.closed,
                     opened_at=now - timedelta(days=380), closed_at=now - timedelta(days=350),
                     published_at=now - timedelta(days=350))
    # the latest wave was closed (its responses published) and reopened: the benchmark's own submissions wait
    # for its next close (`Bench.publish`)
    latest = Survey(organisation_id=organisation.id, questionnaire_id=q.id, title="Wave 2026", languages=["en", "nl"],
                    ask_desired=True, min_group_size=5, status=SurveyStatus.open, opened_at=now - timedelta(days=7),
                    published_at=now - timedelta(days=1))
    session.add_all([earlier, latest])
    session.flush()
    tokens = [new_token() for _ in range(spare_tokens)]
    for token in tokens:
        session.add(Invitation(survey_id=latest.id, unit_id=unit_ids[team_idx[0]], layer_id=layers["employee"],
                               token_hash=hash_token(token)))
    _, admin_key = auth_service.create_key(session, role=Role.org_admin, name="benchmark admin",
                                           organisation_id=organisation.id)
    definition: QuestionnaireDefinition = load_definition(session, q.id)
    session.commit()

    invitations = 0
    layer_counts: dict[str, int] = {}
    for survey, n, shift in ((earlier, earlier_respondents, 0.0), (latest, respondents, 0.15)):
        unit_idx, layer_idx = _seats(rng, n, dirs, depts, team_idx)
        current, desired = _answers(rng, unit_idx, layer_idx, effect, shift)
        _copy_responses(conn, survey.id, unit_ids, unit_idx, layer_ids, layer_idx, current, desired, rng)
        unanswered = rng.random(n) < 0.25  # a 80% response rate: 1 unused invitation per 4 responses
        inv_units = np.concatenate([unit_idx, unit_idx[unanswered]])
        inv_layers = np.concatenate([layer_idx, layer_idx[unanswered]])
        _copy_invitations(conn, survey.id, unit_ids, inv_units, layer_ids, inv_layers, answered=n)
        invitations += len(inv_units)
        if survey is latest:
            keys = list(LAYER_BIAS)
            layer_counts = {keys[i]: int(c) for i, c in enumerate(np.bincount(layer_idx, minlength=len(keys)))}
    conn.commit()
    with conn.cursor() as cur:
        cur.execute("ANALYZE")
    conn.commit()
    return Seeded(organisation_id=organisation.id, survey_id=latest.id, earlier_survey_id=earlier.id,
                  admin_key=admin_key, tokens=tokens, item_keys=[i.key for i in definition.items],
                  respondents=respondents, earlier_respondents=earlier_respondents, units=len(unit_ids),
                  teams=teams, invitations=invitations + spare_tokens, layer_counts=layer_counts)
