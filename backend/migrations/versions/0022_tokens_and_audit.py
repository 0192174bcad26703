"""API tokens, the audit log, and who made each domain event's change (domain_events.actor)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import podium.db.base

revision = '0022'
down_revision = "0021"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = podium.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.String(length=1000), nullable=False),
    sa.Column('created_by', BIG_ID, nullable=True),
    sa.Column('created_at', WHEN, nullable=False),
    sa.Column('expires_at', WHEN, nullable=False),
    sa.Column('revoked_at', WHEN, nullable=True),
    sa.Column('replaced_by_id', BIG_ID, nullable=True),
    sa.Column('last_used_at', WHEN, nullable=True),
    sa.Column('last_used_ip', sa.String(length=64), server_default='', nullable=False),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_api_tokens_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_api_tokens_org_id_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['api_tokens.id'], name=op.f('fk_api_tokens_replaced_by_id_api_tokens'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_tokens_prefix'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_org_id'), ['org_id'], unique=False)

    op.create_table('audit_entries',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('event_id', BIG_ID, nullable=False),
    sa.Column('at', WHEN, nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('subject_type', sa.String(length=40), server_default='', nullable=False),
    sa.Column('subject_id', sa.String(length=64), server_default='', nullable=False),
    sa.Column('actor_user_id', BIG_ID, nullable=True),
    sa.Column('actor_token_id', BIG_ID, nullable=True),
    sa.Column('actor_name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('actor_email', sa.String(length=320), server_default='', nullable=False),
    sa.Column('ip', sa.String(length=64), server_default='', nullable=False),
    sa.Column('user_agent', sa.String(length=400), server_default='', nullable=False),
    sa.Column('before', sa.Text(), server_default='{}', nullable=False),
    sa.Column('after', sa.Text(), server_default='{}', nullable=False),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_audit_entries_org_id_orgs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    sa.UniqueConstraint('event_id', name=op.f('uq_audit_entries_event_id'))
    )
    op.create_index('ix_audit_entries_org_at', 'audit_entries', ['org_id', 'at'])
    op.create_index('ix_audit_entries_org_action', 'audit_entries', ['org_id', 'action'])

    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.drop_column('actor')
    op.drop_index('ix_audit_entries_org_action', table_name='audit_entries')
    op.drop_index('ix_audit_entries_org_at', table_name='audit_entries')
    op.drop_table('audit_entries')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_org_id'))
    op.drop_table('api_tokens')
