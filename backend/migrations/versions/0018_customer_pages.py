"""customers: industry, city, merged duplicates, list figures, contacts

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from podium.db.base import UTCDateTime

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
MONEY = sa.Numeric(18, 2)


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('industry', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('city', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('merged_into_id', BIG_ID, nullable=True))
        batch_op.add_column(sa.Column('updated_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_visit_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_order_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('order_interval_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('open_pipeline', MONEY, server_default='0', nullable=False))
        batch_op.add_column(sa.Column('lifetime_revenue', MONEY, server_default='0', nullable=False))
        batch_op.add_column(sa.Column('at_risk_from', UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_customers_merged_into_id_customers'), 'customers', ['merged_into_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_customers_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index('ix_customers_org_last_visit', ['org_id', 'last_visit_at'], unique=False)
        batch_op.create_index('ix_customers_org_open_pipeline', ['org_id', 'open_pipeline'], unique=False)
        batch_op.create_index('ix_customers_org_lifetime_revenue', ['org_id', 'lifetime_revenue'], unique=False)
        batch_op.create_index('ix_customers_org_at_risk_from', ['org_id', 'at_risk_from'], unique=False)
        batch_op.create_index('ix_customers_org_city', ['org_id', 'city'], unique=False)
    op.create_table(
        'customer_contacts',
        sa.Column('org_id', BIG_ID, nullable=False),
        sa.Column('customer_id', BIG_ID, nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('wecom_id', sa.String(length=64), nullable=False),
        sa.Column('dingtalk_id', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_contacts_customer_id_customers'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_customer_contacts_org_id_orgs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_contacts')),
    )
    op.create_index(op.f('ix_customer_contacts_customer_id'), 'customer_contacts', ['customer_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_customer_contacts_customer_id'), table_name='customer_contacts')
    op.drop_table('customer_contacts')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        for name in ('ix_customers_org_city', 'ix_customers_org_at_risk_from', 'ix_customers_org_lifetime_revenue',
                     'ix_customers_org_open_pipeline', 'ix_customers_org_last_visit', 'ix_customers_merged_into_id'):
            batch_op.drop_index(name)
        batch_op.drop_constraint(batch_op.f('fk_customers_merged_into_id_customers'), type_='foreignkey')
        for column in ('at_risk_from', 'lifetime_revenue', 'open_pipeline', 'order_interval_days', 'last_order_at',
                       'last_visit_at', 'updated_at', 'merged_into_id', 'city', 'industry'):
            batch_op.drop_column(column)
