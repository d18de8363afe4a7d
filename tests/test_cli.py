"""The `culturegap` command, run as a user would: separate processes on a database of their own."""

import argparse
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from alembic.script import ScriptDirectory

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


def test_serve_refuses_an_unmigrated_database_then_serves_and_create_key_works(cli_env):
    refused = _cli(cli_env, "serve", "--workers", "1")
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.count("\n") == 1 and "run `culturegap migrate`" in refused.stderr
    refused_key = _cli(cli_env, "create-key")
    assert refused_key.returncode == 2 and "run `culturegap migrate`" in refused_key.stderr
    assert "Traceback" not in refused_key.stderr and "SELECT" not in refused_key.stderr
    assert _cli(cli_env, "migrate").returncode == 0
    port = _port()
    # One worker: starting one per CPU (the default) doubles the start-up on a busy 2-core machine, and several
    # workers are tested in test_two_workers.
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "1"],
                            env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        assert _wait(f"{base}/health", proc).status_code == 200
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
        proc.communicate(timeout=20)  # and closes the pipes


def test_demo_loads_into_an_empty_database_once(cli_env, tmp_path):
    """`make run`'s step, in a process of its own: only the command's imports are loaded (a model it does not import
    itself once left a foreign key unresolved, and `make run` failed where the suite, which imports everything, did
    not)."""
    assert _cli(cli_env, "migrate").returncode == 0
    keys = tmp_path / "keys.txt"
    loaded = _cli(cli_env, "demo", "--if-empty", "--key-file", str(keys), "--base-url", "http://127.0.0.1:8000")
    assert loaded.returncode == 0, loaded.stderr
    written = keys.read_text()
    assert "Organisation admin key" in written and "http://127.0.0.1:8000/respond#" in written
    again = _cli(cli_env, "demo", "--if-empty")
    assert again.returncode == 0, again.stderr
    assert "Organisation admin key" not in again.stdout  # not empty any more: nothing loaded


def test_migrate_on_start_migrates_first(cli_env):
    url = cli_env["DATABASE_URL"]
    if url.startswith("sqlite"):  # into a folder that is not there yet, as `culturegap migrate` would
        url = url.replace("/cli.db", "/new/cli.db")
    created = _cli({**cli_env, "DATABASE_URL": url, "MIGRATE_ON_START": "true"}, "create-key")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().startswith("cgk_")


def test_an_older_or_unknown_schema_is_refused_with_what_to_do(cli_env):
    from sqlalchemy import text

    from app.db import make_engine
    from app.migrate import alembic_config, head_revision

    assert _cli(cli_env, "migrate").returncode == 0
    first = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())[-1].revision
    engine = make_engine(cli_env["DATABASE_URL"])
    for revision, says in ((first, "older schema"), ("0123456789ab", "does not know")):
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
        refused = _cli(cli_env, "create-key")
        assert refused.returncode == 2 and says in refused.stderr and head_revision() in refused.stderr
        assert refused.stderr.count("\n") == 1, refused.stderr
    engine.dispose()


@pytest.mark.parametrize(("setting", "says"), [
    ("DATABASE_URL=nonsense", "DATABASE_URL is not allowed (not a database URL); use sqlite:///"),
    ("DATABASE_URL=mysql://u:secret@db/x", "DATABASE_URL is not allowed (the engine 'mysql' is not supported)"),
    ("PORT=abc", "PORT='abc' is not allowed; use a whole number from 1 to 65535"),
    ("LOG_LEVEL=verbose", "LOG_LEVEL='verbose' is not allowed; use one of critical, error, warning, info, debug"),
    ("WORKERS=0", "WORKERS='0' is not allowed; use a whole number at least 1"),
    ("ACCESS_LOG=maybe", "ACCESS_LOG='maybe' is not allowed; use true or false"),
    ("SMTP_SECURITY=ssl", "SMTP_SECURITY='ssl' is not allowed; use one of starttls, tls, none"),
    ("PUBLIC_BASE_URL=survey.example.nl", "PUBLIC_BASE_URL='survey.example.nl' is not allowed (not an http(s) URL)"),
])
def test_a_setting_that_is_not_allowed_is_named_in_one_line(setting, says):
    name, value = setting.split("=", 1)
    for command in ("migrate", "serve"):
        result = _cli({**os.environ, name: value}, command)
        assert result.returncode == 2
        assert result.stderr == f"culturegap: {says}" + result.stderr.removeprefix(f"culturegap: {says}")
        assert result.stderr.count("\n") == 1 and "secret" not in result.stderr


def test_an_unreachable_database_is_one_line_without_its_password():
    url = f"postgresql+psycopg://culturegap:hunter2@127.0.0.1:{_port()}/culturegap"
    for command in ("migrate", "create-key"):
        result = _cli({**os.environ, "DATABASE_URL": url}, command)
        assert result.returncode == 2 and result.stderr.startswith("culturegap: cannot ")
        assert result.stderr.count("\n") == 1 and "hunter2" not in result.stderr and "***" in result.stderr


def test_parallel_migrators_wait_for_one_another(cli_env):
    """Replicas that start together on a fresh database: every migrator succeeds and the schema ends at head (without
    the lock the second one creates the tables again and fails)."""
    from app.db import make_engine
    from app.migrate import current_revision, head_revision

    procs = [subprocess.Popen([sys.executable, "-m", "app.cli", "migrate"], env=cli_env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(proc.wait(timeout=180), proc.communicate()[1]) for proc in procs]  # communicate closes the pipes
    assert [code for code, _ in results] == [0, 0], results
    engine = make_engine(cli_env["DATABASE_URL"])
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
    engine.dispose()


def test_version_and_help_for_every_option_and_setting():
    from app.cli import build_parser
    from app.config import Settings
    from app.migrate import head_revision

    version = _cli(os.environ, "--version")
    assert version.returncode == 0 and version.stdout.startswith("culturegap ")
    assert head_revision() in version.stdout
    shown = _cli({**os.environ, "PORT": "abc"}, "--help")  # help works even when a setting is wrong
    assert shown.returncode == 0
    for name, field in Settings.model_fields.items():
        assert field.description, name
        assert f"{name.upper()}: " in shown.stdout, name
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in commands.choices.items():
        for action in command._actions:
            assert action.help, (name, action.dest)
        assert "environment variables" in command.format_help()


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


def test_local_secret_key_is_made_once_for_a_new_database_only(cli_env, tmp_path):
    """`make run`'s first step: a new database and no SECRET_KEY get a random key in SECRETS_DIR (owner-only), which
    the settings then read; a second run keeps it; a key set in the environment wins and makes no file; a database
    that was set up without a key gets none (its waves recorded that), only a note."""
    env = {k: v for k, v in cli_env.items() if k != "SECRET_KEY"}
    made = {**env, "SECRETS_DIR": str(tmp_path / "made")}
    (tmp_path / "made").mkdir()
    first = _cli(made, "local-secret-key")
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "made" / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 32 and key_file.stat().st_mode & 0o777 == 0o600 and str(key_file) in first.stdout
    assert _cli(made, "local-secret-key").returncode == 0 and key_file.read_text() == key
    read = subprocess.run([sys.executable, "-c", "from app.config import get_settings; "
                           "print(get_settings().secret_key)"], env=made, capture_output=True, text=True, timeout=60)
    assert read.stdout.strip() == key, read.stderr
    overridden = subprocess.run([sys.executable, "-c", "from app.config import get_settings; "
                                 "print(get_settings().secret_key)"], env={**made, "SECRET_KEY": "k" * 40},
                                capture_output=True, text=True, timeout=60)
    assert overridden.stdout.strip() == "k" * 40
    (tmp_path / "set").mkdir()
    given = _cli({**env, "SECRETS_DIR": str(tmp_path / "set"), "SECRET_KEY": "k" * 40}, "local-secret-key")
    assert given.returncode == 0, given.stderr
    assert not (tmp_path / "set" / "secret_key").exists()
    assert _cli(env, "migrate").returncode == 0
    (tmp_path / "old").mkdir()
    old = _cli({**env, "SECRETS_DIR": str(tmp_path / "old")}, "local-secret-key")
    assert old.returncode == 0 and "no SECRET_KEY is set" in old.stderr
    assert not (tmp_path / "old" / "secret_key").exists()
