"""branch hierarchy

A branch becomes a node of the bank's tree: a parent, a level and a materialised path of ids ("/1/4/9/").
Every existing branch becomes a sub-branch with no parent, its path its own id, so nothing changes for
its outlets and everything stays where it was.

Downgrade drops the parent, level and path: every node (a province, a city) stays as a flat branch
row, with its outlets.

Revision ID: b07d60098dfa
Revises: 8e5c1d7a2b40
Create Date: 2026-11-30 18:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b07d60098dfa'
down_revision = '8e5c1d7a2b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('branch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('level', sa.String(length=20), server_default='sub_branch', nullable=False))
        batch_op.add_column(sa.Column('path', sa.String(length=255), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_branch_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_branch_path'), ['path'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_branch_parent_id_branch'), 'branch', ['parent_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_branch_not_own_parent'),
                                         'parent_id IS NULL OR parent_id != id')
    op.execute("UPDATE branch SET path = '/' || CAST(id AS VARCHAR(20)) || '/'")


def downgrade():
    with op.batch_alter_table('branch', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_branch_not_own_parent'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_branch_parent_id_branch'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_branch_path'))
        batch_op.drop_index(batch_op.f('ix_branch_parent_id'))
        batch_op.drop_column('path')
        batch_op.drop_column('level')
        batch_op.drop_column('parent_id')
