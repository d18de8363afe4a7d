"""Alembic, driven from code: the CLI, the tests and /ready use these."""

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from app.config import PROJECT_DIR


def _migrations_home() -> Path:
    # A source checkout keeps alembic.ini beside app/; an installed package (the Docker image) runs from the
    # folder that holds it.
    return PROJECT_DIR if (PROJECT_DIR / "alembic.ini").exists() else Path.cwd()


def alembic_config(database_url: str | None = None) -> Config:
    home = _migrations_home()
    config = Config(str(home / "alembic.ini"))
    config.set_main_option("script_location", str(home / "migrations"))
    if database_url is not None:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


@lru_cache
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
