"""A SECRET_KEY changed while a wave is open: the used tokens' keys (app.invitations.used) would no longer be found
and used links would answer again. The survey records the key's fingerprint with its first invitations, and under
another key every use of its links -- reading, a draft, a submission -- is refused with 503 `secret-key-changed`,
as are new invitations and reminders, until the key is restored; then a used link is used again and the others
answer as before."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, update

from app.invitations.models import Invitation
from app.responses.models import Response
from app.surveys.models import Survey
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import unique_email
from tests.respond_factories import (
    RESPOND,
    csv_upload,
    db_execute,
    db_scalars,
    invite,
    item_keys,
    problem_code,
    submit,
    token_headers,
)
from tests.survey_factories import open_survey
from tests.worker_process import Forked

ANOTHER_KEY = "another-secret-key-after-a-redeploy-0123456789"


@contextmanager
def secret_key(value: str) -> Iterator[None]:
    """The server (in this process) holds `value` as its SECRET_KEY until the block ends."""
    from app.config import get_settings

    before = os.environ["SECRET_KEY"]
    os.environ["SECRET_KEY"] = value
    get_settings.cache_clear()
    try:
        yield
    finally:
        os.environ["SECRET_KEY"] = before
        get_settings.cache_clear()


def _responses(survey_id: str) -> int:
    return len(db_scalars(select(Response.id).where(Response.survey_id == uuid.UUID(survey_id))))


def _refused(response: httpx.Response) -> bool:
    return response.status_code == 503 and problem_code(response) == "secret-key-changed" and (
        "SECRET_KEY" in response.json()["detail"])


def test_a_used_link_does_not_answer_again_under_another_key(org: OrgContext, http: httpx.Client) -> None:
    survey = open_survey(org, ask_desired=True)
    team = org.unit("Team Key")
    used, fresh = invite(org, survey["id"], team, count=2)
    first = item_keys(org)[0]
    assert submit(http, used, {first: 4}).status_code == 201
    draft = {"language": "en", "current": {first: 2}}
    assert http.put(f"{RESPOND}/draft", headers=token_headers(fresh), json=draft).status_code == 200

    read = f"{org.prefix}/surveys/{survey['id']}"
    assert org.admin.get(read).json()["key_changed"] is False
    with secret_key(ANOTHER_KEY):
        assert org.admin.get(read).json()["key_changed"] is True  # the console says so
        again = submit(http, used, {first: 1})
        assert _refused(again), again.text  # before the fingerprint: 201, a second answer from one link
        for token in (used, fresh):
            assert _refused(http.get(RESPOND, headers=token_headers(token)))
            assert _refused(http.put(f"{RESPOND}/draft", headers=token_headers(token), json=draft))
            assert _refused(submit(http, token, {first: 5}))
        assert _responses(survey["id"]) == 1
        # new invitations for the survey are refused too: their links would be checked under the wrong key
        made = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations",
                              json={"unit_id": team, "layer_id": org.layers["employee"], "count": 1})
        assert _refused(made)
    assert len(db_scalars(select(Invitation.id).where(Invitation.survey_id == uuid.UUID(survey["id"])))) == 2

    # the key restored: the used link is used, the other one finds its draft and answers
    again = submit(http, used, {first: 1})
    assert again.status_code == 409 and problem_code(again) == "token-unusable"
    assert http.get(RESPOND, headers=token_headers(fresh)).json()["draft"]["current"] == {first: 2}
    assert submit(http, fresh, {first: 3}).status_code == 201
    assert _responses(survey["id"]) == 2


def test_a_survey_records_its_key_with_its_first_invitations_never_the_key(org: OrgContext,
                                                                         http: httpx.Client) -> None:
    from app.config import get_settings

    survey = open_survey(org)
    stamp = select(Survey.key_fingerprint).where(Survey.id == uuid.UUID(survey["id"]))
    assert db_scalars(stamp) == [None]
    invite(org, survey["id"], org.unit("Team Stamp"))
    [fingerprint] = db_scalars(stamp)
    key = get_settings().secret_key
    assert fingerprint is not None and len(fingerprint) == 16 and fingerprint not in key
    with secret_key(ANOTHER_KEY):
        other = open_survey(org)  # a wave started under the new key records the new key, and works under it
        [token] = invite(org, other["id"], org.unit("Team Stamp 2"))
        assert db_scalars(select(Survey.key_fingerprint).where(Survey.id == uuid.UUID(other["id"])))[0] not in (
            None, fingerprint)
        assert submit(http, token, {item_keys(org)[0]: 3}).status_code == 201
    # closed, or the suite's server, back under its own key, would be not ready (`/ready`) for the other tests
    db_execute(update(Survey).where(Survey.id == uuid.UUID(other["id"])).values(status="closed"))


def test_reminders_wait_for_the_key(org: OrgContext, http: httpx.Client, mailbox: Mailbox) -> None:
    survey = open_survey(org, languages=["en"])
    address = unique_email("keyed")
    mailed = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations/mail",
                            files=csv_upload(f"email,unit,layer\n{address},{org.unit('Team Mail')},employee\n"))
    assert mailed.status_code == 201, mailed.text
    mailbox.wait_for(address)
    remind = f"{org.prefix}/surveys/{survey['id']}/invitations/reminders"
    with secret_key(ANOTHER_KEY):
        assert _refused(org.admin.post(remind))
    assert len(mailbox.to(address)) == 1
    assert org.admin.post(remind).json() == {"reminded": 1}
    mailbox.wait_for(address, 2)


def test_serve_and_worker_name_the_surveys_that_wait_for_their_key(org: OrgContext, database_url: str) -> None:
    survey = open_survey(org, title="Wave under the old key")
    invite(org, survey["id"], org.unit("Team Warn"))
    check = ["-c", "from app.startup import warn_if_key_changed; warn_if_key_changed()"]  # in a process of its own
    env = {**os.environ, "DATABASE_URL": database_url}
    code, same = Forked(check, env).wait()
    assert code == 0 and survey["id"] not in same, same
    code, other = Forked(check, {**env, "SECRET_KEY": ANOTHER_KEY}).wait()
    assert code == 0, other
    assert f"{survey['id']} (Wave under the old key)" in other and "restored" in other
    assert ANOTHER_KEY not in other and os.environ["SECRET_KEY"] not in other
    db_execute(update(Survey).where(Survey.id == uuid.UUID(survey["id"])).values(status="closed"))
    code, closed = Forked(check, {**env, "SECRET_KEY": ANOTHER_KEY}).wait()
    assert code == 0 and survey["id"] not in closed, closed  # a closed wave takes no answers anyway


def test_the_console_says_it_in_dutch(org: OrgContext) -> None:
    from tests.test_console_problems import _dutch

    survey = open_survey(org)
    team = org.unit("Team Nl")
    invite(org, survey["id"], team)
    with secret_key(ANOTHER_KEY):
        refused = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations",
                                 json={"unit_id": team, "layer_id": org.layers["employee"], "count": 1})
    assert _refused(refused)
    [dutch] = _dutch([refused.json()["detail"]])
    assert dutch is not None and "SECRET_KEY" in dutch


def test_a_sender_under_another_key_leaves_the_waves_mails_to_one_that_holds_it(org: OrgContext,
                                                                               mailbox: Mailbox) -> None:
    """Before: a sender that could not unseal a mail gave it up for good, so one host with a wrong key emptied the
    outbox of every wave; now it leaves them, and a sender holding the key sends them."""
    from app.db import get_sessionmaker
    from app.mail import outbox
    from app.mail.messages import Text
    from app.mail.models import OutgoingMail

    survey = open_survey(org, languages=["en"])
    invite(org, survey["id"], org.unit("Team Out"))  # the wave records its key
    sid, address = uuid.UUID(survey["id"]), unique_email("outbox")
    # queued here rather than by a request, whose own send after the response would race the key's change below
    with get_sessionmaker().begin() as session:
        outbox.enqueue(session, address, Text("Invitation", "https://survey.test/respond#x\n"),
                       expires_at=datetime.now(UTC) + timedelta(days=1), organisation_id=uuid.UUID(org.id),
                       survey_id=sid)
    with secret_key(ANOTHER_KEY):
        outbox.deliver_due()
    [waiting] = db_scalars(select(OutgoingMail).where(OutgoingMail.survey_id == sid))
    assert waiting.failed_at is None, waiting.last_error
    assert waiting.sealed_body is not None and mailbox.to(address) == []
    outbox.deliver_due()
    assert len(mailbox.wait_for(address)) == 1


def test_scheduled_reminders_wait_for_the_key(org: OrgContext, mailbox: Mailbox) -> None:
    from app.db import get_sessionmaker
    from app.invitations.mailing import remind_due

    survey = open_survey(org, languages=["en"], reminder_days=[3])
    address = unique_email("later")
    mailed = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations/mail",
                            files=csv_upload(f"email,unit,layer\n{address},{org.unit('Team Later')},employee\n"))
    assert mailed.status_code == 201, mailed.text
    mailbox.wait_for(address)
    sid = uuid.UUID(survey["id"])
    due = datetime.now(UTC) - timedelta(minutes=1)
    db_execute(update(Survey).where(Survey.id == sid).values(next_reminder_at=due))
    with secret_key(ANOTHER_KEY), get_sessionmaker().begin() as session:
        assert sid not in {s.id for s, _ in remind_due(session, "http://survey.test")}
    assert db_scalars(select(Survey.next_reminder_at).where(Survey.id == sid))[0] is not None  # still due
    with get_sessionmaker().begin() as session:
        [(_, sent)] = [(s, n) for s, n in remind_due(session, "http://survey.test") if s.id == sid]
    assert sent.count == 1


def test_ready_says_not_ready_under_another_key_and_names_no_secret(org: OrgContext, http: httpx.Client) -> None:
    """A server started with the wrong SECRET_KEY is not ready (a load balancer keeps it out of rotation, a rolling
    deploy with it stops) rather than refusing every respondent of a wave; the probe names no key, fingerprint or
    survey."""
    from app import sealing
    from app.config import get_settings

    survey = open_survey(org, title="Wave the probe must not name")
    invite(org, survey["id"], org.unit("Team Probe"))
    assert http.get("/ready").json() == {"status": "ready"}
    [fingerprint] = db_scalars(select(Survey.key_fingerprint).where(Survey.id == uuid.UUID(survey["id"])))
    with secret_key(ANOTHER_KEY):
        probed = http.get("/ready")
        other_fingerprint = sealing.fingerprint()
    assert probed.status_code == 503 and probed.headers["content-type"] == "application/problem+json"
    assert problem_code(probed) == "secret-key-changed" and "SECRET_KEY" in probed.json()["detail"]
    for secret in (ANOTHER_KEY, get_settings().secret_key, fingerprint, other_fingerprint, survey["id"],
                   survey["title"]):
        assert secret not in probed.text
    with secret_key(""):  # no key at all: the same answer, not a 500
        assert problem_code(http.get("/ready")) == "secret-key-changed"
    assert http.get("/ready").status_code == 200  # the key restored
