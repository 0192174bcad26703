"""office TVs: displays, their boards, pairings

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import podium.db.base

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('displays',
    sa.Column('org_id', BIG_ID, nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('rotate_seconds', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('paired_by', BIG_ID, nullable=True),
    sa.Column('created_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', podium.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', podium.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_displays_org_id_orgs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paired_by'], ['users.id'], name=op.f('fk_displays_paired_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_displays')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_displays_token_hash'))
    )
    with op.batch_alter_table('displays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_displays_org_id'), ['org_id'], unique=False)

    op.create_table('display_boards',
    sa.Column('display_id', BIG_ID, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('team_id', BIG_ID, nullable=True),
    sa.Column('metric', sa.String(length=16), nullable=False),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['display_id'], ['displays.id'], name=op.f('fk_display_boards_display_id_displays'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_display_boards_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_display_boards')),
    sa.UniqueConstraint('display_id', 'position', name=op.f('uq_display_boards_display_id_position'))
    )

    op.create_table('display_pairings',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', podium.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('display_id', BIG_ID, nullable=True),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['display_id'], ['displays.id'], name=op.f('fk_display_pairings_display_id_displays'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_display_pairings')),
    sa.UniqueConstraint('code', name=op.f('uq_display_pairings_code')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_display_pairings_secret_hash'))
    )
    with op.batch_alter_table('display_pairings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_display_pairings_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('display_pairings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_display_pairings_expires_at'))
    op.drop_table('display_pairings')
    op.drop_table('display_boards')
    with op.batch_alter_table('displays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_displays_org_id'))
    op.drop_table('displays')
