"""findings and notices from complaints

A finding, and a notice, now come from an inspection or from a complaint, exactly one of them; a complaint's
finding remembers who opened it; an outlet's after-photo for a complaint's finding has no inspection.

Downgrade DELETES what came from complaints (their findings with the responses, verifications, reminders and
after-photo rows, and their notices with the editions) before the columns become required again: the older
schema cannot hold them. The photo files stay in storage.

Revision ID: 8e5c1d7a2b40
Revises: 5a8c1e3f7b92
Create Date: 2026-11-30 16:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8e5c1d7a2b40'
down_revision = '5a8c1e3f7b92'
branch_labels = None
depends_on = None

ONE_SOURCE = "(inspection_id IS NULL) <> (complaint_id IS NULL)"


def upgrade():
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complaint_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('opened_by_id', sa.Integer(), nullable=True))
        batch_op.alter_column('inspection_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_finding_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_finding_complaint_id_complaint'), 'complaint',
                                    ['complaint_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_finding_opened_by_id_user_account'), 'user_account',
                                    ['opened_by_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_finding_one_source'), ONE_SOURCE)
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complaint_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source', sa.JSON(), nullable=True))
        batch_op.alter_column('inspection_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_notice_complaint_id'), ['complaint_id'])
        batch_op.create_foreign_key(batch_op.f('fk_notice_complaint_id_complaint'), 'complaint',
                                    ['complaint_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_notice_one_source'), ONE_SOURCE)
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.alter_column('inspection_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(batch_op.f('ck_photo_owner'), "inspection_id IS NOT NULL OR finding_id IS NOT NULL")


def downgrade():
    from_complaints = "SELECT id FROM finding WHERE complaint_id IS NOT NULL"
    op.execute(f"DELETE FROM photo WHERE inspection_id IS NULL AND finding_id IN ({from_complaints})")
    for table in ('finding_verification', 'finding_reminder'):
        op.execute(f"DELETE FROM {table} WHERE finding_id IN ({from_complaints})")
    op.execute(f"DELETE FROM finding_response WHERE finding_id IN ({from_complaints})")
    op.execute("DELETE FROM finding WHERE complaint_id IS NOT NULL")
    op.execute("DELETE FROM notice_edition WHERE notice_id IN (SELECT id FROM notice WHERE complaint_id IS NOT NULL)")
    op.execute("DELETE FROM notice WHERE complaint_id IS NOT NULL")
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_photo_owner'), type_='check')
        batch_op.alter_column('inspection_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notice_one_source'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_notice_complaint_id_complaint'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_notice_complaint_id'), type_='unique')
        batch_op.alter_column('inspection_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('source')
        batch_op.drop_column('complaint_id')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_finding_one_source'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_finding_opened_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_finding_complaint_id_complaint'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_finding_complaint_id'))
        batch_op.alter_column('inspection_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('opened_by_id')
        batch_op.drop_column('complaint_id')
