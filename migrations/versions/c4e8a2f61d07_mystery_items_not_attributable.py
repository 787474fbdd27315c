"""mystery visits: the items the bank attributes to no one person

Revision ID: c4e8a2f61d07
Revises: a6c2e8f41d07
Create Date: 2026-11-30 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e8a2f61d07'
down_revision = 'a6c2e8f41d07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mystery_visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_attributable', sa.JSON(), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('mystery_visit', schema=None) as batch_op:
        batch_op.drop_column('not_attributable')
