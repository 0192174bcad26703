"""analytics, the customers side: the (org, month) indexes of customer and product months cover what the ranked lists read (PostgreSQL)

Revision ID: 0029
Revises: 0027
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = '0029'
down_revision = '0027'
branch_labels = None
depends_on = None

# A period's read is one range of (org_id, month): with the summed columns in the index PostgreSQL answers it from
# the index alone (a month of 30,000 customers: 16 ms → 1.9 ms). SQLite has no INCLUDE: its indexes stay as they were.
CUSTOMER_MONTHS = ('ix_analytics_customer_months_org_month', 'analytics_customer_months', ['org_id', 'month', 'customer_id'])
PRODUCT_MONTHS = ('ix_analytics_product_months_org_month', 'analytics_product_months', ['org_id', 'month'])


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for (name, table, columns), include in ((CUSTOMER_MONTHS, ['revenue', 'deals_won', 'last_won_at']),
                                            (PRODUCT_MONTHS, ['customer_id', 'product_id', 'revenue', 'quantity'])):
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=False, postgresql_include=include)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, table, columns in (CUSTOMER_MONTHS, PRODUCT_MONTHS):
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=False)
