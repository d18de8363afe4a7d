"""Invitations mailed by the service and reminders to unused links, through a real SMTP server: one link per line
of the uploaded file, in the respondent's language; reminders carry the same link, only to unused ones, once a
day; a bad file mails nothing; the addresses are gone when the survey closes."""

import os
import re
import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, insert, select, update

from app.db import utcnow
from app.invitations.models import Invitation, InvitationMail
from app.mail.models import OutgoingMail
from tests.factories import OrgContext
from tests.mailbox import Mail, Mailbox
from tests.people_factories import unique_email
from tests.respond_factories import csv_upload, db_execute, db_scalars, error_locs, problem_code, submit
from tests.survey_factories import create_survey, open_survey
from tests.worker_process import run_workers

LINK = re.compile(r"(https?://\S+)/respond#([A-Za-z0-9_-]{32,})")


def _mail(org: OrgContext, survey_id: str, text: str, **params: Any) -> httpx.Response:
    return org.admin.post(f"{org.prefix}/surveys/{survey_id}/invitations/mail", params=params, files=csv_upload(text))


def _token(mail: Mail) -> str:
    match = LINK.search(mail.text)
    assert match, mail.text
    return match.group(2)


def _survey(org: OrgContext) -> tuple[str, str]:
    team = org.unit("Team Post")
    survey = open_survey(org, title="Meting 2027", languages=["nl", "en"], min_group_size=5)
    return str(survey["id"]), team


def test_each_line_gets_its_own_link_in_its_language_and_the_link_answers(org: OrgContext, http: httpx.Client,
                                                                          mailbox: Mailbox):
    survey, team = _survey(org)
    dutch, english = unique_email("piet"), unique_email("anne")
    response = _mail(org, survey, f"email,unit,layer,language\n{dutch.upper()},Team Post,Medewerker,nl\n"
                                  f"{english},{team},team leader,en\n")  # layers by name, in either language
    assert response.status_code == 201, response.text
    assert response.json() == {"mailed": 2}
    assert response.headers["location"].endswith(f"/surveys/{survey}/invitations/summary")

    nl, en = mailbox.wait_for(dutch)[0], mailbox.wait_for(english)[0]
    name = org.admin.get(org.prefix).json()["name"]
    assert nl.subject.startswith(f"{name}: hoe ziet u onze cultuur?") and "Meting 2027" in nl.subject
    assert "kleiner dan 5 mensen" in nl.text and "stuur hem niet door" in nl.text and "gewist" in nl.text
    assert en.subject.startswith(f"{name}: how do you see our culture?") and "smaller than 5 people" in en.text
    assert "deleted when it" in en.text and "answer until" not in en.text  # no closing time set
    assert "Leaders and HR see figures per group" in en.text and "Leidinggevenden en HR zien cijfers" in nl.text
    assert LINK.search(en.text).group(1) == str(http.base_url).rstrip("/")  # type: ignore[union-attr]
    assert _token(nl) != _token(en)

    summary = org.admin.get(f"{org.prefix}/surveys/{survey}/invitations/summary").json()
    assert {(g["layer_key"], g["issued"]) for g in summary["groups"]} == {("employee", 1), ("team_leader", 1)}
    assert submit(http, _token(nl), {"openness_1": 4}, language="nl").status_code == 201
    assert submit(http, _token(nl), {"openness_1": 4}, language="nl").status_code == 409  # once

    # the address and the link are not stored in the clear; the sent mails left the outbox
    rows = db_scalars(select(InvitationMail).join(Invitation, Invitation.id == InvitationMail.invitation_id)
                      .where(Invitation.survey_id == uuid.UUID(survey)))
    assert sorted(r.email for r in rows) == sorted([dutch, english])
    assert all(_token(nl).encode() not in r.sealed_token and _token(en).encode() not in r.sealed_token for r in rows)
    delivery = org.admin.get(f"{org.prefix}/surveys/{survey}/invitations/mail-delivery")
    assert delivery.json() == {"addresses": 2, "sent": 2, "waiting": 0, "failed": 0}


def test_reminders_carry_the_same_link_to_unused_ones_only_and_once_a_day(org: OrgContext, http: httpx.Client,
                                                                          mailbox: Mailbox):
    survey, _ = _survey(org)
    done, waiting, late = unique_email("done"), unique_email("waiting"), unique_email("late")
    lines = "".join(f"{a},Team Post,employee,en\n" for a in (done, waiting, late))
    assert _mail(org, survey, "email,unit,layer,language\n" + lines).status_code == 201
    tokens = {a: _token(mailbox.wait_for(a)[0]) for a in (done, waiting, late)}
    assert submit(http, tokens[done], {"openness_1": 2}).status_code == 201

    remind = f"{org.prefix}/surveys/{survey}/invitations/reminders"
    response = org.admin.post(remind)
    assert response.status_code == 200 and response.json() == {"reminded": 2}
    for address in (waiting, late):
        _, reminder = mailbox.wait_for(address, 2)
        assert reminder.subject.startswith("Reminder: Meting 2027") and _token(reminder) == tokens[address]
        assert "smaller than 5 people" in reminder.text and "deleted when" in reminder.text
    assert org.admin.post(remind).json() == {"reminded": 0}  # a second click the same day mails nobody
    assert len(mailbox.to(done)) == 1 and len(mailbox.to(waiting)) == 2


def test_a_file_with_any_bad_line_mails_nothing_and_says_which(org: OrgContext, mailbox: Mailbox):
    survey, _ = _survey(org)
    good = unique_email("good")
    response = _mail(org, survey, "email,unit,layer,language\n"
                                  f"{good},Team Post,employee,nl\n"
                                  "not-an-address,Team Post,employee,nl\n"
                                  f"{unique_email('x')},Team Nowhere,employee,nl\n"
                                  f"{unique_email('y')},Team Post,chef,nl\n"
                                  f"{unique_email('z')},Team Post,employee,de\n"
                                  f"{good},Team Post,employee,en\n")
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert error_locs(response) == [["file", 3, "email"], ["file", 4, "unit"], ["file", 5, "layer"],
                                    ["file", 6, "language"], ["file", 7, "email"]]
    assert "line 2" in response.json()["errors"][-1]["msg"]
    issued = select(func.count()).select_from(Invitation).where(Invitation.survey_id == uuid.UUID(survey))
    assert db_scalars(issued) == [0]
    assert db_scalars(select(OutgoingMail).where(OutgoingMail.recipient == good)) == [] and mailbox.to(good) == []

    assert _mail(org, survey, f"email,unit,layer\n{good},Team Post,employee\n").status_code == 201
    again = _mail(org, survey, f"email,unit,layer\n{good},Team Post,employee\n")
    assert again.status_code == 422 and "send a reminder instead" in again.json()["errors"][0]["msg"]
    assert _mail(org, survey, "unit,layer\nTeam Post,employee\n").status_code == 422


def test_only_an_open_survey_mails_and_its_close_forgets_the_addresses(org: OrgContext, mailbox: Mailbox):
    survey, _ = _survey(org)
    draft = create_survey(org)["id"]
    refused = _mail(org, draft, f"email,unit,layer\n{unique_email('early')},Team Post,employee\n")
    assert refused.status_code == 409 and problem_code(refused) == "survey-not-open"

    address = unique_email("kept")
    assert _mail(org, survey, f"email,unit,layer\n{address},Team Post,employee\n").status_code == 201
    mailbox.wait_for(address)
    assert org.admin.post(f"{org.prefix}/surveys/{survey}/close").status_code == 200
    assert db_scalars(select(InvitationMail).where(InvitationMail.email == address)) == []
    delivery = org.admin.get(f"{org.prefix}/surveys/{survey}/invitations/mail-delivery").json()
    assert delivery == {"addresses": 0, "sent": 0, "waiting": 0, "failed": 0}
    late = org.admin.post(f"{org.prefix}/surveys/{survey}/invitations/reminders")
    assert late.status_code == 409 and problem_code(late) == "survey-not-open"


def test_the_delivery_count_shows_mails_given_up(org: OrgContext, mailbox: Mailbox):
    survey, _ = _survey(org)
    ok, bounced = unique_email("ok"), unique_email("bounced")
    assert _mail(org, survey, f"email,unit,layer\n{ok},Team Post,employee\n{bounced},Team Post,employee\n"
                 ).status_code == 201
    mailbox.wait_for(ok)
    mailbox.wait_for(bounced)
    # a latest mail that the sender gave up on, as it leaves one: without its body, with its error (app.mail.outbox)
    mail_id, now = uuid.uuid4(), utcnow()
    db_execute(update(InvitationMail).where(InvitationMail.email == bounced).values(last_mail_id=mail_id))
    db_execute(insert(OutgoingMail).values(id=mail_id, recipient=bounced, subject="x", body=None, attempts=5,
                                           last_error="550 no such user", failed_at=now, expires_at=now,
                                           created_at=now))
    delivery = org.admin.get(f"{org.prefix}/surveys/{survey}/invitations/mail-delivery").json()
    assert delivery == {"addresses": 2, "sent": 1, "waiting": 0, "failed": 1}


def test_workers_send_what_no_server_sent_each_mail_once(database_url: str, mailbox: Mailbox):
    """Mails whose server stopped before sending them (still in the outbox, never tried): two `culturegap worker`
    processes at once send each exactly once."""
    addresses = [unique_email(f"orphan{i}") for i in range(6)]
    created = utcnow() - timedelta(minutes=1)
    for address in addresses:
        db_execute(insert(OutgoingMail).values(id=uuid.uuid4(), recipient=address, subject="Uitnodiging",
                                               body="Beste collega,\n\nhttps://example.test/respond#x\n",
                                               attempts=0, expires_at=created + timedelta(days=1),
                                               created_at=created))
    run_workers({**os.environ, "DATABASE_URL": database_url}, 2)
    for address in addresses:
        mailbox.wait_for(address)
        assert len(mailbox.to(address)) == 1
    assert db_scalars(select(OutgoingMail).where(OutgoingMail.recipient.in_(addresses))) == []


def _check(org: OrgContext, survey_id: str, text: str) -> httpx.Response:
    return org.admin.post(f"{org.prefix}/surveys/{survey_id}/invitations/mail/check", files=csv_upload(text))


def test_a_list_is_checked_line_by_line_and_nothing_is_stored_or_mailed(org: OrgContext, mailbox: Mailbox):
    """The console's "check, then send": the same checks as the sending, every line as it would be mailed, and not
    a row written (no invitation, outbox mail, kept address, audit entry, nor the survey's key fingerprint)."""
    from app.audit.models import AuditEvent
    from app.surveys.models import Survey
    from tests.test_key_change import ANOTHER_KEY, secret_key

    survey, team = _survey(org)
    sid = uuid.UUID(survey)
    audited = select(func.count()).select_from(AuditEvent).where(AuditEvent.object_id == sid)
    [audit_before] = db_scalars(audited)
    dutch, english = unique_email("piet"), unique_email("anne")
    good = f"email,unit,layer,language\n {dutch} ,Team Post,Medewerker,\n{english},{team},team_leader,en\n"
    checked = _check(org, survey, good)
    assert checked.status_code == 200 and checked.headers["cache-control"] == "no-store", checked.text
    assert checked.json() == {"count": 2, "lines": [
        {"line": 2, "email": dutch, "unit_id": team, "unit_path": ["Team Post"], "layer_key": "employee",
         "language": "nl"},
        {"line": 3, "email": english, "unit_id": team, "unit_path": ["Team Post"], "layer_key": "team_leader",
         "language": "en"}]}
    for table, column in ((Invitation, Invitation.survey_id), (InvitationMail, InvitationMail.survey_id),
                          (OutgoingMail, OutgoingMail.survey_id)):
        assert db_scalars(select(func.count()).select_from(table).where(column == sid)) == [0], table
    assert db_scalars(audited) == [audit_before]
    assert db_scalars(select(Survey.key_fingerprint).where(Survey.id == sid)) == [None]

    bad = "email,unit,layer\nnot-an-address,Team Post,employee\n" + f"{english},Team Nowhere,chef\n"
    assert error_locs(_check(org, survey, bad)) == error_locs(_mail(org, survey, bad)) == [
        ["file", 2, "email"], ["file", 3, "unit"], ["file", 3, "layer"]]
    draft = create_survey(org)["id"]
    assert problem_code(_check(org, draft, good)) == "survey-not-open"

    assert _mail(org, survey, good).status_code == 201  # sent as checked
    mailbox.wait_for(dutch)
    again = _check(org, survey, good)  # now already invited
    assert error_locs(again) == [["file", 2, "email"], ["file", 3, "email"]]
    with secret_key(ANOTHER_KEY):
        assert problem_code(_check(org, survey, f"email,unit,layer\n{unique_email('k')},Team Post,employee\n")) \
            == "secret-key-changed"
    with secret_key(""):
        assert problem_code(_check(org, draft, good)) == "survey-not-open"
        assert problem_code(_check(org, create_survey(org, opens_at=(utcnow() + timedelta(days=1)).isoformat())[
            "id"], good)) == "no-secret-key"
    assert db_scalars(audited) == [audit_before + 1]  # the sending, not the checks


def test_a_unit_is_named_by_its_name_when_one_unit_has_it(org: OrgContext, mailbox: Mailbox):
    """An HR export names a department, not its path: a name that one unit has names it (in both kinds of list);
    a name that several units have is refused with their paths; and an unknown one says what may name a unit."""
    survey, _ = _survey(org)
    a, b = org.unit("Directie A"), org.unit("Directie B")
    only = org.unit("Burgerzaken", a)
    org.unit("Team Balie", a), org.unit("Team Balie", b)
    checked = _check(org, survey, f"email,unit,layer\n{unique_email('p')},burgerzaken,employee\n")
    assert checked.status_code == 200, checked.text
    assert [(line["unit_id"], line["unit_path"]) for line in checked.json()["lines"]] == [
        (only, ["Directie A", "Burgerzaken"])]
    imported = org.admin.post(f"{org.prefix}/surveys/{survey}/invitations/import",
                              files=csv_upload("unit,layer,count\nBurgerzaken,employee,2\n"))
    assert imported.status_code == 201, imported.text
    bad = _check(org, survey, f"email,unit,layer\n{unique_email('q')},Team Balie,employee\n"
                              f"{unique_email('r')},Team Nergens,employee\n")
    assert bad.status_code == 422
    assert [(e["loc"], e["msg"]) for e in bad.json()["errors"]] == [
        (["file", 2, "unit"], "2 units are called Team Balie: give the path (Directie A/Team Balie, "
                              "Directie B/Team Balie)"),
        (["file", 3, "unit"], "no such unit in this organisation (give its path, name, external key or id)")]
    path = _check(org, survey, f"email,unit,layer\n{unique_email('s')},Directie B/Team Balie,employee\n")
    assert path.status_code == 200, path.text
