"""Named self-assessments of leaders, with consent: the leader's side of the blind-spot report.

A self-assessment is never mixed with the anonymous responses (it is not one); a unit-scoped key sees only those
of units inside its subtree, and anything else answers 404 as if it did not exist.
"""

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.service import Principal
from app.db import utcnow
from app.deps import key_reaches_unit
from app.errors import NotFound, Unprocessable
from app.orgs.models import Layer, Organisation
from app.orgs.service import list_layers
from app.questionnaires.service import QuestionnaireDefinition, load_definition
from app.responses.codec import pack_checked, unpack_by_key
from app.selfassessments.models import SelfAssessment
from app.selfassessments.schemas import SelfAssessmentCreate, SelfAssessmentRead
from app.surveys.models import Survey
from app.units.tree import UnitTree


def _checked(survey: Survey, definition: QuestionnaireDefinition, tree: UnitTree, layers: dict[uuid.UUID, Layer],
             principal: Principal, data: SelfAssessmentCreate) -> bytes:
    """The answers packed; 422 listing every bad field."""
    errors: list[dict[str, Any]] = []
    if not key_reaches_unit(principal, tree, data.unit_id):
        errors.append({"loc": ["body", "unit_id"], "msg": "no such unit in this organisation", "type": "not_found"})
    if data.layer_id not in layers:
        errors.append({"loc": ["body", "layer_id"], "msg": "no such layer in this organisation", "type": "not_found"})
    if data.language not in survey.languages:
        errors.append({"loc": ["body", "language"], "msg": f"not offered; the survey's languages are "
                       f"{', '.join(survey.languages)}", "type": "unknown_language"})
    current, problems = pack_checked(definition, data.current)
    errors.extend({"loc": ["body", "current", p.key], "msg": p.msg, "type": p.type} for p in problems)
    if not errors and all(v is None for v in data.current.values()):
        errors.append({"loc": ["body", "current"], "msg": "answer at least one item", "type": "no_answers"})
    if errors:
        raise Unprocessable("The self-assessment is not valid; nothing was stored.", errors=errors)
    return current


def create(session: Session, organisation: Organisation, survey: Survey, tree: UnitTree, principal: Principal,
           data: SelfAssessmentCreate) -> SelfAssessment:
    """Store a leader's named answers (consent is checked by the schema: `consent` must be true)."""
    layers = {layer.id: layer for layer in list_layers(session, organisation)}
    definition = load_definition(session, survey.questionnaire_id)
    current = _checked(survey, definition, tree, layers, principal, data)
    now = utcnow()
    row = SelfAssessment(survey_id=survey.id, unit_id=data.unit_id, layer_id=data.layer_id,
                         leader_name=data.leader_name, consent_given_at=now, language=data.language,
                         current=current, created_at=now)
    session.add(row)
    session.flush()
    return row


def list_visible(session: Session, survey: Survey, tree: UnitTree, principal: Principal) -> list[SelfAssessment]:
    """The survey's self-assessments that the key reaches, oldest first."""
    rows = session.scalars(select(SelfAssessment).where(SelfAssessment.survey_id == survey.id)
                           .order_by(SelfAssessment.created_at, SelfAssessment.id))
    return [row for row in rows if key_reaches_unit(principal, tree, row.unit_id)]


def get_within(session: Session, survey: Survey, tree: UnitTree, self_assessment_id: uuid.UUID,
               within: uuid.UUID | None, *, reaches: Callable[[uuid.UUID], bool] | None = None) -> SelfAssessment:
    """One self-assessment of the survey whose unit lies in `within`'s subtree (a report's scope; None: anywhere
    in the organisation) and that `reaches` (the caller's reach) lets through; 404 otherwise."""
    row = session.get(SelfAssessment, self_assessment_id)
    if (row is None or row.survey_id != survey.id or row.unit_id not in tree.units
            or (within is not None and not tree.is_within(row.unit_id, within))
            or (reaches is not None and not reaches(row.unit_id))):
        raise NotFound("No such self-assessment.")
    return row


def delete(session: Session, row: SelfAssessment) -> None:
    """Remove it for good: withdrawing consent leaves nothing of the leader's answers."""
    session.delete(row)
    session.flush()


def to_read(session: Session, survey: Survey, tree: UnitTree, row: SelfAssessment,
            layers: dict[uuid.UUID, Layer]) -> SelfAssessmentRead:
    definition = load_definition(session, survey.questionnaire_id)
    answers = {k: v for k, v in unpack_by_key(definition, row.current).items() if v is not None}
    return SelfAssessmentRead(id=row.id, survey_id=row.survey_id, unit_id=row.unit_id,
                              unit_path=tree.path(row.unit_id), layer_id=row.layer_id,
                              layer_key=layers[row.layer_id].key, leader_name=row.leader_name,
                              consent_given_at=row.consent_given_at, language=row.language, current=answers,
                              created_at=row.created_at)
