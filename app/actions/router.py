import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from app.actions import service
from app.actions.effect import ActionEffect, EarlierAction, earlier_effects, effect
from app.actions.models import Action, ActionStatus
from app.actions.schemas import ActionCreate, ActionRead, ActionUpdate
from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.deps import CurrentKey, OrganisationDep, SessionDep, TreeDep, key_reaches_unit
from app.errors import NotFound, problem_responses
from app.idempotency.deps import IdempotentDep
from app.paging import PagingDep, micros
from app.reports.profile_schemas import Lang
from app.surveys.deps import SurveyDep

router = APIRouter(prefix="/organisations/{organisation_id}/surveys/{survey_id}", tags=["actions"],
                   responses=problem_responses(401, 404, 422))
LIST = "/actions"
ITEM = LIST + "/{action_id}"


def valid_action(action_id: Annotated[uuid.UUID, Path()], survey: SurveyDep, tree: TreeDep, principal: CurrentKey,
                 session: SessionDep) -> Action:
    """The action named in the path, if it belongs to the survey and the caller reaches its unit; 404 otherwise."""
    return service.get_visible(session, survey, tree, principal, action_id)


ActionDep = Annotated[Action, Depends(valid_action)]


@router.post(LIST, name="create_action", status_code=status.HTTP_201_CREATED, responses=problem_responses(403))
def create_action(data: ActionCreate, survey: SurveyDep, tree: TreeDep, principal: CurrentKey, session: SessionDep,
                  audit: AuditDep, once: IdempotentDep) -> ActionRead:
    """Add an action to the wave's plan: for a unit (or the whole organisation), aimed at a dimension or one
    statement, with a title, an owner (a person of the organisation, or just a name), a due date, a status and
    notes. Organisation admins anywhere; leaders (signed in) for the units of their own subtrees (403 otherwise).
    In the next wave, `GET .../actions/{action_id}/effect` shows the unit's scores before and after."""
    row = service.create(session, survey, tree, principal, data)
    audit.record(AuditAction.action_created, row.id, survey_id=survey.id, unit_id=row.unit_id, status=row.status)
    return once.created(service.to_read(session, survey, tree, [row])[0], "get_action", action_id=row.id)


@router.get(LIST, name="list_actions")
def list_actions(survey: SurveyDep, tree: TreeDep, principal: CurrentKey, session: SessionDep, paging: PagingDep,
                 organisation: OrganisationDep,
                 unit_id: Annotated[uuid.UUID | None, Query(description="Only the actions of this unit's subtree")]
                 = None,
                 status_: Annotated[ActionStatus | None, Query(alias="status", description="Only actions with this "
                                                                                          "status")] = None,
                 ) -> list[ActionRead]:
    """The wave's actions that the caller reaches (a leader or unit-scoped key: those of their subtrees), by due
    date (none last), then creation. `limit` pages the list (see `Link`)."""
    if unit_id is not None and not key_reaches_unit(principal, tree, unit_id):
        raise NotFound("No such unit.")
    rows = [r for r in service.list_visible(session, survey, tree, principal, unit_id)
            if status_ is None or r.status is status_]
    page = paging.page(rows, lambda r: [r.due_date.isoformat() if r.due_date else "9999-12-31",
                                        micros(r.created_at), str(r.id)])
    return service.to_read(session, survey, tree, page)


@router.get("/earlier-actions", name="list_earlier_actions")
def list_earlier_actions(
    survey: SurveyDep, tree: TreeDep, principal: CurrentKey, session: SessionDep, organisation: OrganisationDep,
    unit_id: Annotated[uuid.UUID | None, Query(description="Only the actions of this unit's subtree")] = None,
    lang: Annotated[Lang, Query(description="Language of names")] = "en",
) -> list[EarlierAction]:
    """What was planned in the waves before this one, and how its units fared: the actions of earlier waves of the
    questionnaire whose next wave is this one (as `GET .../actions/{action_id}/effect` picks it: the earliest
    later-started wave with published figures that asks the action's dimension on the same scale), each with its
    unit and dimension (and statement) **before** (its own wave) **and after** (this wave), the same figures as the
    action's effect, under each wave's own anonymity protection. Oldest wave first, then by due date. Empty while
    this wave has no published figures. Only actions the caller reaches (a leader or unit-scoped key: those of
    their subtrees); with `unit_id`, those of that unit's subtree."""
    if unit_id is not None and not key_reaches_unit(principal, tree, unit_id):
        raise NotFound("No such unit.")
    return earlier_effects(session, organisation, survey, tree, principal, unit_id, lang)


@router.get(ITEM, name="get_action")
def get_action(row: ActionDep, survey: SurveyDep, tree: TreeDep, session: SessionDep) -> ActionRead:
    """One action (404 outside the caller's subtrees)."""
    return service.to_read(session, survey, tree, [row])[0]


@router.patch(ITEM, name="update_action", responses=problem_responses(403))
def update_action(data: ActionUpdate, row: ActionDep, survey: SurveyDep, tree: TreeDep, principal: CurrentKey,
                  session: SessionDep, audit: AuditDep) -> ActionRead:
    """Change an action: its status as it goes, its owner, due date, notes, or what it addresses. Organisation
    admins; leaders for actions of their own units (and only into their own units)."""
    changed = service.update(session, survey, tree, principal, row, data)
    audit.record(AuditAction.action_updated, row.id, survey_id=survey.id, fields=changed, status=row.status)
    return service.to_read(session, survey, tree, [row])[0]


@router.delete(ITEM, name="delete_action", status_code=status.HTTP_204_NO_CONTENT,
               responses=problem_responses(403))
def delete_action(row: ActionDep, survey: SurveyDep, tree: TreeDep, principal: CurrentKey, session: SessionDep,
                  audit: AuditDep) -> None:
    """Delete an action for good (`status: dropped` keeps it on record instead). Organisation admins; leaders for
    actions of their own units."""
    action_id = row.id
    service.delete(session, survey, tree, principal, row)
    audit.record(AuditAction.action_deleted, action_id, survey_id=survey.id)


@router.get(ITEM + "/effect", name="get_action_effect")
def get_action_effect(
    row: ActionDep, organisation: OrganisationDep, survey: SurveyDep, tree: TreeDep, session: SessionDep,
    after_survey_id: Annotated[uuid.UUID | None, Query(description="The wave to compare with; default: the next "
                                                                   "wave (the earliest later-started survey of the "
                                                                   "questionnaire with published figures)")] = None,
    lang: Annotated[Lang, Query(description="Language of names")] = "en",
) -> ActionEffect:
    """The action's unit and dimension (and statement) **before and after**: its wave against the next wave, as
    the trend report of the unit (`GET .../reports/trend?unit_id=`) shows them: n, mean and CI per wave, the change
    with Welch's CI and Holm-adjusted p, and Hedges' g. Each wave keeps its own anonymity protection: where the
    unit is hidden in a wave, there is no figure and no change, only the reason. Without a later wave `after` is
    null (`reason: no_later_wave`).

    The `reading` (English and Dutch) says what a before-and-after can say: **a change, not proof that the action
    caused it**."""
    return effect(session, organisation, survey, tree, row, after_survey_id, lang)
