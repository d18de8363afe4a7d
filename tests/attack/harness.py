"""A migrated database and the real app served over HTTP, for running the attack outside pytest
(`python -m tests.attack`); inside the suite the fixtures of tests/conftest.py do the same."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx


@dataclass
class Service:
    base_url: str
    platform: httpx.Client  # holds the platform admin key
    http: httpx.Client  # no key: the respondents' side


@contextmanager
def running_service(suffix: str = "attack") -> Iterator[Service]:
    """A new database (SQLite, or PostgreSQL when TEST_DATABASE_URL says so), migrated, served in a thread."""
    from tests.conftest import drop_database, make_database

    url = make_database(suffix)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("RESPOND_RATE_LIMIT", "0")
    from app.auth import service
    from app.auth.models import Role
    from app.config import get_settings
    from app.db import get_engine, get_sessionmaker
    from app.main import create_app
    from app.migrate import upgrade
    from tests.server_process import serve_in_thread

    for cached in (get_settings, get_engine, get_sessionmaker):
        cached.cache_clear()
    try:
        upgrade(url)
        with get_sessionmaker().begin() as session:
            _, secret = service.create_key(session, role=Role.platform_admin, name="attack")
        headers = {"Authorization": f"Bearer {secret}"}
        with serve_in_thread(create_app()) as base_url, \
                httpx.Client(base_url=base_url, timeout=60, headers=headers) as platform, \
                httpx.Client(base_url=base_url, timeout=60) as http:
            yield Service(base_url, platform, http)
    finally:
        get_engine().dispose()
        drop_database(url)
