"""org tree editor: a manager per unit, merged units kept as history; products named in both languages

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manager_id', BIG_ID, nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', BIG_ID, nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_teams_manager_id_users'), 'users', ['manager_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_teams_merged_into_id_teams'), 'teams', ['merged_into_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=200), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('name_en')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_teams_merged_into_id_teams'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_teams_manager_id_users'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('manager_id')
