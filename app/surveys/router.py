from fastapi import APIRouter, BackgroundTasks, status

from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.deps import AdminOrganisationDep, OrganisationDep, SessionDep
from app.errors import problem_responses
from app.idempotency.deps import IdempotentDep
from app.paging import PagingDep, micros
from app.reports.erasure import forget_after_commit
from app.surveys import service
from app.surveys.deps import SurveyDep
from app.surveys.schemas import SurveyCreate, SurveyRead, SurveyUpdate
from app.webhooks import sender as webhook_sender

router = APIRouter(prefix="/organisations/{organisation_id}/surveys", tags=["surveys"],
                   responses=problem_responses(401, 404, 422))
SURVEY = "/{survey_id}"


@router.post("", name="create_survey", status_code=status.HTTP_201_CREATED, responses=problem_responses(403, 409))
def create_survey(data: SurveyCreate, organisation: AdminOrganisationDep, session: SessionDep, audit: AuditDep,
                  once: IdempotentDep) -> SurveyRead:
    """Create a survey wave as a draft, on a built-in questionnaire or one of the organisation's own (422 for
    any other). Every wave of the same questionnaire can be compared with the others, item by item."""
    survey = service.create_survey(session, organisation, data)
    audit.record(AuditAction.survey_created, survey.id)
    return once.created(service.to_read(survey), "get_survey", survey_id=survey.id)


@router.get("", name="list_surveys")
def list_surveys(organisation: OrganisationDep, session: SessionDep, paging: PagingDep) -> list[SurveyRead]:
    """The organisation's survey waves, oldest first. Any key of the organisation may read them. `limit` pages the
    list (see `Link`)."""
    surveys = paging.page(service.list_surveys(session, organisation), lambda s: [micros(s.created_at), str(s.id)])
    return [service.to_read(s) for s in surveys]


@router.get(SURVEY, name="get_survey")
def get_survey(survey: SurveyDep) -> SurveyRead:
    """One survey wave: its questionnaire version, languages, frames, status and whether it accepts responses now."""
    return service.to_read(survey)


@router.patch(SURVEY, name="update_survey", responses=problem_responses(403, 409))
def update_survey(data: SurveyUpdate, survey: SurveyDep, organisation: AdminOrganisationDep,
                  session: SessionDep, audit: AuditDep) -> SurveyRead:
    """Change a draft freely; an open or closed survey only its `title`, `closes_at` and `reminder_days` (409 for
    anything else).
    Changing the questionnaire resets `languages` to all of its languages unless they are given too."""
    service.update_survey(session, organisation, survey, data)
    audit.record(AuditAction.survey_updated, survey.id, fields=sorted(data.model_fields_set))
    return service.to_read(survey)


@router.delete(SURVEY, name="delete_survey", status_code=status.HTTP_204_NO_CONTENT,
               responses=problem_responses(403))
def delete_survey(survey: SurveyDep, _: AdminOrganisationDep, session: SessionDep, audit: AuditDep) -> None:
    """Delete the survey in any state, with every invitation (and draft answers), every response and every
    self-assessment: nothing of it remains, and its reports and exports are gone (404)."""
    erased = service.delete_survey(session, survey)
    forget_after_commit(session, [survey.id])
    audit.record(AuditAction.survey_deleted, survey.id, responses=erased.responses,
                 invitations=erased.invitations, self_assessments=erased.self_assessments)


@router.post(SURVEY + "/open", name="open_survey", responses=problem_responses(403, 409))
def open_survey(survey: SurveyDep, _: AdminOrganisationDep, session: SessionDep, audit: AuditDep,
                background: BackgroundTasks) -> SurveyRead:
    """draft → open (409 from any other state, or when `closes_at` has passed). Responses are accepted while
    open and within [`opens_at`, `closes_at`)."""
    service.open_survey(session, survey)
    audit.record(AuditAction.survey_opened, survey.id)
    background.add_task(webhook_sender.deliver_due, 1)  # its webhooks, after the commit (else the worker's)
    return service.to_read(survey)


@router.post(SURVEY + "/close", name="close_survey", responses=problem_responses(403, 409))
def close_survey(survey: SurveyDep, _: AdminOrganisationDep, session: SessionDep, audit: AuditDep,
                 background: BackgroundTasks) -> SurveyRead:
    """open → closed (409 from any other state). Respondents then get a 409 `survey-closed`."""
    service.close_survey(session, survey)
    audit.record(AuditAction.survey_closed, survey.id)
    background.add_task(webhook_sender.deliver_due, 2)
    return service.to_read(survey)


@router.post(SURVEY + "/reopen", name="reopen_survey", responses=problem_responses(403, 409))
def reopen_survey(survey: SurveyDep, _: AdminOrganisationDep, session: SessionDep, audit: AuditDep,
                  background: BackgroundTasks) -> SurveyRead:
    """closed → open (409 from any other state, or when `closes_at` has passed: move it first)."""
    service.reopen_survey(session, survey)
    audit.record(AuditAction.survey_reopened, survey.id)
    background.add_task(webhook_sender.deliver_due, 1)
    return service.to_read(survey)
