"""deals: indexes for the team pipeline (an org's deals by status, in order of expected close or last change)

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_deals_org_status_expected', 'deals', ['org_id', 'status', 'expected_close'])
    op.create_index('ix_deals_org_status_entered', 'deals', ['org_id', 'status', 'stage_entered_at'])
    op.create_index('ix_stage_changes_org_changed', 'stage_changes', ['org_id', 'changed_at'])


def downgrade() -> None:
    op.drop_index('ix_stage_changes_org_changed', table_name='stage_changes')
    op.drop_index('ix_deals_org_status_entered', table_name='deals')
    op.drop_index('ix_deals_org_status_expected', table_name='deals')
