"""accounts: the org's language, a person's manager and last sign-in, invitations, password resets

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import podium.db.base

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('invitations',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('team_id', BIG_ID, nullable=True),
    sa.Column('manager_id', BIG_ID, nullable=True),
    sa.Column('invited_by', BIG_ID, nullable=True),
    sa.Column('created_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', podium.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', podium.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_id', BIG_ID, nullable=True),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['invited_by'], ['users.id'], name=op.f('fk_invitations_invited_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['manager_id'], ['users.id'], name=op.f('fk_invitations_manager_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_invitations_org_id_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_invitations_team_id_teams'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_invitations_code_hash')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_org_id'), ['org_id'], unique=False)

    op.create_table('password_resets',
    sa.Column('user_id', BIG_ID, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_by', BIG_ID, nullable=True),
    sa.Column('created_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', podium.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['issued_by'], ['users.id'], name=op.f('fk_password_resets_issued_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_resets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_resets')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_resets_token_hash'))
    )
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_resets_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('orgs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), server_default='zh-CN', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manager_id', BIG_ID, nullable=True))
        batch_op.add_column(sa.Column('last_login_at', podium.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_manager_id_users'), 'users', ['manager_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_manager_id_users'), type_='foreignkey')
        batch_op.drop_column('last_login_at')
        batch_op.drop_column('manager_id')
    with op.batch_alter_table('orgs', schema=None) as batch_op:
        batch_op.drop_column('locale')
    op.drop_table('password_resets')
    op.drop_table('invitations')
