"""A survey records which SECRET_KEY its invitations were made under (`surveys.key_fingerprint`, 16 hex digits of an
HMAC of a constant under the key, never the key): a token used under one key and checked under another is refused
instead of answering again (app.invitations.used).

Existing data: each survey with invitations gets the fingerprint of the SECRET_KEY of the environment this migration
runs in -- run it with the service's SECRET_KEY (as the previous migration, which keyed the used tokens with it).
Run without a SECRET_KEY set, it records nothing: those surveys are then not checked (as before), and a survey's
first invitations made after it record the key they are made under.

Downgrade: the column is dropped.

Revision ID: 3d54bf76f0b5
Revises: 64a2ebee1f44
Create Date: 2026-12-06 03:00:00
"""

import hashlib
import hmac
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.config import get_settings

revision: str = '3d54bf76f0b5'
down_revision: str | None = '64a2ebee1f44'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CONSTANT = b"culturegap:key-fingerprint"  # as app.sealing.fingerprint (copied: a migration must not change with the app)

surveys = sa.table("surveys", sa.column("id", sa.Uuid()), sa.column("key_fingerprint", sa.String()))
invitations = sa.table("invitations", sa.column("survey_id", sa.Uuid()))


def upgrade() -> None:
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_fingerprint', sa.String(length=16), nullable=True))
    secret = get_settings().secret_key
    if secret:
        fingerprint = hmac.new(secret.encode(), _CONSTANT, hashlib.sha256).hexdigest()[:16]
        op.get_bind().execute(sa.update(surveys).where(sa.exists(sa.select(invitations.c.survey_id).where(
            invitations.c.survey_id == surveys.c.id))).values(key_fingerprint=fingerprint))


def downgrade() -> None:
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('key_fingerprint')
