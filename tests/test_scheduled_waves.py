"""Scheduled waves: a draft with `opens_at` opens itself, the reminders set in `reminder_days` go to the unused
invitations only, once however many workers run, a worker that was down catches up with one round, and the wave
closes itself at `closes_at`. `culturegap worker` runs as real processes; "as if three days had passed" moves the
survey's times back in the database. Mail goes through the suite's real SMTP server."""

import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from app.invitations.models import InvitationMail
from app.mail.models import OutgoingMail
from app.surveys.models import Survey
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import unique_email
from tests.respond_factories import csv_upload, db_execute, db_scalars, error_locs, submit
from tests.survey_factories import create_survey, open_survey
from tests.test_invitation_mail import _token
from tests.worker_process import run_workers


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _workers(database_url: str, n: int = 1) -> None:
    run_workers({**os.environ, "DATABASE_URL": database_url, "PUBLIC_BASE_URL": "http://survey.test"}, n)


def _earlier(survey_id: str, by: timedelta) -> None:
    """As if `by` had passed: every time of the survey (and of its reminders) moves back."""
    sid = uuid.UUID(survey_id)
    [survey] = db_scalars(select(Survey).where(Survey.id == sid))
    values = {name: getattr(survey, name) - by for name in ("opens_at", "opened_at", "next_reminder_at")
              if getattr(survey, name) is not None}
    db_execute(update(Survey).where(Survey.id == sid).values(**values))
    for row in db_scalars(select(InvitationMail).where(InvitationMail.survey_id == sid,
                                                       InvitationMail.reminded_at.is_not(None))):
        db_execute(update(InvitationMail).where(InvitationMail.id == row.id).values(reminded_at=row.reminded_at - by))


def _events(org: OrgContext, survey_id: str, action: str) -> list[dict[str, Any]]:
    events = org.admin.get(f"{org.prefix}/audit-events", params={"object_id": survey_id}).json()["events"]
    return [e for e in events if e["action"] == action]


def _start(survey: dict[str, Any]) -> datetime:
    """When it began to accept responses (reminder days count from then)."""
    return max(datetime.fromisoformat(survey["opens_at"]), datetime.fromisoformat(survey["opened_at"]))


def _next(survey: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(survey["next_reminder_at"])


def _get(org: OrgContext, survey_id: str) -> dict[str, Any]:
    return dict(org.admin.get(f"{org.prefix}/surveys/{survey_id}").json())


def test_reminder_days_are_checked_and_may_change_while_open(org: OrgContext):
    surveys = f"{org.prefix}/surveys"
    for bad in ([0], [3, 3], [400], ["3"], list(range(1, 12)), 7):
        survey = create_survey(org)
        response = org.admin.post(surveys, json={**{k: survey[k] for k in ("title", "questionnaire_id")},
                                                 "reminder_days": bad})
        assert response.status_code == 422, (bad, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert all(loc[:2] == ["body", "reminder_days"] for loc in error_locs(response)), error_locs(response)
    survey = create_survey(org, reminder_days=[7, 3])
    assert survey["reminder_days"] == [3, 7] and survey["next_reminder_at"] is None  # a draft: nothing planned
    patch = f"{surveys}/{survey['id']}"
    assert org.admin.patch(patch, json={"reminder_days": None}).status_code == 422
    assert org.admin.patch(patch, json={"reminder_days": [2, 2]}).status_code == 422
    assert _get(org, survey["id"])["reminder_days"] == [3, 7]  # a refused change changes nothing

    opened = open_survey(org, reminder_days=[3])
    start = datetime.fromisoformat(opened["opened_at"])
    assert datetime.fromisoformat(opened["next_reminder_at"]) == start + timedelta(days=3)
    changed = org.admin.patch(f"{surveys}/{opened['id']}", json={"reminder_days": [2, 5]})
    assert changed.status_code == 200, changed.text
    assert datetime.fromisoformat(changed.json()["next_reminder_at"]) == start + timedelta(days=2)
    assert org.admin.patch(f"{surveys}/{opened['id']}", json={"min_group_size": 7}).status_code == 409
    [event] = _events(org, opened["id"], "survey.updated")
    assert event["details"] == {"fields": ["reminder_days"]}


def test_a_wave_opens_reminds_the_unanswered_once_catches_up_and_closes_by_itself(
        org: OrgContext, http: httpx.Client, database_url: str, mailbox: Mailbox):
    now = datetime.now(UTC)
    survey = create_survey(org, title="Voorjaarsmeting", languages=["en"], opens_at=_iso(now + timedelta(hours=1)),
                           closes_at=_iso(now + timedelta(days=14)), reminder_days=[3, 5, 7])
    sid = survey["id"]
    _workers(database_url)
    assert _get(org, sid)["status"] == "draft"  # not yet

    _earlier(sid, timedelta(hours=1, minutes=1))
    _workers(database_url, 2)  # two workers: one opens it
    opened = _get(org, sid)
    assert opened["status"] == "open" and opened["accepting"]
    assert _next(opened) == _start(opened) + timedelta(days=3)
    [event] = _events(org, sid, "survey.opened")
    assert event["details"] == {"scheduled": True} and event["actor"]["kind"] == "none"  # the schedule, nobody

    answered, waiting, busy = (unique_email(n) for n in ("answered", "waiting", "busy"))
    lines = "".join(f"{a},Team Post,employee\n" for a in (answered, waiting, busy))
    org.unit("Team Post")
    mailed = org.admin.post(f"{org.prefix}/surveys/{sid}/invitations/mail", files=csv_upload("email,unit,layer\n"
                                                                                              + lines))
    assert mailed.status_code == 201, mailed.text
    tokens = {a: _token(mailbox.wait_for(a)[0]) for a in (answered, waiting, busy)}
    assert submit(http, tokens[answered], {"openness_1": 3}).status_code == 201

    _earlier(sid, timedelta(days=3))  # day 3: the first reminder, by one of two workers
    _workers(database_url, 2)
    assert [len(mailbox.to(a)) for a in (answered, waiting, busy)] == [1, 2, 2]
    reminder = mailbox.to(waiting)[1]
    assert reminder.subject.startswith("Reminder: Voorjaarsmeting") and _token(reminder) == tokens[waiting]
    [sent] = _events(org, sid, "survey.reminders_mailed")
    assert sent["details"] == {"count": 2, "scheduled": True}
    now_read = _get(org, sid)
    assert _next(now_read) == _start(now_read) + timedelta(days=5)
    assert submit(http, tokens[busy], {"openness_1": 4}).status_code == 201

    _earlier(sid, timedelta(days=5))  # day 8: days 5 and 7 were missed (no worker ran): one round for both
    _workers(database_url)
    assert [len(mailbox.to(a)) for a in (answered, waiting, busy)] == [1, 3, 2]
    assert len(_events(org, sid, "survey.reminders_mailed")) == 2
    assert _get(org, sid)["next_reminder_at"] is None
    _workers(database_url)
    assert len(mailbox.to(waiting)) == 3  # nothing more is due

    db_execute(update(Survey).where(Survey.id == uuid.UUID(sid)).values(closes_at=datetime.now(UTC)))
    _workers(database_url)
    closed = _get(org, sid)
    assert closed["status"] == "closed" and closed["next_reminder_at"] is None
    assert db_scalars(select(InvitationMail).where(InvitationMail.survey_id == uuid.UUID(sid))) == []
    assert db_scalars(select(OutgoingMail).where(OutgoingMail.survey_id == uuid.UUID(sid))) == []


def test_mail_for_a_wave_that_opens_later_waits_for_its_opening(org: OrgContext, database_url: str,
                                                                mailbox: Mailbox):
    now = datetime.now(UTC)
    survey = open_survey(org, opens_at=_iso(now + timedelta(hours=2)), languages=["en"])
    sid = survey["id"]
    early = unique_email("early")
    org.unit("Team Post")
    mailed = org.admin.post(f"{org.prefix}/surveys/{sid}/invitations/mail",
                            files=csv_upload(f"email,unit,layer\n{early},Team Post,employee\n"))
    assert mailed.status_code == 201, mailed.text
    _workers(database_url)
    [held] = db_scalars(select(OutgoingMail).where(OutgoingMail.survey_id == uuid.UUID(sid)))
    assert held.attempts == 0 and mailbox.to(early) == []  # its link would not work yet
    assert held.expires_at > now + timedelta(days=7)  # a week from the opening, not from the upload
    delivery = org.admin.get(f"{org.prefix}/surveys/{sid}/invitations/mail-delivery").json()
    assert delivery == {"addresses": 1, "sent": 0, "waiting": 1, "failed": 0}

    _earlier(sid, timedelta(hours=2, minutes=1))
    _workers(database_url)
    assert len(mailbox.wait_for(early)) == 1


def test_invitees_of_a_draft_that_opens_itself_are_mailed_at_its_opening(org: OrgContext, database_url: str,
                                                                        mailbox: Mailbox):
    survey = create_survey(org, opens_at=_iso(datetime.now(UTC) + timedelta(days=2)), languages=["en"])
    sid = survey["id"]
    ahead = unique_email("ahead")
    org.unit("Team Post")
    mailed = org.admin.post(f"{org.prefix}/surveys/{sid}/invitations/mail",
                            files=csv_upload(f"email,unit,layer\n{ahead},Team Post,employee\n"))
    assert mailed.status_code == 201, mailed.text
    _workers(database_url)
    assert mailbox.to(ahead) == [] and _get(org, sid)["status"] == "draft"
    _earlier(sid, timedelta(days=2, minutes=1))
    _workers(database_url)  # opens it, then sends its mail
    assert _get(org, sid)["status"] == "open" and len(mailbox.wait_for(ahead)) == 1
