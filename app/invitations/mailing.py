"""Invitations mailed by the service, and reminders to those whose link is unused.

An organisation admin uploads `email,unit,layer[,language]` lines; each line gets one invitation (a token for its
unit and layer, as any other) and a mail with its link, written to the outbox in the same transaction. For the
reminders, the address and the token -- sealed under SECRET_KEY, bound to the invitation (`app.sealing`) -- are
kept while the survey is open, and deleted when it closes. With SECRET_KEY the service tells whether an invitation
was used (app.invitations.used); nothing links them, or the invitation, to the answers given with it.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import sealing
from app.db import utcnow
from app.errors import Conflict, Unprocessable
from app.invitations.models import Invitation, InvitationMail
from app.invitations.service import Target, issue_with_ids, layers_by_id, respond_url
from app.invitations.used import KeyChanged, check_key, used_key, used_keys
from app.mail import messages, outbox
from app.mail.models import OutgoingMail
from app.orgs.layer_names import LayerNames
from app.orgs.models import Organisation
from app.people.schemas import normalise_email
from app.responses.csv_reader import LineErrors, known_columns, open_csv
from app.responses.unit_refs import UnitResolver
from app.surveys import service as survey_service
from app.surveys.models import Survey, SurveyStatus
from app.units.tree import UnitTree

COLUMNS = ("email", "unit", "layer", "language")
REQUIRED = COLUMNS[:3]
MAX_RECIPIENTS = 10_000
REMIND_AGAIN_AFTER = timedelta(hours=20)  # a second click on "remind" the same day mails nobody twice
MAIL_VALID = timedelta(days=7)  # an invitation mail not sent within a week is given up (and shown as failed)
_PURPOSE = b"culturegap invitation token v1"
_NEEDED_FOR = "Mailing invitations"
log = logging.getLogger("culturegap.worker")


class SurveyNotOpenForMail(Conflict):
    code, title = "survey-not-open", "The survey is not open"


@dataclass(frozen=True)
class Recipient:
    line: int
    email: str
    target: Target
    language: str


@dataclass(frozen=True)
class Sent:
    count: int
    mail_ids: list[uuid.UUID]


def read_recipients(session: Session, organisation: Organisation, tree: UnitTree, survey: Survey,
                    raw: IO[bytes]) -> list[Recipient]:
    """The file's lines, each checked; raises `Unprocessable` listing every bad line (nothing is mailed then)."""
    csv_file = open_csv(raw)
    at = known_columns(csv_file, COLUMNS, REQUIRED)
    width = len(csv_file.header)
    errors = LineErrors()
    resolver = UnitResolver(session, tree, organisation.id, by_name=True)
    layers = LayerNames(layers_by_id(session, organisation).values())
    invited = set(session.scalars(select(InvitationMail.email).where(InvitationMail.survey_id == survey.id)))
    seen: dict[str, int] = {}
    out: list[Recipient] = []
    for line, cells in csv_file.rows:
        if len(cells) != width:
            errors.add(line, "", f"{len(cells)} cells, but the header has {width} columns")
        else:
            cell = {name: cells[i].strip() for name, i in at.items()}
            recipient = _parse(line, cell, survey, resolver, tree, layers, errors)
            if recipient is not None:
                if recipient.email in invited:
                    errors.add(line, "email", "already invited to this survey by mail; send a reminder instead")
                elif recipient.email in seen:
                    errors.add(line, "email", f"the same address as line {seen[recipient.email]}")
                else:
                    seen[recipient.email] = line
                    out.append(recipient)
            if len(out) > MAX_RECIPIENTS:
                errors.add(line, "", f"more than {MAX_RECIPIENTS} lines; split the file")
        if errors.full:
            break
    errors.raise_if_any()
    if not out:
        raise Unprocessable("The file has no lines below its header.")
    return out


def _parse(line: int, cell: dict[str, str], survey: Survey, resolver: UnitResolver, tree: UnitTree,
           layers: LayerNames, errors: LineErrors) -> Recipient | None:
    ok = True
    try:
        email = normalise_email(cell["email"])
    except ValueError:
        errors.add(line, "email", "required" if not cell["email"] else "not an e-mail address")
        ok = False
    unit_id = resolver.find(cell["unit"]) if cell["unit"] else None
    if unit_id is None:
        errors.add(line, "unit", "required" if not cell["unit"] else resolver.not_found(cell["unit"]))
        ok = False
    elif tree.units[unit_id].archived_at is not None:
        errors.add(line, "unit", "the unit is archived")
        ok = False
    layer = layers.find(cell["layer"])
    layer_id = layer.id if layer else None
    if layer_id is None:
        errors.add(line, "layer", layers.unknown(cell["layer"]) if cell["layer"] else "required")
        ok = False
    language = (cell.get("language") or survey.languages[0]).lower()
    if language not in survey.languages:
        errors.add(line, "language", f"the survey is asked in {', '.join(survey.languages)}")
        ok = False
    if not ok or unit_id is None or layer_id is None:
        return None
    return Recipient(line, email, Target(unit_id, layer_id), language)


def check_recipients(session: Session, organisation: Organisation, tree: UnitTree, survey: Survey,
                     raw: IO[bytes]) -> list[Recipient]:
    """What `mail_invitations` would refuse, found without storing anything: the survey's state, its SECRET_KEY
    (`check_key`; 409 `no-secret-key` without one), then every line of the file."""
    check_open(survey, utcnow(), "mailed", scheduled=True)
    check_key(survey.key_fingerprint)
    sealing.require_key(_NEEDED_FOR)
    return read_recipients(session, organisation, tree, survey, raw)


def check_open(survey: Survey, now: datetime, doing: str, *, scheduled: bool = False) -> None:
    """Open and not past its closing time; with `scheduled`, a draft that will open itself (`opens_at`) will do:
    its mails wait in the outbox until it accepts responses."""
    opens_itself = scheduled and survey.status is SurveyStatus.draft and survey.opens_at is not None
    if (survey.status is not SurveyStatus.open and not opens_itself) or (
            survey.closes_at is not None and now >= survey.closes_at):
        raise SurveyNotOpenForMail(f"Invitations can be {doing} while the survey is open only"
                                   f"{' (or a draft with an opening time)' if scheduled else ''}.")


def mail_invitations(session: Session, organisation: Organisation, survey: Survey, recipients: list[Recipient],
                     base_url: str, expires_at: datetime | None) -> Sent:
    """One invitation per recipient, its mail in the outbox and its address kept for reminders."""
    now = utcnow()
    check_open(survey, now, "mailed", scheduled=True)
    issued = issue_with_ids(session, survey, [r.target for r in recipients], expires_at)
    mail_ids = []
    for recipient, (invitation_id, token) in zip(recipients, issued, strict=True):
        mail_id = _enqueue(session, organisation, survey, recipient.email, recipient.language, base_url, token,
                           reminder=False, now=now)
        session.add(InvitationMail(
            survey_id=survey.id, invitation_id=invitation_id, email=recipient.email, language=recipient.language,
            sealed_token=sealing.seal(_PURPOSE, invitation_id.bytes, token, needed_for=_NEEDED_FOR),
            last_mail_id=mail_id, mails=1))
        mail_ids.append(mail_id)
    session.flush()
    return Sent(len(mail_ids), mail_ids)


def send_reminders(session: Session, organisation: Organisation, survey: Survey, base_url: str) -> Sent:
    """A reminder to every mailed invitation that is unused and unexpired, unless reminded within the last
    REMIND_AGAIN_AFTER. Refused under another SECRET_KEY than the invitations' (`check_key`): who answered can't
    be told then."""
    now = utcnow()
    check_open(survey, now, "reminded")
    check_key(survey.key_fingerprint)
    rows = session.execute(
        select(InvitationMail, Invitation.expires_at, Invitation.token_hash)
        .join(Invitation, Invitation.id == InvitationMail.invitation_id)
        .where(InvitationMail.survey_id == survey.id).order_by(InvitationMail.email)).all()
    used = used_keys(session, survey.id)  # who answered: found with SECRET_KEY, which the service holds
    mail_ids = []
    for row, expires_at, token_hash in rows:
        if used_key(token_hash) in used or (expires_at is not None and expires_at <= now) or (
                row.reminded_at is not None and now - row.reminded_at < REMIND_AGAIN_AFTER):
            continue
        token = sealing.unseal(_PURPOSE, row.invitation_id.bytes, row.sealed_token, needed_for=_NEEDED_FOR)
        if token is None:
            continue
        row.last_mail_id = _enqueue(session, organisation, survey, row.email, row.language, base_url, token,
                                    reminder=True, now=now)
        row.mails, row.reminded_at = row.mails + 1, now
        mail_ids.append(row.last_mail_id)
    session.flush()
    return Sent(len(mail_ids), mail_ids)


def remind_due(session: Session, base_url: str) -> list[tuple[Survey, Sent]]:
    """The reminders set for open surveys (`reminder_days`) that are due (`culturegap worker`): one round per
    survey, to the unused invitations only, as an admin's "remind" would. One worker acts on each survey
    (`SKIP LOCKED` on PostgreSQL; SQLite's writers queue), and marks the round done in the transaction that
    queues its mails; a worker that was down catches up with one round for the days it missed. A survey whose
    invitations were made under another SECRET_KEY waits, with a warning in the log, until the key is restored."""
    now = utcnow()
    due = list(session.scalars(select(Survey).where(
        Survey.status == SurveyStatus.open, Survey.next_reminder_at.is_not(None), Survey.next_reminder_at <= now)
        .order_by(Survey.next_reminder_at).with_for_update(skip_locked=True)))
    done = []
    for survey in due:
        try:
            check_key(survey.key_fingerprint)
        except KeyChanged:
            log.warning("survey %s: its reminders wait: SECRET_KEY is not the one its invitations were made under; "
                        "restore it", survey.id)
            continue
        organisation = session.get_one(Organisation, survey.organisation_id)
        accepting = survey.closes_at is None or now < survey.closes_at
        sent = send_reminders(session, organisation, survey, base_url) if accepting else Sent(0, [])
        survey_service.reminder_done(survey, now)
        done.append((survey, sent))
    session.flush()
    return done


def _enqueue(session: Session, organisation: Organisation, survey: Survey, email: str, language: str,
             base_url: str, token: str, *, reminder: bool, now: datetime) -> uuid.UUID:
    text = messages.invitation(language, organisation=organisation.name, survey=survey.title,
                               link=respond_url(base_url, token), k=survey.min_group_size,
                               closes_at=survey.closes_at, reminder=reminder)
    # the outbox holds a survey's mail until the survey accepts responses (an open survey's `opens_at`)
    start = max(now, survey.opens_at) if survey.opens_at is not None else now
    return outbox.enqueue(session, email, text, expires_at=start + MAIL_VALID, organisation_id=organisation.id,
                          survey_id=survey.id)


@dataclass(frozen=True)
class Delivery:
    addresses: int
    sent: int
    waiting: int
    failed: int


def delivery(session: Session, survey: Survey) -> Delivery:
    """Per mailed address, the state of its latest mail: sent (gone from the outbox), waiting or failed."""
    rows = session.execute(
        select(InvitationMail.id, OutgoingMail.id, OutgoingMail.failed_at)
        .outerjoin(OutgoingMail, OutgoingMail.id == InvitationMail.last_mail_id)
        .where(InvitationMail.survey_id == survey.id)).all()
    failed = sum(1 for _, mail, failed_at in rows if mail is not None and failed_at is not None)
    waiting = sum(1 for _, mail, failed_at in rows if mail is not None and failed_at is None)
    return Delivery(addresses=len(rows), sent=len(rows) - failed - waiting, waiting=waiting, failed=failed)

