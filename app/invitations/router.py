import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Query, Request, UploadFile, status
from fastapi.responses import Response
from pydantic import AwareDatetime

from app import csv_encoding
from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.config import get_settings
from app.db import utcnow
from app.deps import AdminOrganisationDep, SessionDep, TreeDep
from app.errors import Unprocessable, problem_responses
from app.idempotency.deps import IdempotentDep
from app.invitations import mailing, service
from app.invitations.csv_import import read_invitation_file
from app.invitations.schemas import (
    CheckedInvitations,
    CheckedLine,
    InvitationBatch,
    InvitationCreate,
    InvitationImportResult,
    InvitationLink,
    InvitationSummary,
    MailDelivery,
    MailedInvitations,
    SentReminders,
)
from app.mail import outbox
from app.surveys.deps import SurveyDep

SUMMARY = "get_invitation_summary"  # `Location` of new invitations: they have no address of their own
router = APIRouter(prefix="/organisations/{organisation_id}/surveys/{survey_id}/invitations",
                   tags=["invitations"], responses=problem_responses(401, 403, 404, 422))

NO_STORE = {"Cache-Control": "no-store"}  # tokens must not linger in a cache
_CSV_ALTERNATIVE = {"description": "With `Accept: text/csv`: `unit,layer,token,url`, one line per token, for a "
                                   "mail merge", "content": {"text/csv": {"schema": {"type": "string"}}}}


def _base_url(request: Request) -> str:
    return get_settings().public_base_url or str(request.base_url)


def _wants_csv(request: Request) -> bool:
    return "text/csv" in request.headers.get("accept", "").lower()


def _csv_response(rows: list[tuple[str, str, str, str]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["unit", "layer", "token", "url"])
    writer.writerows(rows)
    return Response(out.getvalue(), status_code=status.HTTP_201_CREATED, media_type="text/csv; charset=utf-8",
                    headers={**NO_STORE, "Content-Disposition": 'attachment; filename="tokens.csv"'})


@router.post("", name="create_invitations", status_code=status.HTTP_201_CREATED, response_model=InvitationBatch,
             responses={**problem_responses(409), 201: _CSV_ALTERNATIVE})
def create_invitations(data: InvitationCreate, survey: SurveyDep, organisation: AdminOrganisationDep,
                       tree: TreeDep, session: SessionDep, request: Request, response: Response, audit: AuditDep,
                       once: IdempotentDep) -> Any:
    """Issue `count` single-use tokens (at most 10,000) for one unit and layer: "120 tokens for team X, layer
    employee". Each token comes with its link to the web form, and is shown only in this answer: only its hash is
    stored. 409 `survey-closed` for a closed survey; 422 for an archived unit, or a unit or layer that is not the
    organisation's. A draft survey may take invitations; they work once it opens."""
    response.headers.update(NO_STORE)
    now = utcnow()
    service.check_issuable(survey, now)
    problem = service.target_problem(tree, service.layers_by_id(session, organisation), data.unit_id, data.layer_id)
    if problem is not None:
        raise Unprocessable(errors=[{"loc": ["body", problem[0]], "msg": problem[1], "type": "value_error"}])
    service.check_expiry(data.expires_at, now, ["body", "expires_at"])
    target = service.Target(unit_id=data.unit_id, layer_id=data.layer_id)
    tokens = service.issue(session, survey, target, data.count, data.expires_at)
    audit.record(AuditAction.survey_invitations_issued, survey.id, count=len(tokens), unit_id=data.unit_id,
                 layer_id=data.layer_id)
    base = _base_url(request)
    if _wants_csv(request):
        layer_key = service.layers_by_id(session, organisation)[data.layer_id].key
        return once.created(_csv_response([(str(data.unit_id), layer_key, t, service.respond_url(base, t))
                                           for t in tokens]), SUMMARY)
    return once.created(InvitationBatch(
        unit_id=data.unit_id, layer_id=data.layer_id, count=len(tokens), expires_at=data.expires_at,
        invitations=[InvitationLink(token=t, url=service.respond_url(base, t)) for t in tokens]), SUMMARY)


INVITATION_FILE = f"unit,layer,count. {csv_encoding.UPLOAD_OR_XLSX}"


@router.post("/import", name="import_invitations", status_code=status.HTTP_201_CREATED,
             response_model=InvitationImportResult, responses={**problem_responses(409, 413), 201: _CSV_ALTERNATIVE})
def import_invitations(file: Annotated[UploadFile, File(description=INVITATION_FILE)],
                       survey: SurveyDep, organisation: AdminOrganisationDep, tree: TreeDep, session: SessionDep,
                       request: Request, response: Response, audit: AuditDep, once: IdempotentDep,
                       expires_at: Annotated[AwareDatetime | None, Query(description="When every token of the file "
                                                                           "stops working (in the future)")] = None,
                       ) -> Any:
    """Issue tokens for several units and layers from a CSV with columns `unit` (external key, path such as
    `Directie/Afdeling/Team`, or id), `layer` (a layer's key or name: `team_leader`, `Teamleider`) and `count`;
    comma, semicolon or tab separated, or an XLSX workbook's first sheet (errors name the row Excel shows). At most
    10,000 tokens in all. All or nothing: a file with errors gives a 422 listing each bad line
    (`loc` = `["file", line, column]`) and issues nothing."""
    response.headers.update(NO_STORE)
    now = utcnow()
    service.check_issuable(survey, now)
    service.check_expiry(expires_at, now, ["query", "expires_at"])
    lines = read_invitation_file(session, organisation, tree, file.file)
    base = _base_url(request)
    batches = []
    for line in lines:
        tokens = service.issue(session, survey, line.target, line.count, expires_at)
        batches.append((line, tokens))
    audit.record(AuditAction.survey_invitations_imported, survey.id, count=sum(len(t) for _, t in batches),
                 batches=len(batches))
    if _wants_csv(request):
        return once.created(_csv_response([(line.unit_ref, line.layer_key, t, service.respond_url(base, t))
                                           for line, tokens in batches for t in tokens]), SUMMARY)
    return once.created(InvitationImportResult(count=sum(len(tokens) for _, tokens in batches), batches=[
        InvitationBatch(unit_id=line.target.unit_id, layer_id=line.target.layer_id, count=len(tokens),
                        expires_at=expires_at,
                        invitations=[InvitationLink(token=t, url=service.respond_url(base, t)) for t in tokens])
        for line, tokens in batches]), SUMMARY)


@router.get("/summary", name="get_invitation_summary", response_model=InvitationSummary)
def get_invitation_summary(survey: SurveyDep, organisation: AdminOrganisationDep, tree: TreeDep,
                           session: SessionDep) -> InvitationSummary:
    """Response rates: tokens issued and used per unit and layer. Which token answered what is not stored, so it
    can't be shown."""
    return service.summary(session, organisation, tree, survey)


MAIL_FILE = f"Columns email,unit,layer and optionally language: {csv_encoding.UPLOAD_OR_XLSX}"
MAIL_EXPIRY = "When the mailed links stop working (in the future)"


@router.post("/mail/check", name="check_mail_invitations", response_model=CheckedInvitations,
             responses=problem_responses(409, 413, 503))
def check_mail_invitations(file: Annotated[UploadFile, File(description=MAIL_FILE)], survey: SurveyDep,
                           organisation: AdminOrganisationDep, tree: TreeDep, session: SessionDep,
                           response: Response,
                           expires_at: Annotated[AwareDatetime | None, Query(description=MAIL_EXPIRY)] = None,
                           ) -> CheckedInvitations:
    """Check an invitation list as `mail_invitations` would, and store and mail nothing: each line as it would be
    mailed, or the same problems (a 422 listing each bad line, 409 for a survey that can't take mailed
    invitations or a server without SECRET_KEY, 503 `secret-key-changed`). The console's "check, then send"."""
    response.headers.update(NO_STORE)  # addresses
    service.check_expiry(expires_at, utcnow(), ["query", "expires_at"])
    recipients = mailing.check_recipients(session, organisation, tree, survey, file.file)
    layers = service.layers_by_id(session, organisation)
    return CheckedInvitations(count=len(recipients), lines=[
        CheckedLine(line=r.line, email=r.email, unit_id=r.target.unit_id, unit_path=tree.path(r.target.unit_id),
                    layer_key=layers[r.target.layer_id].key, language=r.language) for r in recipients])


@router.post("/mail", name="mail_invitations", status_code=status.HTTP_201_CREATED, response_model=MailedInvitations,
             responses=problem_responses(409, 413))
def mail_invitations(file: Annotated[UploadFile, File(description=MAIL_FILE)],
                     survey: SurveyDep, organisation: AdminOrganisationDep, tree: TreeDep, session: SessionDep,
                     request: Request, audit: AuditDep, once: IdempotentDep, background: BackgroundTasks,
                     expires_at: Annotated[AwareDatetime | None, Query(description=MAIL_EXPIRY)] = None,
                     ) -> Any:
    """Mail an invitation to every address of a CSV with columns `email`, `unit` (external key, path or id),
    `layer` (layer key) and optionally `language` (one of the survey's; default its first): one single-use link
    each, in a mail in that language. The survey must be open, or a draft with an `opens_at` (409 otherwise); the
    mails wait until the survey accepts responses. All or nothing: a file with errors (a bad address, an unknown
    unit or layer, an address twice or already invited) gives a 422 listing each bad line and mails nothing
    (`check_mail_invitations` checks a file the same way and mails nothing in any case). The addresses are kept,
    with the links sealed under the server's SECRET_KEY (409 `no-secret-key` without one), for reminders only, and
    deleted when the survey closes; they are never linked to answers."""
    service.check_expiry(expires_at, utcnow(), ["query", "expires_at"])
    recipients = mailing.check_recipients(session, organisation, tree, survey, file.file)
    sent = mailing.mail_invitations(session, organisation, survey, recipients, _base_url(request), expires_at)
    audit.record(AuditAction.survey_invitations_mailed, survey.id, count=sent.count)
    background.add_task(outbox.deliver, sent.mail_ids)
    return once.created(MailedInvitations(mailed=sent.count), SUMMARY)


@router.post("/reminders", name="send_invitation_reminders", response_model=SentReminders,
             responses=problem_responses(409))
def send_invitation_reminders(survey: SurveyDep, organisation: AdminOrganisationDep, session: SessionDep,
                              request: Request, audit: AuditDep, background: BackgroundTasks) -> SentReminders:
    """Mail a reminder, with the same link, to every mailed invitation that is still unused and unexpired --
    except those reminded in the last 20 hours, so a second click mails nobody twice. The survey must be open
    (409 otherwise)."""
    sent = mailing.send_reminders(session, organisation, survey, _base_url(request))
    audit.record(AuditAction.survey_reminders_mailed, survey.id, count=sent.count)
    background.add_task(outbox.deliver, sent.mail_ids)
    return SentReminders(reminded=sent.count)


@router.get("/mail-delivery", name="get_invitation_mail_delivery", response_model=MailDelivery)
def get_invitation_mail_delivery(survey: SurveyDep, _: AdminOrganisationDep, session: SessionDep) -> MailDelivery:
    """How the mailed invitations of an open survey are doing: sent, waiting or failed (by each one's latest
    mail). Empty after the close, when the addresses are deleted."""
    d = mailing.delivery(session, survey)
    return MailDelivery(addresses=d.addresses, sent=d.sent, waiting=d.waiting, failed=d.failed)
