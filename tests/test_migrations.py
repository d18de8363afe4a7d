"""The schema comes from the migrations alone: they match the models and run both ways, on both engines."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from app.db import make_engine
from app.migrate import downgrade, upgrade
from app.models import Base
from tests.conftest import drop_database, make_database


def _diff(url: str) -> list:
    engine = make_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    return diff


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_models_and_migrations_agree(database_url):
    assert _diff(database_url) == []


def test_upgrade_downgrade_upgrade():
    url = make_database("roundtrip")
    try:
        upgrade(url)
        migrated = _tables(url)
        assert {"organisations", "units", "layers", "api_keys", "surveys", "responses"} <= migrated
        downgrade(url, "base")
        assert _tables(url) <= {"alembic_version"}
        upgrade(url)
        assert _tables(url) == migrated
        assert _diff(url) == []
    finally:
        drop_database(url)
