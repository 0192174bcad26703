"""point rules: multipliers, validity windows, who changed them; manual adjustments

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import podium.db.base

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('point_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('multiplier', sa.Numeric(precision=6, scale=2), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('updated_by', BIG_ID, nullable=True))
        batch_op.add_column(sa.Column('updated_at', podium.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_point_rules_updated_by_users'), 'users', ['updated_by'], ['id'], ondelete='SET NULL')

    op.create_table('points_adjustments',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('user_id', BIG_ID, nullable=False),
    sa.Column('by_user_id', BIG_ID, nullable=True),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_points_adjustments_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_points_adjustments_org_id_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_points_adjustments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_adjustments')),
    sa.UniqueConstraint('by_user_id', 'client_id', name=op.f('uq_points_adjustments_by_user_id_client_id'))
    )
    with op.batch_alter_table('points_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_adjustments_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_adjustments_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('points_adjustments')
    with op.batch_alter_table('point_rules', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_point_rules_updated_by_users'), type_='foreignkey')
        for column in ('updated_at', 'updated_by', 'ends_on', 'starts_on', 'active', 'multiplier'):
            batch_op.drop_column(column)
