"""The outbox sends in batches with backoff (`next_attempt_at`), holds a survey's mails until it accepts responses
and forgets them at its close (`survey_id`), their bodies (with the respondents' links) sealed under SECRET_KEY
(`sealed_body`); a wave opens itself at `opens_at` and sends the reminders set for it
(`reminder_days` after its start; `reminders_sent` of them are done, the next is due at `next_reminder_at`).

Revision ID: 3f6c2b9a7d41
Revises: ed796f687e99
Create Date: 2026-12-05 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '3f6c2b9a7d41'
down_revision: str | None = 'ed796f687e99'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sealed_body', sa.LargeBinary(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outgoing_mail_survey_id_surveys'), 'surveys', ['survey_id'],
                                    ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_outgoing_mail_survey_id'), ['survey_id'], unique=False)
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_days', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('reminders_sent', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('next_reminder_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_surveys_next_reminder_at'), ['next_reminder_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveys_next_reminder_at'))
        batch_op.drop_column('next_reminder_at')
        batch_op.drop_column('reminders_sent')
        batch_op.drop_column('reminder_days')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_survey_id'))
        batch_op.drop_constraint(batch_op.f('fk_outgoing_mail_survey_id_surveys'), type_='foreignkey')
        batch_op.drop_column('sealed_body')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('survey_id')
