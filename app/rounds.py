"""The scheduled work: one round opens the drafts whose opening time has come, closes the surveys whose closing time
has passed (which publishes their figures), mails the reminders that are due, and sends the mail and webhook
outboxes -- what a server's after-response send never got to (it stopped first) and what is to be tried again.

`culturegap worker` runs rounds in a process of its own. With WORKER_INTERVAL set, every server process runs them
too, in a thread of its own (`InServerRounds`), so a one-host installation (`make run`, the Docker image) opens,
reminds, closes and retries mail without a second command. Any number of rounds may run at once, on any number of
hosts: each survey is opened, closed and reminded by one of them (`SKIP LOCKED` on PostgreSQL; SQLite's writers
queue), each mail and webhook delivery claimed by one.
"""

import logging
import threading

from app.config import get_settings

log = logging.getLogger("culturegap.worker")


def run_round() -> None:
    from app.audit import service as audit
    from app.audit.actions import AuditAction
    from app.db import get_sessionmaker
    from app.invitations.mailing import remind_due
    from app.mail import outbox
    from app.surveys.service import close_due, open_due
    from app.webhooks import sender as webhook_sender
    from app.webhooks.events import announce_milestones

    with get_sessionmaker().begin() as session:
        for survey in open_due(session):
            audit.record(session, AuditAction.survey_opened, survey.id, organisation_id=survey.organisation_id,
                         actor=None, scheduled=True)
            log.info("opened survey %s at its opening time", survey.id)
    with get_sessionmaker().begin() as session:
        for survey in close_due(session):
            audit.record(session, AuditAction.survey_closed, survey.id, organisation_id=survey.organisation_id,
                         actor=None, scheduled=True)
            log.info("closed survey %s at its closing time", survey.id)
    base_url = get_settings().public_base_url
    if base_url:
        with get_sessionmaker().begin() as session:
            for survey, sent in remind_due(session, base_url):
                audit.record(session, AuditAction.survey_reminders_mailed, survey.id,
                             organisation_id=survey.organisation_id, actor=None, count=sent.count, scheduled=True)
                log.info("mailed %d scheduled reminder(s) for survey %s", sent.count, survey.id)
    elif _reminders_due():
        log.warning("PUBLIC_BASE_URL is not set: scheduled reminders wait (their links need the server's address)")
    tally = outbox.deliver_due()
    if tally.sent or tally.retrying or tally.failed:
        log.info("mail: %d sent, %d to retry, %d given up", tally.sent, tally.retrying, tally.failed)
    with get_sessionmaker().begin() as session:
        announce_milestones(session)
    hooks = webhook_sender.deliver_due()
    if hooks.delivered or hooks.retrying or hooks.failed:
        log.info("webhooks: %d delivered, %d to retry, %d given up", hooks.delivered, hooks.retrying, hooks.failed)


def _reminders_due() -> bool:
    from sqlalchemy import select

    from app.db import get_sessionmaker, utcnow
    from app.surveys.models import Survey

    with get_sessionmaker(read_only=True)() as session:
        return session.scalar(select(Survey.id).where(Survey.next_reminder_at <= utcnow()).limit(1)) is not None


class InServerRounds:
    """Rounds every `interval` seconds in a daemon thread of a server process, from its start (a restarted server
    catches up at once) until `stop`. A round that fails (the database away for a moment) is logged and the next
    one runs as usual: it never takes the server down."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="culturegap-rounds", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Let the round under way finish (a mail is acknowledged before the next is sent), then end."""
        self._stopping.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                run_round()
            except Exception:  # logged; the next round tries again
                log.exception("a scheduled round failed; the next one runs in %s s", self.interval)
            self._stopping.wait(self.interval)
