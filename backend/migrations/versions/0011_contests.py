"""contests: entrants, final standings, prizes paid

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import podium.db.base

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
UTC = podium.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('contests',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('created_by', BIG_ID, nullable=True),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('metric', sa.String(length=20), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('starts_at', UTC, nullable=False),
    sa.Column('ends_at', UTC, nullable=False),
    sa.Column('prizes', sa.Text(), server_default='[]', nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('cancelled_at', UTC, nullable=True),
    sa.Column('finalized_at', UTC, nullable=True),
    sa.Column('final_standings', sa.Text(), nullable=True),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_contests_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_contests_org_id_orgs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contests')),
    sa.UniqueConstraint('created_by', 'client_id', name=op.f('uq_contests_created_by_client_id'))
    )
    op.create_index('ix_contests_org_ends', 'contests', ['org_id', 'ends_at'], unique=False)
    op.create_table('contest_entrants',
    sa.Column('contest_id', BIG_ID, nullable=False),
    sa.Column('user_id', BIG_ID, nullable=True),
    sa.Column('team_id', BIG_ID, nullable=True),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_contest_entrants_contest_id_contests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_contest_entrants_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contest_entrants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_entrants')),
    sa.UniqueConstraint('contest_id', 'user_id', 'team_id', name=op.f('uq_contest_entrants_contest_id_user_id_team_id'))
    )
    op.create_index(op.f('ix_contest_entrants_contest_id'), 'contest_entrants', ['contest_id'], unique=False)
    op.create_table('contest_awards',
    sa.Column('contest_id', BIG_ID, nullable=False),
    sa.Column('user_id', BIG_ID, nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('entry_key', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_contest_awards_contest_id_contests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contest_awards_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_awards')),
    sa.UniqueConstraint('contest_id', 'user_id', 'rank', name=op.f('uq_contest_awards_contest_id_user_id_rank'))
    )
    op.create_index(op.f('ix_contest_awards_contest_id'), 'contest_awards', ['contest_id'], unique=False)


def downgrade() -> None:
    op.drop_table('contest_awards')
    op.drop_table('contest_entrants')
    op.drop_index('ix_contests_org_ends', table_name='contests')
    op.drop_table('contests')
