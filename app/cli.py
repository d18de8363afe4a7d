"""The `culturegap` command: serve, migrate, create-key, demo, worker.

Settings come from environment variables (listed below) or a .env file in the working directory. A setting that is
not allowed, or a database that is not at this version's schema, ends a command with one line saying what to do,
and exit code 2."""

import argparse
import os
import sys
import textwrap
import uuid
from typing import Any

from app.config import Settings, get_settings
from app.startup import (
    OperatorError,
    describe_background_work,
    ensure_sqlite_folder,
    fail,
    first_line,
    require_current_schema,
    safe_url,
    settings_or_exit,
    warn_if_key_changed,
)


def _serve(args: argparse.Namespace) -> None:
    """uvicorn with WORKERS processes (it restarts a worker that dies); uvloop and httptools come with
    uvicorn[standard]."""
    import uvicorn

    settings = get_settings()
    workers = args.workers or settings.workers
    require_current_schema(migrate=settings.migrate_on_start)
    warn_if_key_changed()
    _check_connection_budget(workers)
    print(describe_background_work(), file=sys.stderr)
    uvicorn.run("app.main:create_app", factory=True, host=args.host or settings.host, port=args.port or settings.port,
                workers=workers, log_level=settings.log_level,
                # uvicorn builds each access line before the logger drops it below `info`
                access_log=settings.access_log and settings.log_level in ("info", "debug", "trace"),
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
        print(f"warning: {workers} workers x (3 x DB_POOL_SIZE {settings.db_pool_size} + DB_MAX_OVERFLOW "
              f"{settings.db_max_overflow} + 1) = {wanted} connections, but PostgreSQL accepts {limit - reserved} "
              "(max_connections less the reserved ones), and other hosts and tools need some too: lower WORKERS "
              "or the pool, or raise max_connections", file=sys.stderr)


def _migrate(_: argparse.Namespace) -> None:
    from app.migrate import upgrade

    ensure_sqlite_folder()
    upgrade()
    print("database migrated to the current version")


def _local_secret_key(_: argparse.Namespace) -> None:
    """`make run`'s SECRET_KEY, so that mailed invitations and sign-in work from the first run: when neither the
    environment nor .env sets one and the database is new, a random key in SECRETS_DIR/secret_key (owner-only). A
    database that already has a schema was set up without a key, and its waves recorded that (app.invitations.used):
    a key made now would refuse their links, so it only says what is off."""
    import secrets
    from pathlib import Path

    from app.db import get_engine
    from app.migrate import current_revision

    folder = os.environ.get("SECRETS_DIR")
    if not folder:
        fail("set SECRETS_DIR: the folder to keep the key in")
    key_file = Path(folder, "secret_key")
    if get_settings().secret_key or key_file.exists():
        return
    ensure_sqlite_folder()
    with get_engine().connect() as conn:
        migrated = current_revision(conn) is not None
    if migrated:
        print("note: no SECRET_KEY is set, so mailed invitations and single sign-on are off; set one between waves "
              "(docs/operations.md)", file=sys.stderr)
        return
    key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(secrets.token_urlsafe(48))
    print(f"made a SECRET_KEY for this new database in {key_file}: keep it with the database, and don't change it "
          "while a wave takes answers")


def _create_key(args: argparse.Namespace) -> None:
    import app.models  # noqa: F401  (every table must be known to resolve foreign keys)
    from app.auth import service
    from app.auth.models import Role
    from app.db import get_sessionmaker

    role = Role(args.role)
    if role is not Role.platform_admin and not args.organisation:
        fail("--organisation is required for organisation keys")
    require_current_schema(migrate=get_settings().migrate_on_start)
    with get_sessionmaker().begin() as session:
        _, secret = service.create_key(session, role=role, name=args.name,
                                       organisation_id=args.organisation if role is not Role.platform_admin else None)
    print(secret)


def _demo(args: argparse.Namespace) -> None:
    import app.models  # noqa: F401  (every table must be known to resolve foreign keys)
    from app.demo import load_demo

    require_current_schema(migrate=get_settings().migrate_on_start)
    load_demo(only_if_empty=args.if_empty, key_file=args.key_file, base_url=args.base_url)


def _worker(args: argparse.Namespace) -> None:
    """Every --interval seconds, a round of the scheduled work (app.rounds): open and close waves at their times,
    mail their reminders, send the mail and webhook outboxes. Any number of workers on any number of hosts may run;
    a worker that was stopped catches up at its next round."""
    import logging
    import time

    from app.rounds import run_round

    require_current_schema(migrate=get_settings().migrate_on_start)
    warn_if_key_changed()
    logging.basicConfig(level=get_settings().log_level.upper(), format="%(asctime)s %(levelname)s %(message)s")
    while True:
        run_round()
        if args.once:
            return
        time.sleep(args.interval)


class _Version(argparse.Action):
    """`--version`: the package's version and the database schema it needs (worked out only when asked)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        from alembic.util import CommandError

        from app.migrate import head_revision

        try:
            number = version("culturegap")
        except PackageNotFoundError:  # run from a checkout that was never installed
            number = "(not installed)"
        try:
            schema = head_revision()
        except CommandError:  # run outside the folder that holds alembic.ini and migrations/
            schema = "unknown: no migrations here"
        print(f"culturegap {number} (database schema {schema})")
        parser.exit()


def environment_help(names: list[str] | None = None) -> str:
    """The settings, as environment variables with what they do and their defaults."""
    lines = ["environment variables (or a .env file in the working directory):"]
    for name, field in Settings.model_fields.items():
        if names is not None and name not in names:
            continue
        default = field.get_default(call_default_factory=True)
        if isinstance(default, bool):
            default = str(default).lower()
        shown = "" if name in {"secret_key", "smtp_password"} or default in ("", None) else f" (default: {default})"
        text = f"{name.upper()}: {field.description or ''}{shown}"
        lines.append(textwrap.fill(text, width=100, initial_indent="  ", subsequent_indent="      "))
    return "\n".join(lines)


def _command(sub: Any, name: str, help: str, settings: list[str]) -> argparse.ArgumentParser:
    epilog = environment_help(settings) + "\n  (all of them: culturegap --help)"
    command: argparse.ArgumentParser = sub.add_parser(name, help=help, description=help, epilog=epilog,
                                                      formatter_class=argparse.RawDescriptionHelpFormatter)
    return command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="culturegap", description=__doc__, epilog=environment_help(),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_Version, help="print the version and the database schema it needs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    db = ["database_url", "migrate_on_start"]
    serve = _command(sub, "serve", "run the API server; refuses a database that is not migrated to this version "
                     "(unless MIGRATE_ON_START=true)",
                     [*db, "host", "port", "workers", "log_level", "access_log", "public_base_url", "secret_key",
                      "worker_interval", "smtp_host", "webhook_timeout", "webhook_allow_private_addresses"])
    serve.add_argument("--host", help="address to listen on (default: HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (default: PORT)")
    serve.add_argument("--workers", type=int, help="worker processes (default: WORKERS, one per CPU)")
    serve.set_defaults(func=_serve)
    _command(sub, "migrate", "apply the database migrations (several at once wait for one another)",
             ["database_url"]).set_defaults(func=_migrate)
    _command(sub, "local-secret-key", "with a new database and no SECRET_KEY set, make one in "
             "SECRETS_DIR/secret_key (what `make run` does first)", ["database_url", "secret_key"]
             ).set_defaults(func=_local_secret_key)
    key = _command(sub, "create-key", "create an API key and print it (once)", db)
    key.add_argument("--role", choices=["platform_admin", "org_admin", "analyst"], default="platform_admin",
                     help="what the key may do (default: platform_admin)")
    key.add_argument("--name", default="created with the CLI", help="a name to recognise the key by")
    key.add_argument("--organisation", type=uuid.UUID, help="organisation id, for organisation keys")
    key.set_defaults(func=_create_key)
    demo = _command(sub, "demo", "load a demo organisation with synthetic survey data", db)
    demo.add_argument("--if-empty", action="store_true", help="only when the database holds no organisation")
    demo.add_argument("--key-file", help="also write the demo's keys to this file (for `make run`)")
    demo.add_argument("--base-url", default="", help="the server's address, to print whole respondent links")
    demo.set_defaults(func=_demo)
    worker = _command(sub, "worker", "every --interval seconds: open and close surveys at their times, mail their "
                      "scheduled reminders (PUBLIC_BASE_URL), send the mail outbox in batches, announce response "
                      "milestones and send the webhook outbox",
                      [*db, "log_level", "public_base_url", "secret_key",
                       *(n for n in Settings.model_fields if n.startswith(("smtp_", "mail_", "webhook_")))])
    worker.add_argument("--interval", type=float, default=30, help="seconds between rounds (default 30)")
    worker.add_argument("--once", action="store_true", help="one round, then exit")
    worker.set_defaults(func=_worker)
    return parser


def main(argv: list[str] | None = None) -> None:
    from alembic.util import CommandError
    from sqlalchemy.exc import OperationalError

    args = build_parser().parse_args(argv)
    settings = settings_or_exit()
    try:
        args.func(args)
    except OperatorError as error:
        fail(str(error))
    except OperationalError as error:
        fail(f"cannot use the database at {safe_url(settings.database_url)}: {first_line(error)}")
    except CommandError as error:  # Alembic's: no migrations folder here, or a revision it doesn't know
        said = first_line(error).split(".  ")[0]  # without Alembic's advice to run its `init`
        fail(f"{said}: run culturegap in the folder that holds alembic.ini and migrations/ (the image's /srv)")


if __name__ == "__main__":
    main()
