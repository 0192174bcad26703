"""badges: admin-defined badges, the org's holidays and working weekends

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import podium.db.base

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('badge_definitions',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('metric', sa.String(length=20), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_badge_definitions_org_id_orgs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_definitions')),
    sa.UniqueConstraint('org_id', 'client_id', name=op.f('uq_badge_definitions_org_id_client_id'))
    )
    with op.batch_alter_table('badge_definitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badge_definitions_org_id'), ['org_id'], unique=False)

    op.create_table('calendar_days',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=80), server_default='', nullable=False),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_calendar_days_org_id_orgs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_days')),
    sa.UniqueConstraint('org_id', 'day', name=op.f('uq_calendar_days_org_id_day'))
    )


def downgrade() -> None:
    op.drop_table('calendar_days')
    op.drop_table('badge_definitions')
