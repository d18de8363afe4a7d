import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, StrictBool

from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.comments import service
from app.comments.export import comments_table
from app.comments.schemas import CommentRead, CommentSettingsIn, CommentSettingsRead, CommentsReport, ThemesReport
from app.deps import AdminOrganisationDep, CurrentKey, SessionDep, TreeDep
from app.errors import problem_responses
from app.exports.options import TABLE_RESPONSES, RawExportDep
from app.orgs.service import list_layers
from app.reports.context import ReportDep
from app.surveys.deps import SurveyDep

router = APIRouter(prefix="/organisations/{organisation_id}/surveys/{survey_id}", tags=["comments"],
                   responses=problem_responses(401, 404, 422))


@router.get("/comment-settings", name="get_comment_settings")
def get_comment_settings(survey: SurveyDep, session: SessionDep) -> CommentSettingsRead:
    """The survey's open questions, its comment threshold and the theme keyword lists in use, whether those are the
    built-in defaults (`themes_are_defaults`), and the defaults themselves."""
    return service.settings_of(session, survey)


@router.put("/comment-settings", name="set_comment_settings", responses=problem_responses(403, 409))
def set_comment_settings(data: CommentSettingsIn, survey: SurveyDep, _: AdminOrganisationDep, session: SessionDep,
                         audit: AuditDep) -> CommentSettingsRead:
    """Set the optional open questions (e.g. "What would help most to share knowledge in your team?", in every
    language of the survey; only while the survey is a draft, 409 after), the comment threshold (default 10, never
    below the minimum group size: 422) and the theme keyword lists (`themes`: the survey's own; null or left out: the
    built-in defaults, which follow improvements to them; a form sent back as read sends null while
    `themes_are_defaults`). Organisation admins only."""
    settings, changed = service.put_settings(session, survey, data)
    audit.record(AuditAction.survey_comment_settings_set, survey.id, fields=changed)
    return settings


@router.get("/reports/comments", name="get_comments")
def get_comments(
    ctx: ReportDep, session: SessionDep, principal: CurrentKey,
    layer: Annotated[str | None, Query(max_length=100, description="Only this layer's comments (a layer key)")]
    = None,
    question: Annotated[str | None, Query(max_length=100, description="Only this open question's")] = None,
    hidden: Annotated[bool, Query(description="Include comments an admin hid (organisation admins only)")] = False,
) -> CommentsReport:
    """The scope's answers to the open questions, **only when the group is large enough**: visible in the
    anonymity map built at the comment threshold (at least that many respondents, and no smaller group to be had
    by subtracting another), with a layer only where that group is too. Otherwise `shown: false` with the reason
    and no comments. Published comments only (they move only when the figures do), in a new random order on every
    read. E-mail addresses and phone numbers were masked before storage."""
    include_hidden = hidden and principal.administers(ctx.organisation.id)
    return service.comments(session, ctx, layer, question, include_hidden)


@router.get("/reports/comment-themes", name="get_comment_themes")
def get_comment_themes(ctx: ReportDep, session: SessionDep) -> ThemesReport:
    """How many of the scope's comments mention each theme (a dimension's keyword list, in Dutch and English by
    default), for a group large enough to show comments; a count below the threshold is null."""
    return service.themes(session, ctx)


@router.get("/comments/export", name="export_comments", responses={**problem_responses(403), 200: {
    **TABLE_RESPONSES[200], "description": "The comments as k-anonymous CSV, or an Excel workbook"},
    422: TABLE_RESPONSES[422]}, response_class=Response)
def export_comments(survey: SurveyDep, organisation: AdminOrganisationDep, tree: TreeDep, session: SessionDep,
                    out: RawExportDep) -> Response:
    """The published, not hidden comments as k-anonymous CSV, with k = the comment threshold: `unit_path`,
    `unit_key`, `layer`, `question_key`, `text`, every combination of unit and layer of a question in k rows or
    more (a unit that can't make k is named by an ancestor, `*` the organisation; a layer as `*leaders` or `*`).
    The only bulk way out for comments. Organisation admins only. `format=xlsx`: an Excel workbook."""
    table, _ = comments_table(session, survey, tree, list_layers(session, organisation))
    return out.respond(table)


class CommentHide(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hidden: StrictBool


@router.patch("/comments/{comment_id:uuid}", name="hide_comment", responses=problem_responses(403))
def hide_comment(data: CommentHide, comment_id: Annotated[uuid.UUID, Path()], survey: SurveyDep,
                 _: AdminOrganisationDep, session: SessionDep, audit: AuditDep) -> CommentRead:
    """Hide a comment from every view (`hidden: true`; e.g. it names someone), or show it again. Organisation
    admins only; audited."""
    row = service.get_comment(session, survey, comment_id)
    row.hidden = data.hidden
    session.flush()
    audit.record(AuditAction.comment_hidden if data.hidden else AuditAction.comment_shown, row.id,
                 survey_id=survey.id)
    return CommentRead(id=row.id, question_key=row.question_key, text=row.text, hidden=row.hidden)
