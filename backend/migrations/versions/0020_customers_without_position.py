"""customers: a position is optional (most CRM exports have none); the open pool's settings

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from podium.db.base import UTCDateTime

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    # batch: SQLite cannot ALTER a column's nullability, so the table is copied; PostgreSQL alters in place.
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.alter_column('latitude', existing_type=sa.Float(), nullable=True)
        batch_op.alter_column('longitude', existing_type=sa.Float(), nullable=True)
    op.create_table(
        'customer_pool_settings',
        sa.Column('org_id', _ID, nullable=False),
        sa.Column('claims_allowed', sa.Boolean(), server_default='1', nullable=False),
        sa.Column('max_owned', sa.Integer(), nullable=True),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('org_id'),
    )


def downgrade() -> None:
    op.drop_table('customer_pool_settings')
    # A customer still without a position cannot go back under NOT NULL: place it at 0,0 rather than lose it.
    op.execute('UPDATE customers SET latitude = 0, longitude = 0 WHERE latitude IS NULL OR longitude IS NULL')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.alter_column('longitude', existing_type=sa.Float(), nullable=False)
        batch_op.alter_column('latitude', existing_type=sa.Float(), nullable=False)
