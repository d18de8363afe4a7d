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


def test_used_invitations_and_plain_drafts_are_carried_over_to_used_tokens_both_ways():
    """64a2ebee1f44: the invitations marked used (`submitted_at`) become used-token rows under SECRET_KEY, and a draft
    saved in the clear stays readable (with the time it was saved); the downgrade marks them used again."""
    import json
    import uuid

    import numpy as np
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.demo import build_demo
    from app.invitations.service import hash_token
    from app.invitations.used import used_key
    from app.respond.drafts import open_draft

    url = make_database("usedtokens")
    try:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            spare = build_demo(session, np.random.default_rng(1))[-1].split("#")[1]
            session.commit()
        with engine.connect() as conn:
            keys = set(conn.scalars(text("SELECT key FROM used_tokens")))
        assert keys
        engine.dispose()

        downgrade(url, "7b3f5a1c8e24")
        engine = make_engine(url)
        with engine.begin() as conn:
            used = set(conn.scalars(text("SELECT token_hash FROM invitations WHERE submitted_at IS NOT NULL")))
            assert {used_key(h) for h in used} == keys
            conn.execute(text("UPDATE invitations SET draft = :d, draft_saved_at = :t WHERE token_hash = :h"),
                         {"d": '{"language": "nl", "current": {"openness_1": 2}, "desired": {}, "comments": {}}',
                          "t": "2026-12-01 10:00:00+00:00", "h": hash_token(spare)})
        engine.dispose()

        upgrade(url)
        engine = make_engine(url)
        with engine.connect() as conn:
            assert set(conn.scalars(text("SELECT key FROM used_tokens"))) == keys
            invitation_id, draft, sealed = conn.execute(text(
                "SELECT id, draft, sealed_draft FROM invitations WHERE token_hash = :h"),
                {"h": hash_token(spare)}).one()
        engine.dispose()
        answers, saved_at = open_draft(spare, uuid.UUID(str(invitation_id)), sealed,
                                       json.loads(draft) if isinstance(draft, str) else draft)
        assert answers == {"language": "nl", "current": {"openness_1": 2}, "desired": {}, "comments": {}}
        assert saved_at is not None and (saved_at.day, saved_at.hour) == (1, 10)
    finally:
        drop_database(url)


def test_surveys_with_invitations_record_the_key_they_were_made_under():
    """3d54bf76f0b5: a survey with invitations gets the fingerprint of the SECRET_KEY the migration runs with (the
    service's: its used tokens were keyed with it); run without a SECRET_KEY, nothing is recorded (not checked)."""
    import os

    import numpy as np
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app import sealing
    from app.config import get_settings
    from app.demo import build_demo

    def fingerprints() -> list[str | None]:
        engine = make_engine(url)
        with engine.connect() as conn:
            found = list(conn.scalars(text("SELECT key_fingerprint FROM surveys")))
        engine.dispose()
        return found

    url = make_database("keyfingerprint")
    key = os.environ["SECRET_KEY"]
    try:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            build_demo(session, np.random.default_rng(1))
            session.commit()
        engine.dispose()
        downgrade(url, "64a2ebee1f44")
        os.environ["SECRET_KEY"] = ""
        get_settings.cache_clear()
        upgrade(url)
        assert set(fingerprints()) == {None}
        downgrade(url, "64a2ebee1f44")
        os.environ["SECRET_KEY"] = key
        get_settings.cache_clear()
        upgrade(url)
        found = fingerprints()
        assert len(found) >= 2 and set(found) == {sealing.fingerprint()}
    finally:
        os.environ["SECRET_KEY"] = key
        get_settings.cache_clear()
        drop_database(url)
