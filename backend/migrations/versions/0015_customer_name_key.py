"""customers: one per normalised name in an org

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The service's own normaliser, not a copy: the keys written here must be the ones it looks up. Should the
# normaliser ever change, a later migration recomputes the keys.
from podium.customers.names import name_key

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

KEY_MAX = 400

customers = sa.table('customers', sa.column('id', sa.BigInteger()), sa.column('org_id', sa.BigInteger()),
                     sa.column('name', sa.String()), sa.column('name_key', sa.String()))


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=KEY_MAX), nullable=True))
    connection = op.get_bind()
    keys = existing_keys(connection.execute(sa.select(customers.c.id, customers.c.org_id, customers.c.name)).all())
    if keys:
        connection.execute(
            customers.update().where(customers.c.id == sa.bindparam('row_id')).values(name_key=sa.bindparam('key')),
            [{'row_id': i, 'key': k} for i, k in keys.items()],
        )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.String(length=KEY_MAX), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_customers_org_id_name_key'), ['org_id', 'name_key'])


def existing_keys(rows: list[sa.Row]) -> dict[int, str]:  # type: ignore[type-arg]
    """Each customer's key. Names that were distinct before but share a key now must not stop the upgrade or lose
    a row: the oldest (lowest id) keeps the plain key, every later one gets the key suffixed with '＃' and its own id.
    The full-width '＃' is one that name_key() always turns into '#', so a suffixed key can never equal a name's key:
    the duplicates stay visible and anyone can rename them."""
    taken: set[tuple[int, str]] = set()
    keys: dict[int, str] = {}
    for row_id, org_id, name in sorted(rows, key=lambda r: r[0]):
        key = name_key(name)[:KEY_MAX]
        if (org_id, key) in taken:
            suffix = f'＃{row_id}'
            key = key[:KEY_MAX - len(suffix)] + suffix
        taken.add((org_id, key))
        keys[row_id] = key
    return keys


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_customers_org_id_name_key'), type_='unique')
        batch_op.drop_column('name_key')
