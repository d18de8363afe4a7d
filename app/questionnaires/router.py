import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, status

from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.deps import AdminOrganisationDep, OrganisationDep, SessionDep
from app.errors import NotFound, problem_responses
from app.idempotency.deps import IdempotentDep
from app.paging import PagingDep
from app.questionnaires import service
from app.questionnaires.models import Questionnaire
from app.questionnaires.schemas import QuestionnaireIn, QuestionnaireRead, QuestionnaireSummary

router = APIRouter(prefix="/organisations/{organisation_id}/questionnaires", tags=["questionnaires"],
                   responses=problem_responses(401, 404, 422))


def valid_questionnaire(questionnaire_id: Annotated[uuid.UUID, Path()], organisation: OrganisationDep,
                        session: SessionDep) -> Questionnaire:
    """A built-in questionnaire or one of the organisation's own; 404 otherwise."""
    q = service.visible_questionnaire(session, organisation, questionnaire_id)
    if q is None:
        raise NotFound("No such questionnaire.")
    return q


QuestionnaireDep = Annotated[Questionnaire, Depends(valid_questionnaire)]


@router.get("", name="list_questionnaires")
def list_questionnaires(organisation: OrganisationDep, session: SessionDep,
                        paging: PagingDep) -> list[QuestionnaireSummary]:
    """The built-in questionnaires and the organisation's own, every version (built-ins first, then by key and
    version). Any key of the organisation may read them."""
    return paging.page(service.list_questionnaires(session, organisation),
                       lambda q: [0 if q.builtin else 1, q.key, q.version])


@router.post("", name="create_questionnaire", status_code=status.HTTP_201_CREATED,
             responses=problem_responses(403, 409, 413))
def create_questionnaire(data: QuestionnaireIn, organisation: AdminOrganisationDep, session: SessionDep,
                         audit: AuditDep, once: IdempotentDep) -> QuestionnaireRead:
    """Create a custom questionnaire: version 1 of a new `key`, or the next version of a key the organisation
    already has. Keep item keys stable from version to version: trend reports match items across waves by key.

    Any integer scale within -100..100 with at least two points (0..4, 1..5, 1..7, 0..10, ...), one label per point in
    every language, and optionally a "don't know" answer that counts as missing. A dimension may have its own scale
    (`dimensions[].scale`: a research instrument with a 1-5 and a 0-4 part in one questionnaire); everything that
    depends on the scale follows the dimension's own, and figures across dimensions compare on POMP (0-1): see
    docs/scales.md. A 422 lists every bad field and nothing is stored. The keys of built-in questionnaires are
    reserved."""
    q = service.create_questionnaire(session, organisation, data)
    audit.record(AuditAction.questionnaire_created, q.id, version=q.version)
    return once.created(service.to_read(session, organisation, q), "get_questionnaire", questionnaire_id=q.id)


@router.get("/{questionnaire_id}", name="get_questionnaire")
def get_questionnaire(questionnaire: QuestionnaireDep, organisation: OrganisationDep,
                      session: SessionDep) -> QuestionnaireRead:
    """The full definition: scale, labels, dimensions and items with their texts in every language, and whether
    a survey uses it (then it can no longer change)."""
    return service.to_read(session, organisation, questionnaire)


@router.put("/{questionnaire_id}", name="replace_questionnaire", responses=problem_responses(403, 409, 413))
def replace_questionnaire(data: QuestionnaireIn, questionnaire: QuestionnaireDep,
                          organisation: AdminOrganisationDep, session: SessionDep,
                          audit: AuditDep) -> QuestionnaireRead:
    """Replace the whole definition of a version that no survey uses yet (the key can't change). Once a survey
    uses it: 409, create a new version with POST and the same key. Built-in questionnaires are read-only for
    every key: 403."""
    service.replace_questionnaire(session, questionnaire, data)
    audit.record(AuditAction.questionnaire_replaced, questionnaire.id)
    return service.to_read(session, organisation, questionnaire)


@router.delete("/{questionnaire_id}", name="delete_questionnaire", status_code=status.HTTP_204_NO_CONTENT,
               responses=problem_responses(403, 409))
def delete_questionnaire(questionnaire: QuestionnaireDep, _: AdminOrganisationDep, session: SessionDep,
                         audit: AuditDep) -> None:
    """Delete a version that no survey uses (409 otherwise). Built-in questionnaires: 403."""
    service.delete_questionnaire(session, questionnaire)
    audit.record(AuditAction.questionnaire_deleted, questionnaire.id)
