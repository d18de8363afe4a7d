"""People who sign in: people and their units, server-side sessions, e-mailed sign-in links (and their rate
counts), single sign-on settings and flows in progress, the mail outbox; audit events name a person or nobody as
their actor too.

Revision ID: 935c56a22069
Revises: 9d4e1a7c2b80
Create Date: 2026-12-05 05:43:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '935c56a22069'
down_revision: str | None = '9d4e1a7c2b80'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('outgoing_mail',
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('expires_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_outgoing_mail_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail'))
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mail_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_mail_sent_at'), ['sent_at'], unique=False)

    op.create_table('sign_in_requests',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_requests'))
    )
    with op.batch_alter_table('sign_in_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_requests_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_requests_subject'), ['subject'], unique=False)

    op.create_table('people',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('platform_admin', 'org_admin', 'analyst', 'leader', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('deactivated_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_sign_in_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_people_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('organisation_id', 'email', name=op.f('uq_people_organisation_id_email'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('sign_in_flows',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('state_hash', sa.String(length=64), nullable=False),
    sa.Column('browser_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=100), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('expires_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_sign_in_flows_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_flows')),
    sa.UniqueConstraint('state_hash', name=op.f('uq_sign_in_flows_state_hash'))
    )
    with op.batch_alter_table('sign_in_flows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_flows_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_flows_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('single_sign_on',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('client_id', sa.String(length=300), nullable=False),
    sa.Column('client_secret_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('email_claim', sa.String(length=100), nullable=False),
    sa.Column('allowed_domains', sa.JSON(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_single_sign_on_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_single_sign_on'))
    )
    op.create_table('person_units',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_units_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_person_units_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'unit_id', name=op.f('pk_person_units'))
    )
    with op.batch_alter_table('person_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_units_unit_id'), ['unit_id'], unique=False)

    op.create_table('sign_in_links',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_sign_in_links_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_links_token_hash'))
    )
    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_links_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_links_person_id'), ['person_id'], unique=False)

    op.create_table('user_sessions',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('last_seen_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_user_sessions_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_user_sessions_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_user_sessions_secret_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_sessions_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_sessions_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_kind', sa.String(length=10), server_default='key', nullable=False))
        batch_op.alter_column('actor_key_id',
               existing_type=sa.Uuid(),
               nullable=True)



def downgrade() -> None:
    # Events without an actor (failed sign-ins) get the nil UUID: the old schema wants one.
    nil = "00000000-0000-0000-0000-000000000000" if op.get_bind().dialect.name == "postgresql" else "0" * 32
    op.execute(f"UPDATE audit_events SET actor_key_id = '{nil}' WHERE actor_key_id IS NULL")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('actor_key_id',
               existing_type=sa.Uuid(),
               nullable=False)
        batch_op.drop_column('actor_kind')

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_person_id'))
        batch_op.drop_index(batch_op.f('ix_user_sessions_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_user_sessions_expires_at'))

    op.drop_table('user_sessions')
    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_links_person_id'))
        batch_op.drop_index(batch_op.f('ix_sign_in_links_expires_at'))

    op.drop_table('sign_in_links')
    with op.batch_alter_table('person_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_units_unit_id'))

    op.drop_table('person_units')
    op.drop_table('single_sign_on')
    with op.batch_alter_table('sign_in_flows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_flows_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_sign_in_flows_expires_at'))

    op.drop_table('sign_in_flows')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_people_email'))

    op.drop_table('people')
    with op.batch_alter_table('sign_in_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_requests_subject'))
        batch_op.drop_index(batch_op.f('ix_sign_in_requests_created_at'))

    op.drop_table('sign_in_requests')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_sent_at'))
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_organisation_id'))

    op.drop_table('outgoing_mail')
