"""users, invitations: employee number (工号), optional, unique within an org when set

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite needs no table rebuild for it (a rebuild of users would cascade on its references).
    op.add_column('users', sa.Column('employee_number', sa.String(64), nullable=True))
    # NULLs never collide in a unique index (SQLite and PostgreSQL alike): only numbers that are set must differ.
    op.create_index('ux_users_org_employee_number', 'users', ['org_id', 'employee_number'], unique=True)
    op.add_column('invitations', sa.Column('employee_number', sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('invitations') as batch:
        batch.drop_column('employee_number')
    op.drop_index('ux_users_org_employee_number', table_name='users')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('employee_number')
