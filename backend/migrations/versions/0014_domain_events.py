"""domain events: the transactional outbox; push jobs queued once per event

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import podium.db.base

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
PENDING = sa.text('done_at IS NULL AND failed_at IS NULL')


def upgrade() -> None:
    op.create_table('domain_events',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('handled', sa.Text(), server_default='', nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('done_at', podium.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_at', podium.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domain_events'))
    )
    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.create_index('ix_domain_events_due', ['next_at'], unique=False, postgresql_where=PENDING, sqlite_where=PENDING)
        batch_op.create_index('ix_domain_events_org_created', ['org_id', 'created_at'], unique=False)
    with op.batch_alter_table('push_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dedupe_key', sa.String(length=80), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_push_jobs_subscription_id_dedupe_key'), ['subscription_id', 'dedupe_key'])


def downgrade() -> None:
    with op.batch_alter_table('push_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_push_jobs_subscription_id_dedupe_key'), type_='unique')
        batch_op.drop_column('dedupe_key')
    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.drop_index('ix_domain_events_org_created')
        batch_op.drop_index('ix_domain_events_due')
    op.drop_table('domain_events')
