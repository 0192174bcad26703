"""robots: WeCom, DingTalk and Slack group robots per org, and their queued messages

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import podium.db.base

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('robots',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=80), server_default='', nullable=False),
    sa.Column('url', sa.String(length=1024), nullable=False),
    sa.Column('secret', sa.String(length=200), server_default='', nullable=False),
    sa.Column('kinds', sa.String(length=200), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_robots_org_id_orgs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_robots')),
    sa.UniqueConstraint('org_id', 'client_id', name=op.f('uq_robots_org_id_client_id'))
    )
    with op.batch_alter_table('robots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_robots_org_id'), ['org_id'], unique=False)

    op.create_table('robot_jobs',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('robot_id', BIG_ID, nullable=False),
    sa.Column('celebration_id', BIG_ID, nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=12), server_default='pending', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=300), server_default='', nullable=False),
    sa.Column('created_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', podium.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_robot_jobs_org_id_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['robot_id'], ['robots.id'], name=op.f('fk_robot_jobs_robot_id_robots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['celebration_id'], ['celebrations.id'], name=op.f('fk_robot_jobs_celebration_id_celebrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_robot_jobs')),
    sa.UniqueConstraint('robot_id', 'celebration_id', name=op.f('uq_robot_jobs_robot_id_celebration_id'))
    )
    with op.batch_alter_table('robot_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_robot_jobs_state_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_robot_jobs_robot_id'), ['robot_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('robot_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_robot_jobs_robot_id'))
        batch_op.drop_index('ix_robot_jobs_state_due')
    op.drop_table('robot_jobs')
    with op.batch_alter_table('robots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_robots_org_id'))
    op.drop_table('robots')
