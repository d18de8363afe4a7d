"""The outbox: a mail is written in the request's transaction and sent by SMTP after the response (FastAPI's
background tasks), so a rolled-back request sends nothing and the answer does not wait for, or reveal, the mail
server. A mail that failed, or that no send reached (its server stopped first), is sent with the next mail any
server sends, or by `culturegap worker`, up to MAX_ATTEMPTS, until it expires. Each attempt is claimed by one
conditional update (`_claim`): on PostgreSQL and SQLite alike, of several senders at once exactly one gets it."""

import logging
import smtplib
import ssl
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from app.config import Settings, get_settings
from app.db import get_sessionmaker, utcnow
from app.mail.messages import Text
from app.mail.models import OutgoingMail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
CLAIM_LAPSES = timedelta(minutes=5)  # an attempt not finished by then died with its sender (far above SMTP_TIMEOUT)


def enqueue(session: Session, recipient: str, text: Text, *, expires_at: datetime,
            organisation_id: uuid.UUID | None) -> uuid.UUID:
    mail = OutgoingMail(organisation_id=organisation_id, recipient=recipient, subject=text.subject, body=text.body,
                        attempts=0, expires_at=expires_at)
    session.add(mail)
    session.flush()
    return mail.id


def _message(settings: Settings, mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body or "")
    return message


def _send(settings: Settings, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.smtp_security == "tls":
        smtp = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout,
                                context=context)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
    with smtp:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


def _claim(mail_id: uuid.UUID, attempts: int) -> OutgoingMail | None:
    """Take the next attempt at a mail, unless another worker took it first."""
    with get_sessionmaker().begin() as session:
        claimed = session.execute(update(OutgoingMail).where(
            OutgoingMail.id == mail_id, OutgoingMail.attempts == attempts, OutgoingMail.sent_at.is_(None),
            OutgoingMail.failed_at.is_(None)).values(attempts=attempts + 1, claimed_at=utcnow()))
        if not claimed.rowcount:  # type: ignore[attr-defined]
            return None
        return session.get(OutgoingMail, mail_id)


def _finish(mail_id: uuid.UUID, *, error: str | None, give_up: bool) -> None:
    with get_sessionmaker().begin() as session:
        if error is None:  # sent: nothing of it stays (the link in it least of all)
            session.execute(delete(OutgoingMail).where(OutgoingMail.id == mail_id))
            return
        values: dict[str, object] = {"last_error": error[:300]}
        if give_up:
            values.update(failed_at=utcnow(), body=None)
        session.execute(update(OutgoingMail).where(OutgoingMail.id == mail_id).values(**values))


def deliver(mail_ids: list[uuid.UUID]) -> None:
    """Send these mails, and retry others that failed before. Runs after the response; never raises."""
    settings = get_settings()
    if not settings.smtp_host:
        log.warning("SMTP_HOST is not set: %d mail(s) stay in the outbox", len(mail_ids))
        return
    now = utcnow()
    with get_sessionmaker(read_only=True)() as session:
        retry = list(session.execute(select(OutgoingMail.id, OutgoingMail.attempts).where(
            OutgoingMail.sent_at.is_(None), OutgoingMail.failed_at.is_(None),
            OutgoingMail.attempts < MAX_ATTEMPTS, OutgoingMail.expires_at > now,
            OutgoingMail.created_at < now - timedelta(seconds=30),
            or_(OutgoingMail.claimed_at.is_(None), OutgoingMail.claimed_at < now - CLAIM_LAPSES))
            .order_by(OutgoingMail.created_at).limit(200)))
        session.commit()
    for mail_id, attempts in [*((m, 0) for m in mail_ids), *retry]:
        mail = _claim(mail_id, attempts)
        if mail is None:
            continue
        try:
            _send(settings, _message(settings, mail))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("sending mail %s failed (attempt %d): %s", mail_id, attempts + 1, type(exc).__name__)
            expired = mail.expires_at <= utcnow()
            _finish(mail_id, error=f"{type(exc).__name__}: {exc}", give_up=expired or attempts + 1 >= MAX_ATTEMPTS)
        else:
            _finish(mail_id, error=None, give_up=False)
