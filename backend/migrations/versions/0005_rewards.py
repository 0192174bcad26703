"""rewards store: the catalog and redemptions

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import podium.db.base

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('rewards',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('points_price', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('created_by', BIG_ID, nullable=True),
    sa.Column('created_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.CheckConstraint('points_price > 0', name=op.f('ck_rewards_price_positive')),
    sa.CheckConstraint('stock IS NULL OR stock >= 0', name=op.f('ck_rewards_stock_not_negative')),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_rewards_org_id_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_rewards_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rewards')),
    sa.UniqueConstraint('org_id', 'client_id', name=op.f('uq_rewards_org_id_client_id'))
    )
    with op.batch_alter_table('rewards', schema=None) as batch_op:
        batch_op.create_index('ix_rewards_org_active', ['org_id', 'active'], unique=False)

    op.create_table('reward_redemptions',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('user_id', BIG_ID, nullable=False),
    sa.Column('reward_id', BIG_ID, nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('reward_name', sa.String(length=80), nullable=False),
    sa.Column('unit_price', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('decided_by', BIG_ID, nullable=True),
    sa.Column('decided_at', podium.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_reward_redemptions_quantity_positive')),
    sa.CheckConstraint('points > 0', name=op.f('ck_reward_redemptions_points_positive')),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_reward_redemptions_org_id_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reward_redemptions_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reward_id'], ['rewards.id'], name=op.f('fk_reward_redemptions_reward_id_rewards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_reward_redemptions_decided_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reward_redemptions')),
    sa.UniqueConstraint('user_id', 'client_id', name=op.f('uq_reward_redemptions_user_id_client_id'))
    )
    with op.batch_alter_table('reward_redemptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reward_redemptions_reward_id'), ['reward_id'], unique=False)
        batch_op.create_index('ix_reward_redemptions_user_status', ['user_id', 'status'], unique=False)
        batch_op.create_index('ix_reward_redemptions_org_status', ['org_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reward_redemptions', schema=None) as batch_op:
        batch_op.drop_index('ix_reward_redemptions_org_status')
        batch_op.drop_index('ix_reward_redemptions_user_status')
        batch_op.drop_index(batch_op.f('ix_reward_redemptions_reward_id'))
    op.drop_table('reward_redemptions')
    with op.batch_alter_table('rewards', schema=None) as batch_op:
        batch_op.drop_index('ix_rewards_org_active')
    op.drop_table('rewards')
