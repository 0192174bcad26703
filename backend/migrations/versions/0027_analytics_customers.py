"""analytics, the customers side: customer and product months, customers' churn signals, people's visit and activity days

Revision ID: 0027
Revises: 0025
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
MONEY = sa.Numeric(precision=18, scale=2)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'), ondelete='CASCADE')


def upgrade() -> None:
    t = 'analytics_customer_months'
    op.create_table(
        t,
        sa.Column('customer_id', BIG, nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('org_id', BIG, nullable=False),
        sa.Column('revenue', MONEY, nullable=False),
        sa.Column('margin', MONEY, nullable=False),
        sa.Column('deals_won', sa.Integer(), nullable=False),
        sa.Column('last_won_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('orders', sa.Integer(), nullable=False),
        sa.Column('order_amount', MONEY, nullable=False),
        sa.Column('collections', MONEY, nullable=False),
        _fk(t, 'customer_id', 'customers'), _fk(t, 'org_id', 'orgs'),
        sa.PrimaryKeyConstraint('customer_id', 'month', name=op.f(f'pk_{t}')),
    )
    op.create_index('ix_analytics_customer_months_org_month', t, ['org_id', 'month', 'customer_id'], unique=False)

    t = 'analytics_product_months'
    op.create_table(
        t,
        sa.Column('customer_id', BIG, nullable=False),
        sa.Column('product_id', BIG, nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('org_id', BIG, nullable=False),
        sa.Column('revenue', MONEY, nullable=False),
        sa.Column('margin', MONEY, nullable=False),
        sa.Column('quantity', sa.Numeric(precision=18, scale=3), nullable=False),
        _fk(t, 'customer_id', 'customers'), _fk(t, 'product_id', 'products'), _fk(t, 'org_id', 'orgs'),
        sa.PrimaryKeyConstraint('customer_id', 'product_id', 'month', name=op.f(f'pk_{t}')),
    )
    op.create_index('ix_analytics_product_months_org_month', t, ['org_id', 'month'], unique=False)

    t = 'analytics_customer_signals'
    op.create_table(
        t,
        sa.Column('customer_id', BIG, nullable=False),
        sa.Column('org_id', BIG, nullable=False),
        sa.Column('last_order_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('interval_days', sa.Integer(), nullable=True),
        sa.Column('overdue_from', sa.DateTime(timezone=True), nullable=True),
        sa.Column('recent_average', MONEY, nullable=True),
        sa.Column('earlier_average', MONEY, nullable=True),
        sa.Column('falling', sa.Boolean(), nullable=False),
        _fk(t, 'customer_id', 'customers'), _fk(t, 'org_id', 'orgs'),
        sa.PrimaryKeyConstraint('customer_id', name=op.f(f'pk_{t}')),
    )
    op.create_index('ix_analytics_customer_signals_org_overdue', t, ['org_id', 'overdue_from'], unique=False)

    t = 'analytics_person_days'
    op.create_table(
        t,
        sa.Column('user_id', BIG, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('org_id', BIG, nullable=False),
        *(sa.Column(c, sa.Integer(), nullable=False) for c in ('visits', 'verified', 'approved', 'flagged', 'rejected', 'converted')),
        _fk(t, 'user_id', 'users'), _fk(t, 'org_id', 'orgs'),
        sa.PrimaryKeyConstraint('user_id', 'day', name=op.f(f'pk_{t}')),
    )
    op.create_index('ix_analytics_person_days_org_day', t, ['org_id', 'day'], unique=False)

    t = 'analytics_activity_days'
    op.create_table(
        t,
        sa.Column('user_id', BIG, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('org_id', BIG, nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        _fk(t, 'user_id', 'users'), _fk(t, 'org_id', 'orgs'),
        sa.PrimaryKeyConstraint('user_id', 'day', 'kind', name=op.f(f'pk_{t}')),
    )
    op.create_index('ix_analytics_activity_days_org_day', t, ['org_id', 'day'], unique=False)


def downgrade() -> None:
    for t in ('analytics_activity_days', 'analytics_person_days', 'analytics_customer_signals', 'analytics_product_months', 'analytics_customer_months'):
        op.drop_table(t)
