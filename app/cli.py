"""The `culturegap` command: serve, migrate, create-key, demo, worker."""

import argparse
import os
import sys
import uuid

from app.config import get_settings


def _serve(args: argparse.Namespace) -> None:
    """uvicorn with WORKERS processes (it restarts a worker that dies); uvloop and httptools come with
    uvicorn[standard]."""
    import uvicorn

    settings = get_settings()
    workers = args.workers or settings.workers
    _check_connection_budget(workers)
    uvicorn.run("app.main:create_app", factory=True, host=args.host or settings.host, port=args.port or settings.port,
                workers=workers, log_level=settings.log_level, access_log=settings.access_log,
                timeout_keep_alive=settings.keep_alive_seconds, proxy_headers=True)


def _check_connection_budget(workers: int) -> None:
    """Warn when the workers' pools could ask PostgreSQL for more connections than it accepts."""
    settings = get_settings()
    if not settings.database_url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from app.db import connections_per_worker

    wanted = workers * connections_per_worker()
    try:
        engine = create_engine(settings.database_url, poolclass=NullPool, connect_args={"connect_timeout": 5})
        with engine.connect() as conn:
            limit = int(conn.execute(text("SHOW max_connections")).scalar_one())
            reserved = int(conn.execute(text("SHOW superuser_reserved_connections")).scalar_one())
        engine.dispose()
    except Exception:  # the database may come up after the server; /ready tells when it is there
        return
    if wanted > limit - reserved:
        print(f"warning: {workers} workers x (3 x DB_POOL_SIZE {settings.db_pool_size} + 2 x DB_MAX_OVERFLOW "
              f"{settings.db_max_overflow}) = {wanted} connections, but PostgreSQL accepts {limit - reserved} "
              "(max_connections less the reserved ones), and other hosts and tools need some too: lower WORKERS "
              "or the pool, or raise max_connections", file=sys.stderr)


def _migrate(_: argparse.Namespace) -> None:
    from app.migrate import upgrade

    _ensure_sqlite_folder()
    upgrade()
    print("database migrated to the current version")


def _create_key(args: argparse.Namespace) -> None:
    import app.models  # noqa: F401  (every table must be known to resolve foreign keys)
    from app.auth import service
    from app.auth.models import Role
    from app.db import get_sessionmaker

    role = Role(args.role)
    if role is not Role.platform_admin and not args.organisation:
        sys.exit("--organisation is required for organisation keys")
    with get_sessionmaker().begin() as session:
        _, secret = service.create_key(session, role=role, name=args.name,
                                       organisation_id=args.organisation if role is not Role.platform_admin else None)
    print(secret)


def _demo(args: argparse.Namespace) -> None:
    from app.demo import load_demo

    load_demo(only_if_empty=args.if_empty, key_file=args.key_file, base_url=args.base_url)


def _worker(args: argparse.Namespace) -> None:
    """Now and then: open the drafts whose opening time has come, close the surveys whose closing time has passed
    (which publishes their figures), mail the reminders that are due, and send the outbox in batches -- the mails a
    server's after-response send never got to (it stopped first) and those to try again. Any number of workers on
    any number of hosts may run: each survey is opened, closed and reminded by one of them, each mail claimed by
    one; a worker that was stopped catches up at its next round."""
    import logging
    import time

    logging.basicConfig(level=get_settings().log_level.upper(), format="%(asctime)s %(levelname)s %(message)s")
    while True:
        _round()
        if args.once:
            return
        time.sleep(args.interval)


def _round() -> None:
    import logging

    from app.audit import service as audit
    from app.audit.actions import AuditAction
    from app.db import get_sessionmaker
    from app.invitations.mailing import remind_due
    from app.mail import outbox
    from app.surveys.service import close_due, open_due

    log = logging.getLogger("culturegap.worker")
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


def _reminders_due() -> bool:
    from sqlalchemy import select

    from app.db import get_sessionmaker, utcnow
    from app.surveys.models import Survey

    with get_sessionmaker(read_only=True)() as session:
        return session.scalar(select(Survey.id).where(Survey.next_reminder_at <= utcnow()).limit(1)) is not None


def _ensure_sqlite_folder() -> None:
    url = get_settings().database_url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        os.makedirs(os.path.dirname(os.path.abspath(url.removeprefix("sqlite:///"))), exist_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="culturegap", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API server (HOST, PORT, WORKERS from the environment)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.set_defaults(func=_serve)
    sub.add_parser("migrate", help="apply the database migrations").set_defaults(func=_migrate)
    key = sub.add_parser("create-key", help="create an API key and print it (once)")
    key.add_argument("--role", choices=["platform_admin", "org_admin", "analyst"], default="platform_admin")
    key.add_argument("--name", default="created with the CLI")
    key.add_argument("--organisation", type=uuid.UUID, help="organisation id, for organisation keys")
    key.set_defaults(func=_create_key)
    demo = sub.add_parser("demo", help="load a demo organisation with synthetic survey data")
    demo.add_argument("--if-empty", action="store_true", help="only when the database holds no organisation")
    demo.add_argument("--key-file", help="also write the demo's keys to this file (for `make run`)")
    demo.add_argument("--base-url", default="", help="the server's address, to print whole respondent links")
    demo.set_defaults(func=_demo)
    worker = sub.add_parser("worker", help="every --interval seconds: open and close surveys at their times, mail "
                                           "their scheduled reminders (PUBLIC_BASE_URL), and send the mail outbox "
                                           "in batches (SMTP_* from the environment)")
    worker.add_argument("--interval", type=float, default=30, help="seconds between rounds (default 30)")
    worker.add_argument("--once", action="store_true", help="one round, then exit")
    worker.set_defaults(func=_worker)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
