"""Unlinkable use: a submission no longer writes the invitation. That a token was used is a `used_tokens` row keyed
by HMAC-SHA256 (under a key derived from SECRET_KEY) of the invitation's token hash, inserted in the statement that
stores the response; on PostgreSQL the invitation row so no longer shares its transaction id (`xmin`) with the
response. Drafts are sealed under SECRET_KEY and the token (`invitations.sealed_draft`).

Existing data: each used invitation (`submitted_at` set) gets its used-token row, keyed with the SECRET_KEY of the
environment this migration runs in -- run it with the service's SECRET_KEY, or those tokens would answer again.
A draft saved before keeps its plain JSON (`invitations.draft`) with its `draft_saved_at` folded in as "saved_at"
(it can't be sealed here: that needs the token, which the database never held); the next save or the close erases
it. Then `submitted_at` and `draft_saved_at` are dropped.

Downgrade: the used tokens found again among the invitations (with the same SECRET_KEY) get `submitted_at` = today
(the day of use is not kept); sealed drafts are dropped (they open only with the token).

Revision ID: 64a2ebee1f44
Revises: 7b3f5a1c8e24
Create Date: 2026-12-05 23:30:00
"""

import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import app.db
from app.config import get_settings

revision: str = '64a2ebee1f44'
down_revision: str | None = '7b3f5a1c8e24'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PURPOSE = b"culturegap:used-token"  # as app.invitations.used (copied: a migration must not change with the app)

invitations = sa.table(
    "invitations", sa.column("id", sa.Uuid()), sa.column("survey_id", sa.Uuid()), sa.column("unit_id", sa.Uuid()),
    sa.column("layer_id", sa.Uuid()), sa.column("token_hash", sa.String()),
    sa.column("submitted_at", app.db.UTCDateTime(timezone=True)), sa.column("draft", sa.JSON()),
    sa.column("draft_saved_at", app.db.UTCDateTime(timezone=True)), sa.column("sealed_draft", sa.LargeBinary()))
used_tokens = sa.table("used_tokens", sa.column("key", sa.String()), sa.column("survey_id", sa.Uuid()),
                       sa.column("unit_id", sa.Uuid()), sa.column("layer_id", sa.Uuid()))


def _used_key(token_hash: str) -> str:
    purpose_key = hmac.new(get_settings().secret_key.encode(), _PURPOSE, hashlib.sha256).digest()
    return hmac.new(purpose_key, token_hash.encode(), hashlib.sha256).hexdigest()


def upgrade() -> None:
    op.create_table('used_tokens',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('survey_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('layer_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['layer_id'], ['layers.id'], name=op.f('fk_used_tokens_layer_id_layers')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_used_tokens_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_used_tokens_unit_id_units')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_used_tokens'))
    )
    with op.batch_alter_table('used_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_tokens_survey_id'), ['survey_id'], unique=False)
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_draft', sa.LargeBinary(), nullable=True))

    conn = op.get_bind()
    used = conn.execute(sa.select(invitations.c.token_hash, invitations.c.survey_id, invitations.c.unit_id,
                                  invitations.c.layer_id).where(invitations.c.submitted_at.is_not(None))).all()
    rows = [{"key": _used_key(h), "survey_id": s, "unit_id": u, "layer_id": la} for h, s, u, la in used]
    for start in range(0, len(rows), 5000):
        conn.execute(sa.insert(used_tokens), rows[start:start + 5000])
    drafts = conn.execute(sa.select(invitations.c.id, invitations.c.draft, invitations.c.draft_saved_at)
                          .where(invitations.c.draft.is_not(None), invitations.c.submitted_at.is_(None))).all()
    for invitation_id, draft, saved_at in drafts:
        folded: dict[str, Any] = {**draft, "saved_at": saved_at.isoformat() if saved_at is not None else None}
        conn.execute(sa.update(invitations).where(invitations.c.id == invitation_id).values(draft=folded))
    conn.execute(sa.update(invitations).where(invitations.c.submitted_at.is_not(None)).values(draft=None))

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('draft_saved_at')
        batch_op.drop_column('submitted_at')


def downgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('draft_saved_at', app.db.UTCDateTime(timezone=True), nullable=True))

    conn = op.get_bind()
    used = set(conn.scalars(sa.select(used_tokens.c.key)))
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if used:
        for invitation_id, token_hash in conn.execute(sa.select(invitations.c.id, invitations.c.token_hash)).all():
            if _used_key(token_hash) in used:
                conn.execute(sa.update(invitations).where(invitations.c.id == invitation_id)
                             .values(submitted_at=today))
    for invitation_id, draft in conn.execute(sa.select(invitations.c.id, invitations.c.draft)
                                             .where(invitations.c.draft.is_not(None))).all():
        saved_at = draft.pop("saved_at", None)
        conn.execute(sa.update(invitations).where(invitations.c.id == invitation_id).values(
            draft=json.loads(json.dumps(draft)),
            draft_saved_at=datetime.fromisoformat(saved_at) if saved_at else None))

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('sealed_draft')
    with op.batch_alter_table('used_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_tokens_survey_id'))
    op.drop_table('used_tokens')
