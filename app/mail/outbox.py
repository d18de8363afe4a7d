"""The outbox: a mail is written in the request's transaction and sent by SMTP after the response (FastAPI's
background tasks) or by `culturegap worker`, so a rolled-back request sends nothing and the answer does not wait
for, or reveal, the mail server.

Senders take mails in batches (`_claim`): one transaction marks up to BATCH due mails as theirs, with
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (several senders on several hosts take disjoint batches without
waiting for each other) and plainly on SQLite, whose writers queue at `BEGIN IMMEDIATE` (`app.db`). A batch goes
over one SMTP connection. A transient failure (no connection, a dropped one, an SMTP 4xx) is tried again after
BACKOFF (5, 20, 80, 320 minutes); after the last, or a permanent failure (an SMTP 5xx for the recipient or the
message), the mail is given up: `failed_at` set, its body dropped, its error kept with any address masked. The
delivery counts (`app.invitations.mailing.delivery`) count it; nothing shows its address.

What "each message once" means with SMTP. The server has a message when it answers 250 to the end of its data;
we know it has when that answer reaches us and we delete the row (`_acknowledge`, its own commit, right after
each message). A sender that dies between the two leaves a claimed row whose 250 nobody recorded, and no one can
tell whether the server took the message: not sending it again could lose it, so after CLAIM_LAPSES it is sent
again (at least once; RFC 1047 describes the same window for relays). That window is one message per dead sender
(it sends one at a time and acknowledges each before the next), the resent copy has the same Message-ID (made from
the row's id), so a mail client shows it once, and no message whose 250 was recorded is ever sent again: the row
is gone. Mails of the batch that were never tried are sent once, after the lapse, by whichever sender comes next.
"""

import logging
import re
import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.orm import Session

from app import sealing
from app.config import Settings, get_settings
from app.db import get_sessionmaker, utcnow
from app.mail.messages import Text
from app.mail.models import OutgoingMail
from app.surveys.models import Survey, SurveyStatus

log = logging.getLogger(__name__)
BATCH = 100
BACKOFF = (timedelta(minutes=5), timedelta(minutes=20), timedelta(minutes=80), timedelta(minutes=320))
MAX_ATTEMPTS = len(BACKOFF) + 1
CLAIM_LAPSES = timedelta(minutes=5)  # an attempt not finished by then died with its sender (far above SMTP_TIMEOUT)
_PURPOSE = b"culturegap outbox body v1"
_NEEDED_FOR = "Mailing invitations"
_ADDRESS = re.compile(r"[^\s<>\"',;:]+@[^\s<>\"',;:]+")


def enqueue(session: Session, recipient: str, text: Text, *, expires_at: datetime,
            organisation_id: uuid.UUID | None, survey_id: uuid.UUID | None = None) -> uuid.UUID:
    """A mail to send. A survey's mail waits while the survey does not accept responses, goes at its close, and its
    body, whose link answers the survey, is stored sealed (a sign-in link's mail lives for minutes)."""
    mail_id = uuid.uuid4()
    sealed = (sealing.seal(_PURPOSE, mail_id.bytes, text.body, needed_for=_NEEDED_FOR)
              if survey_id is not None else None)
    mail = OutgoingMail(id=mail_id, organisation_id=organisation_id, survey_id=survey_id, recipient=recipient,
                        subject=text.subject, body=None if sealed else text.body, sealed_body=sealed, attempts=0,
                        expires_at=expires_at)
    session.add(mail)  # flushed with the caller's other rows (the id is made here): one round trip for many
    return mail_id


def forget_survey(session: Session, survey_id: uuid.UUID) -> None:
    """At a survey's close: its unsent and given-up mails go, with their addresses."""
    session.execute(delete(OutgoingMail).where(OutgoingMail.survey_id == survey_id))


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    recipient: str
    subject: str
    body: str
    attempts: int  # with this one
    claimed_at: datetime


@dataclass
class Tally:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __iadd__(self, other: "Tally") -> "Tally":
        self.sent, self.retrying, self.failed = (self.sent + other.sent, self.retrying + other.retrying,
                                                 self.failed + other.failed)
        return self


def _accepting(now: datetime) -> ColumnElement[bool]:
    """Mails not of a survey, and those of a survey that accepts responses and whose invitations were made under
    this sender's SECRET_KEY: a sender holding another key leaves a survey's mails to one that holds its key,
    rather than giving up mails it can't unseal (until they expire, `_give_up_stale`)."""
    return or_(OutgoingMail.survey_id.is_(None), OutgoingMail.survey_id.in_(
        select(Survey.id).where(Survey.status == SurveyStatus.open,
                                or_(Survey.opens_at.is_(None), Survey.opens_at <= now),
                                or_(Survey.key_fingerprint.is_(None),
                                    Survey.key_fingerprint == sealing.fingerprint()))))


def _unfinished(now: datetime) -> ColumnElement[bool]:
    return and_(OutgoingMail.sent_at.is_(None), OutgoingMail.failed_at.is_(None),
                or_(OutgoingMail.claimed_at.is_(None), OutgoingMail.claimed_at < now - CLAIM_LAPSES))


def _give_up_stale(session: Session, now: datetime) -> None:
    """Mails expired unsent, and last attempts whose sender died, are given up (and counted as failed)."""
    for condition, error in ((OutgoingMail.expires_at <= now, "expired before it could be sent"),
                             (OutgoingMail.attempts >= MAX_ATTEMPTS, "the sender stopped during the last attempt")):
        session.execute(update(OutgoingMail).where(_unfinished(now), condition)
                        .values(failed_at=now, body=None, sealed_body=None, last_error=error))


def _claim(ids: list[uuid.UUID] | None, limit: int = BATCH) -> list[Claimed]:
    """Take up to `limit` due mails (of `ids`, when given): each attempt is one sender's."""
    now = utcnow()
    with get_sessionmaker().begin() as session:
        if ids is None:
            _give_up_stale(session, now)
        query = (select(OutgoingMail).where(
            _unfinished(now), OutgoingMail.attempts < MAX_ATTEMPTS, OutgoingMail.expires_at > now,
            or_(OutgoingMail.next_attempt_at.is_(None), OutgoingMail.next_attempt_at <= now), _accepting(now))
            .order_by(OutgoingMail.created_at, OutgoingMail.id).limit(limit)
            .with_for_update(skip_locked=True))
        if ids is not None:
            query = query.where(OutgoingMail.id.in_(ids))
        claimed = []
        for mail in session.scalars(query):
            mail.attempts, mail.claimed_at, mail.next_attempt_at = mail.attempts + 1, now, None
            body = mail.body if mail.sealed_body is None else sealing.unseal(
                _PURPOSE, mail.id.bytes, mail.sealed_body, needed_for=_NEEDED_FOR)
            if body is None:  # SECRET_KEY changed since: nobody can send it any more
                mail.failed_at, mail.sealed_body = now, None
                mail.last_error = "can't be unsealed (SECRET_KEY changed)"
            else:
                claimed.append(Claimed(mail.id, mail.recipient, mail.subject, body, mail.attempts, now))
        return claimed


def _acknowledge(mail: Claimed) -> None:
    """The server answered 250: the mail is sent, and nothing of it stays (the link in it least of all)."""
    with get_sessionmaker().begin() as session:
        session.execute(delete(OutgoingMail).where(OutgoingMail.id == mail.id))


def _failed(mail: Claimed, error: str, *, permanent: bool) -> bool:
    """Record a failed attempt (unless another sender has taken the mail since); True if given up."""
    now = utcnow()
    give_up = permanent or mail.attempts >= MAX_ATTEMPTS
    values: dict[str, object] = {"last_error": _ADDRESS.sub("<address>", error)[:300], "claimed_at": None}
    if give_up:
        values.update(failed_at=now, body=None, sealed_body=None)
    else:
        values.update(next_attempt_at=now + BACKOFF[mail.attempts - 1])
    with get_sessionmaker().begin() as session:
        session.execute(update(OutgoingMail).where(OutgoingMail.id == mail.id,
                                                   OutgoingMail.claimed_at == mail.claimed_at).values(**values))
    return give_up


def _message(settings: Settings, mail: Claimed) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow())
    # the same for every attempt: a copy resent after an unacknowledged 250 is recognisably the same message
    message["Message-ID"] = f"<{mail.id}@{settings.mail_from.rpartition('@')[2] or 'localhost'}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body)
    return message


def _connect(settings: Settings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.smtp_security == "tls":
        smtp = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout,
                                context=context)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
    try:
        if smtp.sock is not None:  # commands are small writes: without this, Nagle waits for delayed ACKs (~40 ms)
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if settings.smtp_security == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _permanent(exc: Exception) -> tuple[bool, str]:
    """An SMTP 5xx for this recipient or this message is permanent; anything else (no connection, a dropped one,
    a 4xx, a refused login or sender, which are the server's or the settings' fault) may pass."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()), (0, b""))
        return 500 <= code < 600, f"{code} {_text(reply)}"
    if isinstance(exc, smtplib.SMTPDataError):
        return 500 <= exc.smtp_code < 600, f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return False, f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return False, f"{type(exc).__name__}: {exc}"


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _send_batch(settings: Settings, batch: list[Claimed]) -> Tally:
    tally = Tally()
    smtp: smtplib.SMTP | None = None
    try:
        for mail in batch:
            try:
                if smtp is None:
                    smtp = _connect(settings)
                smtp.send_message(_message(settings, mail))
            except (OSError, smtplib.SMTPException) as exc:
                permanent, error = _permanent(exc)
                if isinstance(exc, (OSError, smtplib.SMTPServerDisconnected)) and smtp is not None:
                    smtp.close()
                    smtp = None
                log.warning("sending mail %s failed (attempt %d): %s", mail.id, mail.attempts,
                            _ADDRESS.sub("<address>", error)[:120])
                if _failed(mail, error, permanent=permanent):
                    tally.failed += 1
                else:
                    tally.retrying += 1
            else:
                _acknowledge(mail)
                tally.sent += 1
    finally:
        if smtp is not None:
            _quit(smtp)
    return tally


def deliver(mail_ids: list[uuid.UUID]) -> Tally:
    """Send these mails, then one batch of others that are due. Runs after the response; never raises for SMTP."""
    settings = get_settings()
    if not settings.smtp_host:
        log.warning("SMTP_HOST is not set: %d mail(s) stay in the outbox", len(mail_ids))
        return Tally()
    tally = Tally()
    for start in range(0, len(mail_ids), BATCH):
        tally += _send_batch(settings, _claim(mail_ids[start:start + BATCH]))
    tally += _send_batch(settings, _claim(None))
    return tally


def deliver_due(max_batches: int | None = None) -> Tally:
    """Send due mails batch after batch until none is left (`culturegap worker`)."""
    settings = get_settings()
    tally = Tally()
    if not settings.smtp_host:
        return tally
    done = 0
    while max_batches is None or done < max_batches:
        batch = _claim(None)
        if not batch:
            break
        tally += _send_batch(settings, batch)
        done += 1
    return tally
