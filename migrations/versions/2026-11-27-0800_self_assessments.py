"""Self-assessments: leaders' own answers, named and given with consent (the leader blind-spot report).

Revision ID: 8e3b6c1d2f40
Revises: 5c1d0f7a9b2e
Create Date: 2026-11-27 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '8e3b6c1d2f40'
down_revision: str | None = '5c1d0f7a9b2e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('self_assessments',
    sa.Column('survey_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('layer_id', sa.Uuid(), nullable=False),
    sa.Column('leader_name', sa.String(length=200), nullable=False),
    sa.Column('consent_given_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('current', sa.LargeBinary(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['layer_id'], ['layers.id'], name=op.f('fk_self_assessments_layer_id_layers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_self_assessments_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_self_assessments_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_assessments'))
    )
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_assessments_layer_id'), ['layer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_assessments_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_assessments_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_assessments_unit_id'))
        batch_op.drop_index(batch_op.f('ix_self_assessments_survey_id'))
        batch_op.drop_index(batch_op.f('ix_self_assessments_layer_id'))

    op.drop_table('self_assessments')
