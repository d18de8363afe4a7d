import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from app.config import get_settings
from app.db import make_engine
from app.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata
# Replicas that start together all migrate (MIGRATE_ON_START, or `culturegap migrate` before each server): on
# PostgreSQL they queue on this advisory lock, held until the migrating transaction ends, and each later one finds
# the schema at head and has nothing to do. On SQLite (whose migrations are not one transaction) they queue on a
# lock file beside the database.
MIGRATION_LOCK = 0x63756C74  # "cult"


@contextmanager
def migration_lock(connection: Connection, url: str) -> Iterator[None]:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        yield
        return
    path = make_url(url).database
    if not path or path == ":memory:":
        yield
        return
    with open(f"{path}.migrate-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    url = database_url()
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = database_url()
    sqlite = url.startswith("sqlite")
    engine = make_engine(url)
    with engine.connect() as connection:
        if sqlite:
            # SQLite's batch mode rebuilds tables; with foreign keys on, dropping the old copy would cascade.
            # The pragma only works outside a transaction, so it goes straight to the driver.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True,
                          render_as_batch=sqlite)
        with context.begin_transaction(), migration_lock(connection, url):
            context.run_migrations()
        if sqlite:
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"foreign key violations after migrating: {problems[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
