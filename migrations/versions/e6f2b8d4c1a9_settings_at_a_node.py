"""checklists, plans and vendors set at a node of the tree apply below it (none: the whole bank)

Revision ID: e6f2b8d4c1a9
Revises: d5e1a9c3b7f2
Create Date: 2026-11-30 22:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e6f2b8d4c1a9'
down_revision = 'd5e1a9c3b7f2'
branch_labels = None
depends_on = None

TABLES = ('checklist_template', 'plan', 'vendor')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('node_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_node_id'), ['node_id'])
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_node_id_branch'), 'branch', ['node_id'], ['id'])


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_node_id_branch'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_node_id'))
            batch_op.drop_column('node_id')
