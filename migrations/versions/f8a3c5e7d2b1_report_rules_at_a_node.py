"""report rules set at a node of the tree override the ones above it for everything below it

Revision ID: f8a3c5e7d2b1
Revises: e6f2b8d4c1a9
Create Date: 2026-11-30 22:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f8a3c5e7d2b1'
down_revision = 'e6f2b8d4c1a9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_rule') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_report_rule_key'), type_='unique')
        batch_op.add_column(sa.Column('node_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_report_rule_node_id_branch'), 'branch', ['node_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_report_rule_key_node_id'), ['key', 'node_id'])
    # One whole-bank value per rule (a unique constraint lets NULL nodes repeat).
    op.create_index('uq_report_rule_key_whole_bank', 'report_rule', ['key'], unique=True,
                    sqlite_where=sa.text('node_id IS NULL'), postgresql_where=sa.text('node_id IS NULL'))


def downgrade():
    op.execute("DELETE FROM report_rule WHERE node_id IS NOT NULL")
    op.drop_index('uq_report_rule_key_whole_bank', table_name='report_rule')
    with op.batch_alter_table('report_rule') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_report_rule_key_node_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_report_rule_node_id_branch'), type_='foreignkey')
        batch_op.drop_column('node_id')
        batch_op.create_unique_constraint(batch_op.f('uq_report_rule_key'), ['key'])
