"""a bank-side user's node of the tree: they work over everything below it (none: the whole tree)

Revision ID: d5e1a9c3b7f2
Revises: c4d2e8f1a7b3
Create Date: 2026-11-30 21:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5e1a9c3b7f2'
down_revision = 'c4d2e8f1a7b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('scope_node_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_account_scope_node_id'), ['scope_node_id'])
        batch_op.create_foreign_key(batch_op.f('fk_user_account_scope_node_id_branch'), 'branch', ['scope_node_id'], ['id'])


def downgrade():
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_account_scope_node_id_branch'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_account_scope_node_id'))
        batch_op.drop_column('scope_node_id')
