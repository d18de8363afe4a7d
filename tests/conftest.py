"""Test infrastructure: a real, migrated database (SQLite, or PostgreSQL when TEST_DATABASE_URL says so) and the
real app served over real HTTP by uvicorn in a background thread.

Each pytest-xdist worker gets a database of its own. Tests isolate themselves by creating their own organisation
(every row hangs off one), so nothing needs rolling back between tests.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ARTIFACTS = Path(__file__).parent / "artifacts"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _admin_url(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def _create_pg_database(base_url: str, suffix: str) -> str:
    url = make_url(base_url)
    name = f"{url.database}_{suffix}"
    engine = create_engine(_admin_url(base_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    engine = create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def make_database(suffix: str) -> str:
    """A new, empty database for this worker; the caller migrates it."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if base.startswith("postgresql"):
        return _create_pg_database(base, f"{_worker()}_{suffix}")
    folder = Path(tempfile.mkdtemp(prefix="culturegap-test-"))
    return f"sqlite:///{folder / f'{suffix}.db'}"


def drop_database(url: str) -> None:
    if url.startswith("postgresql"):
        _drop_pg_database(url)
    else:
        shutil.rmtree(Path(make_url(url).database or "").parent, ignore_errors=True)


@pytest.fixture(scope="session")
def mailbox() -> Iterator["Mailbox"]:
    """A real SMTP server on 127.0.0.1 that the suite's server sends its mail to; what it received."""
    from tests.mailbox import smtp_server

    with smtp_server() as (box, port):
        os.environ.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_SECURITY="none",
                          MAIL_FROM="culturegap@test.invalid")
        yield box


@pytest.fixture(scope="session")
def database_url(mailbox: "Mailbox") -> Iterator[str]:
    url = make_database("suite")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789abcdef")
    os.environ.setdefault("OIDC_ALLOW_HTTP_LOOPBACK", "true")  # the tests' OpenID Provider runs on 127.0.0.1
    os.environ.setdefault("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "true")  # the tests' webhook receivers too
    # Every test's requests come from 127.0.0.1: the limits stay on (their code runs in every test) but out of
    # reach. tests/test_abuse.py runs servers of its own with small limits.
    os.environ.setdefault("RESPOND_RATE_LIMIT", "1000000")
    os.environ.setdefault("RESPOND_FAILED_LIMIT", "1000000")
    os.environ.setdefault("SIGN_IN_ADDRESS_LIMIT", "1000000")  # tests/test_sign_in_links.py tests the limits
    os.environ.setdefault("SIGN_IN_EMAIL_LIMIT", "1000000")
    from app.config import get_settings
    from app.db import get_engine, get_sessionmaker
    from app.migrate import upgrade

    for cached in (get_settings, get_engine, get_sessionmaker):
        cached.cache_clear()
    upgrade(url)
    yield url
    get_engine().dispose()
    drop_database(url)


@pytest.fixture(scope="session")
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture(scope="session")
def server_url(database_url: str) -> Iterator[str]:
    """The real app, served by uvicorn on a free loopback port in a thread of this process."""
    from app.main import create_app
    from tests.server_process import serve_in_thread

    with serve_in_thread(create_app()) as url:
        yield url


@pytest.fixture(scope="session")
def http(server_url: str) -> Iterator[httpx.Client]:
    """An unauthenticated client of the running server."""
    with httpx.Client(base_url=server_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def platform_key(database_url: str) -> str:
    from app.auth import service
    from app.auth.models import Role
    from app.db import get_sessionmaker

    with get_sessionmaker().begin() as session:
        _, secret = service.create_key(session, role=Role.platform_admin, name="tests")
    return secret


@pytest.fixture(scope="session")
def platform(server_url: str, platform_key: str) -> Iterator[httpx.Client]:
    """A client holding the platform admin key."""
    with httpx.Client(base_url=server_url, timeout=30,
                      headers={"Authorization": f"Bearer {platform_key}"}) as client:
        yield client


@pytest.fixture
def org(platform: httpx.Client, server_url: str) -> Iterator["OrgContext"]:
    """A fresh organisation with an admin client; isolated from every other test's data."""
    from tests.factories import new_organisation

    ctx = new_organisation(platform, server_url)
    yield ctx
    ctx.close()


@pytest.fixture
def other_org(platform: httpx.Client, server_url: str) -> Iterator["OrgContext"]:
    from tests.factories import new_organisation

    ctx = new_organisation(platform, server_url)
    yield ctx
    ctx.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


from tests.factories import OrgContext  # noqa: E402  (for the fixture annotations above)
from tests.mailbox import Mailbox  # noqa: E402
