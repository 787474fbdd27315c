"""photo: derivatives may be made after the upload; an undecodable picture is marked

Revision ID: d81f4c2a6e37
Revises: c3e5a7d90b12
Create Date: 2026-11-29 23:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd81f4c2a6e37'
down_revision = 'c3e5a7d90b12'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unreadable', sa.String(length=300), nullable=True))
        batch_op.alter_column('display_key', existing_type=sa.String(length=200), nullable=True)
        batch_op.alter_column('thumb_key', existing_type=sa.String(length=200), nullable=True)


def downgrade():
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.alter_column('thumb_key', existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column('display_key', existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_column('unreadable')
