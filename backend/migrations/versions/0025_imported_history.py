"""deals, orders, payments and targets: imported history (external ids, the run that wrote them, commission settled elsewhere)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

MONEY_ROWS = ('deals', 'orders', 'payments')


def upgrade() -> None:
    for table in MONEY_ROWS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('external_id', sa.String(length=100), nullable=True))
            batch_op.add_column(sa.Column('import_run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_org_id_external_id'), ['org_id', 'external_id'])
            batch_op.create_index(batch_op.f(f'ix_{table}_import_run_id'), ['import_run_id'], unique=False)
    for table in ('deals', 'payments'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('settled_elsewhere', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_column('import_run_id')
    for table in ('deals', 'payments'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('settled_elsewhere')
    for table in MONEY_ROWS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_import_run_id'))
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_org_id_external_id'), type_='unique')
            batch_op.drop_column('import_run_id')
            batch_op.drop_column('external_id')
