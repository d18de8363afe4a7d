"""The scheduled rounds inside the server (WORKER_INTERVAL), for a one-host installation that runs no `culturegap
worker`: a real server process opens a wave at its opening time and sends the invitations that waited for it
through the suite's real SMTP server, and stops without an error; `culturegap serve` says at start where mail goes and
whether it runs the rounds."""

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.mail.models import OutgoingMail
from tests.factories import OrgContext
from tests.mailbox import Mailbox
from tests.people_factories import unique_email
from tests.respond_factories import csv_upload, db_scalars
from tests.server_process import ServerProcess
from tests.survey_factories import create_survey
from tests.test_scheduled_waves import _earlier, _events, _get, _iso


def test_a_server_with_worker_interval_opens_a_wave_and_sends_its_mail_by_itself(
        org: OrgContext, database_url: str, mailbox: Mailbox, tmp_path: Path) -> None:
    survey = create_survey(org, title="Wave without a worker", languages=["en"],
                           opens_at=_iso(datetime.now(UTC) + timedelta(hours=1)))
    address = unique_email("rounds")
    mailed = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations/mail",
                            files=csv_upload(f"email,unit,layer\n{address},{org.unit('Team Rounds')},employee\n"))
    assert mailed.status_code == 201, mailed.text
    server = ServerProcess(database_url, tmp_path / "server.log", env={"WORKER_INTERVAL": "0.2"})
    server.start()
    try:
        _earlier(survey["id"], timedelta(hours=2))  # its opening time has come; no `culturegap worker` runs
        [mail] = mailbox.wait_for(address)  # sent by the server's own round, after it opened the wave
        assert "/respond#" in mail.text
        assert _get(org, survey["id"])["status"] == "open"
        [opened] = _events(org, survey["id"], "survey.opened")
        assert opened["details"] == {"scheduled": True} and opened["actor"]["kind"] == "none"  # the schedule
        assert db_scalars(select(OutgoingMail).where(OutgoingMail.survey_id == uuid.UUID(survey["id"]))) == []
    finally:
        server.stop()
    said = server.output()  # uvicorn re-raises the SIGTERM after its shutdown: the exit status says nothing
    assert "Traceback" not in said and "shutdown failed" not in said and "round failed" not in said, said


def _described(**env: str) -> str:
    shown = subprocess.run([sys.executable, "-c", "from app.startup import describe_background_work as d; print(d())"],
                           env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    return shown.stdout


def test_serve_says_where_mail_goes_and_who_runs_the_rounds() -> None:
    alone = _described(SMTP_HOST="smtp.example.test", SMTP_PORT="587", WORKER_INTERVAL="30")
    assert "mail goes out through smtp.example.test:587" in alone and "every 30 s this server opens" in alone
    beside = _described(SMTP_HOST="", WORKER_INTERVAL="0", SMTP_PASSWORD="hunter2-secret")
    assert "SMTP_HOST is not set" in beside and "run `culturegap worker`" in beside
    assert "hunter2" not in beside
