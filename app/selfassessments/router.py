import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, status

from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.deps import AdminOrganisationDep, CurrentKey, OrganisationDep, SessionDep, TreeDep, key_reaches_unit
from app.errors import problem_responses
from app.idempotency.deps import IdempotentDep
from app.orgs.service import list_layers
from app.paging import PagingDep, micros
from app.selfassessments import service
from app.selfassessments.models import SelfAssessment
from app.selfassessments.schemas import SelfAssessmentCreate, SelfAssessmentRead
from app.surveys.deps import SurveyDep

router = APIRouter(prefix="/organisations/{organisation_id}/surveys/{survey_id}/self-assessments",
                   tags=["self-assessments"], responses=problem_responses(401, 404, 422))
ITEM = "/{self_assessment_id}"


def valid_self_assessment(self_assessment_id: Annotated[uuid.UUID, Path()], survey: SurveyDep, tree: TreeDep,
                          principal: CurrentKey, session: SessionDep) -> SelfAssessment:
    """The self-assessment named in the path, if it belongs to the survey and the key reaches its unit."""
    return service.get_within(session, survey, tree, self_assessment_id, None,
                              reaches=lambda unit: key_reaches_unit(principal, tree, unit))


SelfAssessmentDep = Annotated[SelfAssessment, Depends(valid_self_assessment)]


@router.post("", name="create_self_assessment", status_code=status.HTTP_201_CREATED,
             responses=problem_responses(403))
def create_self_assessment(data: SelfAssessmentCreate, organisation: AdminOrganisationDep, survey: SurveyDep,
                           tree: TreeDep, principal: CurrentKey, session: SessionDep,
                           audit: AuditDep, once: IdempotentDep) -> SelfAssessmentRead:
    """Store a leader's own answers, **by name** and with their explicit consent (`consent` must be `true`, else
    422). Unlike every response it is not anonymous, and it never counts among the responses: reports show it only
    as the leader's view beside the anonymous group they lead (`GET .../reports/blind-spot`). Organisation admins
    only (e.g. HR entering what the leader answered); answers are checked like a respondent's (422 per field)."""
    row = service.create(session, organisation, survey, tree, principal, data)
    audit.record(AuditAction.self_assessment_created, row.id, survey_id=survey.id)
    layers = {layer.id: layer for layer in list_layers(session, organisation)}
    return once.created(service.to_read(session, survey, tree, row, layers), "get_self_assessment",
                        self_assessment_id=row.id)


@router.get("", name="list_self_assessments")
def list_self_assessments(organisation: OrganisationDep, survey: SurveyDep, tree: TreeDep, principal: CurrentKey,
                          session: SessionDep, paging: PagingDep) -> list[SelfAssessmentRead]:
    """The survey's self-assessments, oldest first; a unit-scoped key sees only those inside its subtree."""
    layers = {layer.id: layer for layer in list_layers(session, organisation)}
    rows = paging.page(service.list_visible(session, survey, tree, principal),
                       lambda row: [micros(row.created_at), str(row.id)])
    return [service.to_read(session, survey, tree, row, layers) for row in rows]


@router.get(ITEM, name="get_self_assessment")
def get_self_assessment(row: SelfAssessmentDep, organisation: OrganisationDep, survey: SurveyDep, tree: TreeDep,
                        session: SessionDep) -> SelfAssessmentRead:
    """One self-assessment (404 outside a unit-scoped key's subtree)."""
    layers = {layer.id: layer for layer in list_layers(session, organisation)}
    return service.to_read(session, survey, tree, row, layers)


@router.delete(ITEM, name="delete_self_assessment", status_code=status.HTTP_204_NO_CONTENT,
               responses=problem_responses(403))
def delete_self_assessment(row: SelfAssessmentDep, _: AdminOrganisationDep, session: SessionDep,
                           audit: AuditDep) -> None:
    """Delete it for good, e.g. when the leader withdraws consent: nothing of their answers remains. Organisation
    admins only."""
    service.delete(session, row)
    audit.record(AuditAction.self_assessment_deleted, row.id, survey_id=row.survey_id)
