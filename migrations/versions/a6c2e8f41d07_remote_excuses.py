"""remote excuses: why a teller could not be checked remotely in a cycle (absent, on leave, window closed)

Revision ID: a6c2e8f41d07
Revises: b7e2c914d0a3
Create Date: 2026-12-02 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a6c2e8f41d07'
down_revision = 'b7e2c914d0a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('remote_excuse',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason IN ('absent', 'on_leave', 'window_closed')", name=op.f('ck_remote_excuse_reason')),
    sa.CheckConstraint('first_day <= last_day', name=op.f('ck_remote_excuse_days')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_remote_excuse_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_remote_excuse_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_remote_excuse_staff_id_staff')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user_account.id'], name=op.f('fk_remote_excuse_withdrawn_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remote_excuse'))
    )
    with op.batch_alter_table('remote_excuse', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remote_excuse_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remote_excuse_last_day'), ['last_day'], unique=False)
        batch_op.create_index(batch_op.f('ix_remote_excuse_staff_id'), ['staff_id'], unique=False)


def downgrade():
    with op.batch_alter_table('remote_excuse', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remote_excuse_staff_id'))
        batch_op.drop_index(batch_op.f('ix_remote_excuse_last_day'))
        batch_op.drop_index(batch_op.f('ix_remote_excuse_assignment_id'))
    op.drop_table('remote_excuse')
