"""Engine, sessions and the declarative base.

The request's session commits when the handler returns and rolls back when it raises, so a request succeeds or
fails as a whole; services only `flush()`.
"""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, ClassVar

from sqlalchemy import Connection, DateTime, Engine, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from app.config import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every engine (SQLite stores no offset and returns naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL + FULL makes an acknowledged commit survive a crash.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


READ_ONLY = "read_only"
"""An execution option (of an engine or a connection): its transactions only read. On SQLite they begin deferred
and can't write (see `_begin`); other engines ignore it."""


def _begin(conn: Connection) -> None:
    # A writer takes SQLite's write lock at BEGIN IMMEDIATE, so two writers queue instead of one failing with
    # "database is locked" when it upgrades from reader to writer mid-transaction. A reader begins deferred: in WAL
    # mode it reads a snapshot without the lock, so a slow report neither holds writers up nor waits for them.
    # query_only makes a write in a reader's transaction fail at once instead of racing for the lock.
    read_only = bool(conn.get_execution_options().get(READ_ONLY))
    if conn.info.get(READ_ONLY, False) is not read_only:  # the pragma stays with the pooled connection
        cursor = conn.connection.cursor()  # through the driver, like the pragmas at connect
        cursor.execute(f"PRAGMA query_only={'ON' if read_only else 'OFF'}")
        cursor.close()
        conn.info[READ_ONLY] = read_only
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    settings = get_settings()
    # A database error's message (logged with its traceback) would otherwise carry the statement's parameters,
    # such as the hash of the token or key being looked up.
    kwargs.setdefault("hide_parameters", True)
    if ":memory:" not in url:  # an in-memory SQLite database has a pool of its own kind
        kwargs.setdefault("pool_size", settings.db_pool_size)
        kwargs.setdefault("max_overflow", settings.db_max_overflow)
        kwargs.setdefault("pool_timeout", settings.db_pool_timeout)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event emit BEGIN itself

        event.listen(engine, "begin", _begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


def connections_per_worker() -> int:
    """The most connections one worker opens on PostgreSQL: the app's pool and overflow, the respondent's pool,
    the rate counters' and the readiness probe's one (see app.pgasync)."""
    settings = get_settings()
    return 3 * settings.db_pool_size + settings.db_max_overflow + 1


@lru_cache
def get_sessionmaker(read_only: bool = False) -> sessionmaker[Session]:
    """Sessions of the app's engine; `read_only`: for work that only reads (see READ_ONLY)."""
    engine = get_engine()
    return sessionmaker(bind=engine.execution_options(**{READ_ONLY: True}) if read_only else engine,
                        expire_on_commit=False)


def get_session(read_only: bool = False) -> Iterator[Session]:
    """One session per request: commit when the handler succeeds, roll back when it raises."""
    session = get_sessionmaker(read_only=read_only)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
