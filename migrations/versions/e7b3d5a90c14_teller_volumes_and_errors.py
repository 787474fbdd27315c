"""teller business volume and service errors per month, from the core banking report

Revision ID: e7b3d5a90c14
Revises: 4c2e8b7d1f05
Create Date: 2026-11-30 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7b3d5a90c14'
down_revision = '4c2e8b7d1f05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('teller_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.CheckConstraint("measure IN ('transactions', 'errors')", name=op.f('ck_teller_count_measure')),
    sa.CheckConstraint('count >= 0', name=op.f('ck_teller_count_count')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_teller_count_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teller_count')),
    sa.UniqueConstraint('month', 'staff_id', 'measure', 'label',
                        name=op.f('uq_teller_count_month_staff_id_measure_label'))
    )
    with op.batch_alter_table('teller_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teller_count_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_teller_count_staff_id'), ['staff_id'], unique=False)


def downgrade():
    with op.batch_alter_table('teller_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teller_count_staff_id'))
        batch_op.drop_index(batch_op.f('ix_teller_count_month'))
    op.drop_table('teller_count')
