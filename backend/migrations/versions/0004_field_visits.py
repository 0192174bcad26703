"""field visits: check-out, plausibility flags and review, photos

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import podium.db.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position_at', podium.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='verified', nullable=False))
        batch_op.add_column(sa.Column('flags', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('speed_kmh', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('checked_out_at', podium.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('out_latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('out_longitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('out_accuracy_m', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('out_client_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('auto_closed', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('reviewed_by', BIG_ID, nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', podium.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.Text(), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_visits_reviewed_by_users'), 'users', ['reviewed_by'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_visits_org_status', ['org_id', 'status'], unique=False)
    # Visits logged before: outside the geofence was the only check, and they were single moments.
    op.execute("UPDATE visits SET status = 'flagged', flags = 'outside_geofence' WHERE within_geofence = false")
    op.execute("UPDATE visits SET checked_out_at = occurred_at")

    op.create_table('visit_photos',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('user_id', BIG_ID, nullable=False),
    sa.Column('visit_id', BIG_ID, nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('thumb', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_visit_photos_org_id_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_visit_photos_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_photos_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_photos')),
    sa.UniqueConstraint('user_id', 'client_id', name=op.f('uq_visit_photos_user_id_client_id'))
    )
    with op.batch_alter_table('visit_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_photos_visit_id'), ['visit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('visit_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_photos_visit_id'))
    op.drop_table('visit_photos')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_org_status')
        batch_op.drop_constraint(batch_op.f('fk_visits_reviewed_by_users'), type_='foreignkey')
        for column in ('review_note', 'reviewed_at', 'reviewed_by', 'auto_closed', 'out_client_id', 'out_accuracy_m',
                       'out_longitude', 'out_latitude', 'checked_out_at', 'speed_kmh', 'flags', 'status', 'position_at'):
            batch_op.drop_column(column)
