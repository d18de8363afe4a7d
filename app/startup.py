"""What `culturegap` checks before it runs: the settings, then the database's schema version.

An operator's mistake ends the command with one line per mistake that names the variable (or the command to run)
and what is allowed, and exit code 2 -- never a traceback.
"""

import os
import sys
from typing import Any, Literal, NoReturn, get_args, get_origin

import annotated_types
from pydantic import ValidationError
from pydantic.fields import FieldInfo
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.config import Settings, get_settings

EXIT_OPERATOR = 2
SECRETS = {"database_url", "secret_key", "smtp_password"}  # never echoed back
ALLOWED = {
    "database_url": "sqlite:///path/to/file.db or postgresql+psycopg://user:password@host:5432/database",
    "public_base_url": "empty, or an http(s) URL such as https://survey.example.nl",
    "cookie_secure": "true or false (unset: Secure when the site is https)",
}


class OperatorError(Exception):
    """A mistake the operator fixes (a setting, an unmigrated database); its message is the one line shown."""


def fail(message: str) -> NoReturn:
    print(f"culturegap: {message}", file=sys.stderr)
    sys.exit(EXIT_OPERATOR)


def settings_or_exit() -> Settings:
    try:
        return get_settings()
    except ValidationError as error:
        for problem in error.errors():
            print(f"culturegap: {describe(problem)}", file=sys.stderr)
        sys.exit(EXIT_OPERATOR)


def describe(problem: Any) -> str:
    name = str(problem["loc"][0]) if problem["loc"] else ""
    field = Settings.model_fields.get(name)
    shown = "" if name in SECRETS else f"={problem['input']!r}"
    reason = f" ({problem['msg'].removeprefix('Value error, ')})" if problem["type"] == "value_error" else ""
    allowed = ALLOWED.get(name) or (allowed_values(field) if field else problem["msg"])
    return f"{name.upper()}{shown} is not allowed{reason}; use {allowed}"


def allowed_values(field: FieldInfo) -> str:
    """In words, what a setting takes: its type and bounds."""
    kind = field.annotation
    if get_origin(kind) is Literal:
        return "one of " + ", ".join(str(value) for value in get_args(kind))
    if kind is bool:
        return "true or false"
    bounds: dict[str, Any] = {}
    for rule in field.metadata:
        for attribute in ("ge", "gt", "le", "lt"):
            if isinstance(rule, getattr(annotated_types, attribute.capitalize())):
                bounds[attribute] = getattr(rule, attribute)
    noun = "a whole number" if kind is int else "a number" if kind is float else "text"
    if "ge" in bounds and "le" in bounds:
        return f"{noun} from {bounds['ge']} to {bounds['le']}"
    words = {"ge": "at least", "gt": "above", "le": "at most", "lt": "below"}
    return " and ".join([noun, *(f"{words[key]} {value}" for key, value in bounds.items())]).replace(" and ", " ", 1)


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "DATABASE_URL"


def require_current_schema(migrate: bool) -> None:
    """Refuse a database that is not at this version's schema (or migrate it first, when asked to)."""
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import OperationalError

    from app.db import get_engine
    from app.migrate import alembic_config, current_revision, head_revision, upgrade

    url = get_settings().database_url
    if migrate:
        ensure_sqlite_folder()
        upgrade()
        return
    try:
        with get_engine().connect() as connection:
            revision = current_revision(connection)
    except OperationalError as error:
        raise OperatorError(f"cannot reach the database at {safe_url(url)}: {first_line(error)}") from None
    finally:
        get_engine().dispose()  # the server's workers open their own connections
    head = head_revision()
    if revision == head:
        return
    if revision is None:
        raise OperatorError(f"the database at {safe_url(url)} has not been migrated: run `culturegap migrate` "
                            "(or set MIGRATE_ON_START=true)")
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if revision in known:
        raise OperatorError(f"the database at {safe_url(url)} is at an older schema ({revision}; this version "
                            f"needs {head}): run `culturegap migrate` (or set MIGRATE_ON_START=true)")
    raise OperatorError(f"the database at {safe_url(url)} is at schema {revision}, which this version of culturegap "
                        f"does not know (it needs {head}): run the newer version it was migrated with")


def ensure_sqlite_folder() -> None:
    url = get_settings().database_url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        os.makedirs(os.path.dirname(os.path.abspath(url.removeprefix("sqlite:///"))), exist_ok=True)


def first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def warn_if_key_changed() -> None:
    """A warning naming the surveys not closed that refuse their invitations because SECRET_KEY is not the one
    they were made under (app.invitations.used), and counting the webhook endpoints whose secrets it can't open
    (app.webhooks.sender): the operator restores it."""
    from sqlalchemy.exc import SQLAlchemyError

    import app.models  # noqa: F401  (every table must be known)
    from app.db import get_engine, get_sessionmaker
    from app.invitations.used import surveys_under_another_key
    from app.webhooks.sender import endpoints_under_another_key

    try:
        with get_sessionmaker(read_only=True)() as session:
            stale = [f"{survey.id} ({survey.title})" for survey in surveys_under_another_key(session)]
            hooks = endpoints_under_another_key(session)
    except SQLAlchemyError:  # a warning never stops the server; the schema check before it reached the database
        return
    finally:
        get_engine().dispose()  # the server's workers open their own connections
    if stale:
        print(f"warning: SECRET_KEY is not the one the invitations of {len(stale)} survey(s) were made under: "
              f"{', '.join(stale)}. They refuse answers, drafts, invitations and reminders until that SECRET_KEY "
              "is restored on every worker and host.", file=sys.stderr)
    if hooks:
        print(f"warning: the signing secrets of {hooks} webhook endpoint(s) were sealed under another SECRET_KEY: "
              "their deliveries wait (never given up) until it is restored, or their secrets are registered again.",
              file=sys.stderr)


def describe_background_work() -> str:
    """One line for `culturegap serve`: where mail goes, and whether this server runs the scheduled rounds itself
    (WORKER_INTERVAL) or needs `culturegap worker` beside it."""
    settings = get_settings()
    mail = (f"mail goes out through {settings.smtp_host}:{settings.smtp_port}" if settings.smtp_host
            else "SMTP_HOST is not set: invitations, reminders and sign-in links wait in the outbox")
    rounds = (f"every {settings.worker_interval:g} s this server opens, reminds and closes waves on schedule and "
              "retries the mail and webhooks it could not send" if settings.worker_interval > 0
              else "WORKER_INTERVAL is 0: run `culturegap worker` beside it to open, remind and close waves on "
              "schedule and to retry mail and webhooks")
    return f"culturegap: {mail}; {rounds}."
