"""customers added from phones: who, and the phone's id for the write

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by', BIG_ID, nullable=True))
        batch_op.add_column(sa.Column('client_id', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_customers_created_by_users'), 'users', ['created_by'], ['id'], ondelete='SET NULL')
        batch_op.create_unique_constraint(batch_op.f('uq_customers_created_by_client_id'), ['created_by', 'client_id'])


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_customers_created_by_client_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_customers_created_by_users'), type_='foreignkey')
        batch_op.drop_column('client_id')
        batch_op.drop_column('created_by')
