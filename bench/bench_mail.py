"""Benchmark of mailed invitations: ``python bench/bench_mail.py`` (``make bench-mail``).

It creates its own database (PostgreSQL by default: ``BENCH_DATABASE_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/mail_bench``, dropped at the end unless ``--keep``; ``--sqlite``: a
fresh SQLite file in a temporary folder), migrates it, and starts the real server (``culturegap serve``, one
worker, without SMTP settings, so that it only queues) and a local SMTP server (aiosmtpd on 127.0.0.1, in this
process, which parses every message). Through the API it creates an organisation, a unit, a survey and opens it,
then posts one CSV of ``--count`` addresses (default 10,000, the most one upload takes) to
``POST .../invitations/mail``: **queue** is that request's time (10,000 invitations, sealed tokens and sealed mails
in the outbox, one transaction). Then ``--workers`` (default 2) ``culturegap worker --once`` processes send the
outbox in batches to the SMTP server: **delivery** is the time from their start until the last message arrived.

Afterwards it checks that every address received exactly one message, each with its own link, and that the outbox
is empty. Everything runs on loopback; one run.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app.models  # noqa: E402, F401  (every table known to the ORM)
from app.auth import service as auth_service  # noqa: E402
from app.auth.models import Role  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.mail.models import OutgoingMail  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from bench.bench_reports import Server, _cpu_model, _revision, bench_database, free_port  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/mail_bench"
SECRET = "bench-only-secret-key-0123456789abcdef"


class Inbox:
    """Counts what arrives, by recipient, and the links in the bodies (every message parsed)."""

    def __init__(self) -> None:
        self.by_recipient: Counter[str] = Counter()
        self.links: set[str] = set()
        self.first_at = self.last_at = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",))
        text = str(body.get_content()) if body is not None else ""  # type: ignore[attr-defined]
        link = next((w for w in text.split() if "/respond#" in w), "")
        with self.lock:
            self.by_recipient.update(envelope.rcpt_tos)
            self.links.add(link)
            self.last_at = time.perf_counter()
            self.first_at = self.first_at or self.last_at
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.by_recipient.values())


def _setup(base_url: str, platform_key: str) -> tuple[httpx.Client, str]:
    platform_client = httpx.Client(base_url=base_url, timeout=600,
                                   headers={"Authorization": f"Bearer {platform_key}"})
    org = platform_client.post("/api/v1/organisations", json={"name": "Gemeente Benchmark"}).json()["id"]
    key = platform_client.post(f"/api/v1/organisations/{org}/keys", json={"name": "admin", "role": "org_admin"})
    admin = httpx.Client(base_url=base_url, timeout=600, headers={"Authorization": f"Bearer {key.json()['key']}"})
    prefix = f"/api/v1/organisations/{org}"
    assert admin.post(f"{prefix}/units", json={"name": "Team Post"}).status_code == 201
    questionnaires = admin.get(f"{prefix}/questionnaires").json()
    builtin = max((q for q in questionnaires if q["organisation_id"] is None), key=lambda q: q["version"])
    survey = admin.post(f"{prefix}/surveys", json={"title": "Meting", "questionnaire_id": builtin["id"],
                                                   "languages": ["nl", "en"]}).json()["id"]
    assert admin.post(f"{prefix}/surveys/{survey}/open").status_code == 200
    return admin, f"{prefix}/surveys/{survey}"


def run(url: str, count: int, workers: int) -> dict[str, Any]:
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        _, platform_key = auth_service.create_key(session, role=Role.platform_admin, name="bench")
    inbox, smtp_port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    for name in ("SMTP_HOST", "SMTP_PORT"):
        os.environ.pop(name, None)  # the server only queues
    os.environ.update(SECRET_KEY=SECRET, PUBLIC_BASE_URL="http://survey.bench")
    log = Path(tempfile.mkdtemp(prefix="bench-mail-")) / "server.log"
    server = Server.start(url, log)
    try:
        admin, survey = _setup(server.base_url, platform_key)
        addresses = [f"medewerker{i:05d}.{uuid.uuid4().hex[:6]}@gemeente.bench" for i in range(count)]
        csv = "email,unit,layer,language\n" + "".join(
            f"{a},Team Post,employee,{'en' if i % 3 == 0 else 'nl'}\n" for i, a in enumerate(addresses))
        t0 = time.perf_counter()
        response = admin.post(f"{survey}/invitations/mail", files={"file": ("invitees.csv", csv, "text/csv")})
        queue_s = time.perf_counter() - t0
        if response.status_code != 201:
            raise SystemExit(f"mailing failed: {response.status_code} {response.text[:500]}")
        with Session(engine) as session:
            queued = session.scalar(select(func.count()).select_from(OutgoingMail))
        env = {**os.environ, "DATABASE_URL": url, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port),
               "SMTP_SECURITY": "none", "LOG_LEVEL": "warning"}
        t0 = time.perf_counter()
        profile = ["-m", "cProfile", "-s", "tottime"] if os.environ.get("BENCH_PROFILE") else []
        procs = [subprocess.Popen([sys.executable, *profile, "-m", "app.cli", "worker", "--once"], env=env, cwd=ROOT)
                 for _ in range(workers)]
        for proc in procs:
            if proc.wait(timeout=3600) != 0:
                raise SystemExit(f"a worker failed ({proc.returncode})")
        delivery_s, sending_s = inbox.last_at - t0, inbox.last_at - inbox.first_at
        with Session(engine) as session:
            left = session.scalar(select(func.count()).select_from(OutgoingMail))
    finally:
        server.stop()
        controller.stop()
        engine.dispose()
    once = all(inbox.by_recipient[a] == 1 for a in addresses) and inbox.total() == count
    return {"count": count, "queued": queued, "queue_s": queue_s, "delivery_s": delivery_s, "sending_s": sending_s,
            "workers": workers,
            "exactly_once": once, "distinct_links": len(inbox.links), "outbox_left": left}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true", help="a fresh SQLite file instead of PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    if args.sqlite:
        result = run(f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-mail-')) / 'bench.db'}", args.count,
                     args.workers)
        engine_name = "SQLite"
    else:
        with bench_database(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL), keep=args.keep) as url:
            result = run(url, args.count, args.workers)
        engine_name = "PostgreSQL"
    print(f"mail benchmark on {engine_name}, revision {_revision()}, {_cpu_model()} x{os.cpu_count()}, "
          f"Python {platform.python_version()}")
    print(f"  queue:    {result['count']:,} invitations mailed in one request: {result['queue_s']:.1f} s "
          f"({result['count'] / result['queue_s']:,.0f}/s), {result['queued']:,} mails in the outbox")
    print(f"  delivery: {result['workers']} worker(s) to aiosmtpd on 127.0.0.1: {result['delivery_s']:.1f} s "
          f"({result['count'] / result['delivery_s']:,.0f} mails/s, the workers' start included); first to last "
          f"message {result['sending_s']:.1f} s ({result['count'] / max(result['sending_s'], 1e-9):,.0f} mails/s)")
    print(f"  checks:   each address exactly once: {result['exactly_once']}, distinct links: "
          f"{result['distinct_links']:,}, left in the outbox: {result['outbox_left']}")
    if not result["exactly_once"] or result["outbox_left"] or result["distinct_links"] != result["count"]:
        raise SystemExit("the benchmark's checks failed")


if __name__ == "__main__":
    main()
