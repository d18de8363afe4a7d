"""Action plans: per survey wave and unit (null: the whole organisation), an action aimed at a dimension or a
statement, with an owner (a person, or only a name), a due date, a status and notes. It goes with its survey, unit
or organisation; its owner person may go without it (the name stays).

Revision ID: a7c1d2e3f405
Revises: 3f6c2b9a7d41
Create Date: 2026-12-05 20:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = 'a7c1d2e3f405'
down_revision: str | None = '3f6c2b9a7d41'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'actions',
        sa.Column('organisation_id', sa.Uuid(), nullable=False),
        sa.Column('survey_id', sa.Uuid(), nullable=False),
        sa.Column('unit_id', sa.Uuid(), nullable=True),
        sa.Column('dimension_key', sa.String(length=100), nullable=False),
        sa.Column('item_key', sa.String(length=100), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('owner_person_id', sa.Uuid(), nullable=True),
        sa.Column('owner_name', sa.String(length=200), nullable=True),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('status', sa.Enum('planned', 'in_progress', 'done', 'dropped', name='actionstatus',
                                    native_enum=False, length=20), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_actions_organisation_id_organisations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_actions_survey_id_surveys'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_actions_unit_id_units'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_person_id'], ['people.id'], name=op.f('fk_actions_owner_person_id_people'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_actions')),
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_owner_person_id'), ['owner_person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actions_owner_person_id'))
        batch_op.drop_index(batch_op.f('ix_actions_unit_id'))
        batch_op.drop_index(batch_op.f('ix_actions_survey_id'))
        batch_op.drop_index(batch_op.f('ix_actions_organisation_id'))
    op.drop_table('actions')
