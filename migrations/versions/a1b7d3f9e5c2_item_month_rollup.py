"""per month, kind and checklist item: the counted answers and the failed ones (the quarterly analysis's failure
rates read them instead of every answer of the quarter)

Revision ID: a1b7d3f9e5c2
Revises: f8a3c5e7d2b1
Create Date: 2026-11-30 22:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1b7d3f9e5c2'
down_revision = 'f8a3c5e7d2b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rollup_item_month',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('item_key', sa.String(length=60), nullable=False),
        sa.Column('answered', sa.Integer(), nullable=False),
        sa.Column('failed', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'kind', 'item_key', name=op.f('pk_rollup_item_month')))
    from reports import rollups  # the same computation as `flask rollups rebuild`
    from reports.models import ItemMonthRollup
    rollups.rebuild(op.get_bind(), tables=(ItemMonthRollup,))


def downgrade():
    op.drop_table('rollup_item_month')
