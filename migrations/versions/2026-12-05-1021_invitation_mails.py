"""Invitations mailed by the service: the address and the sealed token of each, kept while the survey is open so
that reminders carry the same link (deleted at the close); the outbox says when a mail's latest attempt began.

Revision ID: ed796f687e99
Revises: 935c56a22069
Create Date: 2026-12-05 10:21:45
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = 'ed796f687e99'
down_revision: str | None = '935c56a22069'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', app.db.UTCDateTime(timezone=True), nullable=True))
    op.create_table('invitation_mails',
    sa.Column('survey_id', sa.Uuid(), nullable=False),
    sa.Column('invitation_id', sa.Uuid(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('sealed_token', sa.LargeBinary(), nullable=False),
    sa.Column('last_mail_id', sa.Uuid(), nullable=True),
    sa.Column('mails', sa.Integer(), nullable=False),
    sa.Column('reminded_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_invitation_mails_invitation_id_invitations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_invitation_mails_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_mails')),
    sa.UniqueConstraint('invitation_id', name=op.f('uq_invitation_mails_invitation_id')),
    sa.UniqueConstraint('survey_id', 'email', name=op.f('uq_invitation_mails_survey_id_email'))
    )


def downgrade() -> None:
    op.drop_table('invitation_mails')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
