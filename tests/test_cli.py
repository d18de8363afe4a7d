"""The `culturegap` command, run as a user would: separate processes on a database of their own."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import drop_database, make_database


@pytest.fixture
def cli_env():
    url = make_database("cli")
    env = {**os.environ, "DATABASE_URL": url}
    yield env
    drop_database(url)


def _cli(env, *args):
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def _port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url, proc):
    deadline = time.monotonic() + 120  # generous: a loaded 2-core machine took 40 s to import the app
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read())
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(url)


def test_serve_is_not_ready_until_migrated_then_create_key_works(cli_env):
    port = _port()
    # One worker: starting one per CPU (the default) doubles the start-up on a busy 2-core machine, and several
    # workers are tested in test_two_workers.
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "1"],
                            env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        assert _wait(f"{base}/health", proc).status_code == 200
        not_ready = httpx.get(f"{base}/ready")
        assert not_ready.status_code == 503
        assert not_ready.headers["content-type"].startswith("application/problem+json")
        assert _cli(cli_env, "migrate").returncode == 0
        assert httpx.get(f"{base}/ready").status_code == 200
        created = _cli(cli_env, "create-key", "--name", "ops")
        assert created.returncode == 0, created.stderr
        key = created.stdout.strip()
        assert key.startswith("cgk_")
        headers = {"Authorization": f"Bearer {key}"}
        made = httpx.post(f"{base}/api/v1/organisations", json={"name": "Via CLI"}, headers=headers)
        assert made.status_code == 201
        org_key = _cli(cli_env, "create-key", "--role", "org_admin", "--organisation", made.json()["id"])
        assert org_key.returncode == 0, org_key.stderr
        me = httpx.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {org_key.stdout.strip()}"}).json()
        assert me["role"] == "org_admin" and me["organisation_id"] == made.json()["id"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_create_key_for_an_organisation_needs_one(cli_env):
    assert _cli(cli_env, "migrate").returncode == 0
    result = _cli(cli_env, "create-key", "--role", "analyst")
    assert result.returncode != 0 and "--organisation" in result.stderr


def test_sqlite_runs_durable_and_with_foreign_keys(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite pragmas only apply to the SQLite engine")
    from app.db import get_engine

    with get_engine().connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
