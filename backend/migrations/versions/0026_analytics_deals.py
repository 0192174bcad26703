"""analytics: the pipeline's rollups (deal facts, stage stays, results, stage and duration sums per owner and period)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from podium.db.base import UTCDateTime

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
MONEY = sa.Numeric(precision=18, scale=2)


def _org(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column('org_id', BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f(f'fk_{table}_org_id_orgs'), ondelete='CASCADE'),
    ]


def _period(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('period', sa.String(length=8), nullable=False),
        sa.Column('owner_id', BIG_ID, nullable=False),
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade() -> None:
    op.create_table(
        'analytics_deal_facts',
        sa.Column('deal_id', BIG_ID, nullable=False),
        *_org('analytics_deal_facts'),
        sa.Column('owner_id', BIG_ID, nullable=False),
        sa.Column('lead_source', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('stage_id', BIG_ID, nullable=False),
        sa.Column('stage_entered_at', UTCDateTime(), nullable=False),
        sa.Column('amount', MONEY, nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('contributions', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_analytics_deal_facts_deal_id_deals'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('deal_id', name=op.f('pk_analytics_deal_facts')),
    )
    op.create_index('ix_analytics_deal_facts_open', 'analytics_deal_facts', ['org_id', 'status', 'stage_id', 'stage_entered_at'], unique=False)
    op.create_index('ix_analytics_deal_facts_owner', 'analytics_deal_facts', ['owner_id', 'status'], unique=False)
    op.create_table(
        'analytics_stays',
        *_org('analytics_stays'),
        sa.Column('deal_id', BIG_ID, nullable=False),
        sa.Column('stage_id', BIG_ID, nullable=False),
        sa.Column('entered_at', UTCDateTime(), nullable=False),
        sa.Column('left_at', UTCDateTime(), nullable=True),
        sa.Column('next_stage_id', BIG_ID, nullable=True),
        sa.Column('outcome', sa.String(length=8), nullable=False),
        sa.Column('advanced', sa.Boolean(), nullable=False),
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_analytics_stays_deal_id_deals'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_analytics_stays')),
    )
    op.create_index('ix_analytics_stays_org_left', 'analytics_stays', ['org_id', 'left_at'], unique=False)
    op.create_index(op.f('ix_analytics_stays_deal_id'), 'analytics_stays', ['deal_id'], unique=False)
    op.create_table(
        'analytics_results',
        *_org('analytics_results'),
        *_period('analytics_results'),
        sa.Column('lead_source', sa.String(length=20), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('won', sa.Integer(), nullable=False),
        sa.Column('won_amount', MONEY, nullable=False),
        sa.Column('won_margin', MONEY, nullable=False),
        sa.Column('lost', sa.Integer(), nullable=False),
        sa.Column('lost_amount', MONEY, nullable=False),
        sa.Column('reversed', sa.Integer(), nullable=False),
        sa.Column('reversed_amount', MONEY, nullable=False),
        sa.Column('reversed_margin', MONEY, nullable=False),
        sa.Column('collections', MONEY, nullable=False),
        sa.Column('cohort_won', sa.Integer(), nullable=False),
        sa.Column('cohort_lost', sa.Integer(), nullable=False),
        sa.UniqueConstraint('org_id', 'grain', 'period', 'owner_id', 'lead_source', name=op.f('uq_analytics_results_org_id_grain_period_owner_id_lead_source')),
    )
    op.create_table(
        'analytics_stages',
        *_org('analytics_stages'),
        *_period('analytics_stages'),
        sa.Column('stage_id', BIG_ID, nullable=False),
        sa.Column('entered', sa.Integer(), nullable=False),
        sa.Column('entered_amount', MONEY, nullable=False),
        sa.Column('advanced', sa.Integer(), nullable=False),
        sa.Column('reached', sa.Integer(), nullable=False),
        sa.Column('reached_amount', MONEY, nullable=False),
        sa.Column('reached_advanced', sa.Integer(), nullable=False),
        sa.Column('stays', sa.Integer(), nullable=False),
        sa.UniqueConstraint('org_id', 'grain', 'period', 'owner_id', 'stage_id', name=op.f('uq_analytics_stages_org_id_grain_period_owner_id_stage_id')),
    )
    op.create_table(
        'analytics_histograms',
        *_org('analytics_histograms'),
        *_period('analytics_histograms'),
        sa.Column('series', sa.String(length=40), nullable=False),
        sa.Column('bin', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.UniqueConstraint('org_id', 'grain', 'period', 'owner_id', 'series', 'bin', name=op.f('uq_analytics_histograms_org_id_grain_period_owner_id_series_bin')),
    )
    op.create_index('ix_analytics_results_owner', 'analytics_results', ['org_id', 'grain', 'owner_id', 'period'], unique=False)
    op.create_index('ix_analytics_stages_owner', 'analytics_stages', ['org_id', 'grain', 'owner_id', 'period'], unique=False)
    op.create_index('ix_analytics_histograms_owner', 'analytics_histograms', ['org_id', 'grain', 'owner_id', 'period'], unique=False)


def downgrade() -> None:
    op.drop_table('analytics_histograms')
    op.drop_table('analytics_stages')
    op.drop_table('analytics_results')
    op.drop_index(op.f('ix_analytics_stays_deal_id'), table_name='analytics_stays')
    op.drop_index('ix_analytics_stays_org_left', table_name='analytics_stays')
    op.drop_table('analytics_stays')
    op.drop_index('ix_analytics_deal_facts_owner', table_name='analytics_deal_facts')
    op.drop_index('ix_analytics_deal_facts_open', table_name='analytics_deal_facts')
    op.drop_table('analytics_deal_facts')
