"""imports: runs, their rows and saved mappings; customers' external id and credit code

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from podium.db.base import UTCDateTime

revision = '0024'
down_revision = '0019'  # TEMPORARY for local runs: the lead chains it after 0023
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('credit_code', sa.String(length=18), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_customers_org_id_external_id'), ['org_id', 'external_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_customers_org_id_credit_code'), ['org_id', 'credit_code'])
    op.create_table(
        'import_sources',
        sa.Column('org_id', BIG_ID, nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('mapping', sa.Text(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_import_sources_org_id_orgs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_sources')),
        sa.UniqueConstraint('org_id', 'kind', 'name', name=op.f('uq_import_sources_org_id_kind_name')),
    )
    op.create_table(
        'import_runs',
        sa.Column('org_id', BIG_ID, nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('created_by', BIG_ID, nullable=True),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('file_format', sa.String(length=8), nullable=False),
        sa.Column('file_hash', sa.String(length=64), nullable=False),
        sa.Column('headers', sa.Text(), nullable=False),
        sa.Column('mapping', sa.Text(), nullable=False),
        sa.Column('source_name', sa.String(length=80), nullable=False),
        sa.Column('total_rows', sa.Integer(), nullable=False),
        sa.Column('done_rows', sa.Integer(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('errors', sa.Integer(), nullable=False),
        sa.Column('plan_token', sa.String(length=64), nullable=False),
        sa.Column('lease_until', UTCDateTime(), nullable=True),
        sa.Column('failure', sa.String(length=40), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('planned_at', UTCDateTime(), nullable=True),
        sa.Column('committed_at', UTCDateTime(), nullable=True),
        sa.Column('undone_at', UTCDateTime(), nullable=True),
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_import_runs_created_by_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_import_runs_org_id_orgs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs')),
    )
    op.create_index('ix_import_runs_org_created', 'import_runs', ['org_id', 'created_at'], unique=False)
    op.create_table(
        'import_rows',
        sa.Column('run_id', BIG_ID, nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('cells', sa.Text(), nullable=False),
        sa.Column('outcome', sa.String(length=10), nullable=True),
        sa.Column('target_id', BIG_ID, nullable=True),
        sa.Column('version', sa.String(length=40), nullable=True),
        sa.Column('changes', sa.Text(), nullable=True),
        sa.Column('problems', sa.Text(), nullable=True),
        sa.Column('candidates', sa.Text(), nullable=True),
        sa.Column('decision', sa.String(length=40), nullable=True),
        sa.Column('applied', sa.Boolean(), nullable=False),
        sa.Column('result', sa.Text(), nullable=True),
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['import_runs.id'], name=op.f('fk_import_rows_run_id_import_runs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_rows')),
        sa.UniqueConstraint('run_id', 'line', name=op.f('uq_import_rows_run_id_line')),
    )
    op.create_index('ix_import_rows_run_outcome', 'import_rows', ['run_id', 'outcome'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_import_rows_run_outcome', table_name='import_rows')
    op.drop_table('import_rows')
    op.drop_index('ix_import_runs_org_created', table_name='import_runs')
    op.drop_table('import_runs')
    op.drop_table('import_sources')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_customers_org_id_credit_code'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_customers_org_id_external_id'), type_='unique')
        batch_op.drop_column('credit_code')
        batch_op.drop_column('external_id')
