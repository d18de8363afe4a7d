"""A dimension may answer on its own scale (`dimensions.scale_min`, `scale_max`, `scale_labels`,
`dont_know_label`), so a custom research instrument can hold a 1-5 and a 0-4 part in one questionnaire.

NULL in `scale_min` (and `scale_max`) means "the questionnaire's scale", which is what every existing dimension
gets: nothing is copied, the built-in questionnaires and every survey's data stay exactly as they were, and the
questionnaire's scale remains the one source for dimensions without their own. A check constraint keeps the
range whole (both bounds or neither, max above min).

Revision ID: 7b3f5a1c8e24
Revises: 7b2e4d9c1a53
Create Date: 2026-12-05 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7b3f5a1c8e24'
down_revision: str | None = '7b2e4d9c1a53'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

dimensions = sa.table("dimensions", sa.column("scale_min", sa.Integer()))


def upgrade() -> None:
    with op.batch_alter_table('dimensions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scale_min', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('scale_max', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('scale_labels', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('dont_know_label', sa.JSON(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_dimensions_own_scale_complete'),
            sa.text("(scale_min IS NULL AND scale_max IS NULL) OR "
                    "(scale_min IS NOT NULL AND scale_max IS NOT NULL AND scale_max > scale_min)"))


def downgrade() -> None:
    conn = op.get_bind()
    if conn.execute(sa.select(dimensions.c.scale_min).where(dimensions.c.scale_min.is_not(None)).limit(1)).first():
        raise RuntimeError("Some dimensions have their own scale, which the older schema can't hold; delete those "
                           "questionnaires (and their surveys) before downgrading.")
    with op.batch_alter_table('dimensions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_dimensions_own_scale_complete'), type_='check')
        batch_op.drop_column('dont_know_label')
        batch_op.drop_column('scale_labels')
        batch_op.drop_column('scale_max')
        batch_op.drop_column('scale_min')
