"""Comments: a survey's optional open questions with its comment threshold and theme lists (`comment_settings`),
and the answers to them (`comments`), stored like responses: the unit and layer of the token and the masked text,
no time, no token, no link to a response; published with the responses; hidden by an admin.

Revision ID: b8d2e3f4a516
Revises: a7c1d2e3f405
Create Date: 2026-12-05 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b8d2e3f4a516'
down_revision: str | None = 'a7c1d2e3f405'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'comment_settings',
        sa.Column('survey_id', sa.Uuid(), nullable=False),
        sa.Column('questions', sa.JSON(), nullable=False),
        sa.Column('threshold', sa.Integer(), nullable=False),
        sa.Column('themes', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_comment_settings_survey_id_surveys'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_comment_settings')),
    )
    op.create_table(
        'comments',
        sa.Column('survey_id', sa.Uuid(), nullable=False),
        sa.Column('question_key', sa.String(length=100), nullable=False),
        sa.Column('unit_id', sa.Uuid(), nullable=False),
        sa.Column('layer_id', sa.Uuid(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('hidden', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_comments_survey_id_surveys'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_comments_unit_id_units')),
        sa.ForeignKeyConstraint(['layer_id'], ['layers.id'], name=op.f('fk_comments_layer_id_layers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comments')),
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_unit_id'))
        batch_op.drop_index(batch_op.f('ix_comments_survey_id'))
    op.drop_table('comments')
    op.drop_table('comment_settings')
