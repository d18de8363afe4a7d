"""Published responses: a wave's figures come from the responses published when it closed, so that nobody can
read a report before and after one more response and learn that response's answers.

Responses of surveys that are not open now are published (their figures were shown before this change); those of
open surveys wait for the close.

Revision ID: 9d4e1a7c2b80
Revises: 3f7a2c9e4b61
Create Date: 2026-12-05 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '9d4e1a7c2b80'
down_revision: str | None = '3f7a2c9e4b61'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', app.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE responses SET published = true WHERE survey_id IN "
               "(SELECT id FROM surveys WHERE status <> 'open')")
    op.execute("UPDATE surveys SET published_at = coalesce(closed_at, created_at) WHERE status <> 'open' "
               "AND EXISTS (SELECT 1 FROM responses WHERE responses.survey_id = surveys.id)")


def downgrade() -> None:
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('published_at')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('published')
