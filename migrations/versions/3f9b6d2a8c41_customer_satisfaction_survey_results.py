"""customer satisfaction survey results by period, segment and scope

Revision ID: 3f9b6d2a8c41
Revises: e7b3d5a90c14
Create Date: 2026-12-03 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3f9b6d2a8c41'
down_revision = 'e7b3d5a90c14'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('segment', sa.String(length=20), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('system_rank', sa.Integer(), nullable=False),
    sa.Column('ranked_units', sa.Integer(), nullable=False),
    sa.Column('peer_rank', sa.Integer(), nullable=True),
    sa.Column('worst_items', sa.JSON(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("segment IN ('corporate', 'high_end_personal', 'lobby')", name=op.f('ck_survey_result_segment')),
    sa.CheckConstraint('score BETWEEN 0 AND 100', name=op.f('ck_survey_result_score_range')),
    sa.CheckConstraint('system_rank >= 1 AND system_rank <= ranked_units', name=op.f('ck_survey_result_rank_range')),
    sa.CheckConstraint('peer_rank IS NULL OR peer_rank >= 1', name=op.f('ck_survey_result_peer_rank_range')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user_account.id'],
                            name=op.f('fk_survey_result_imported_by_id_user_account')),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_survey_result_outlet_id_outlet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_result'))
    )
    with op.batch_alter_table('survey_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_result_outlet_id'), ['outlet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_result_period'), ['period'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_result_period'))
        batch_op.drop_index(batch_op.f('ix_survey_result_outlet_id'))
    op.drop_table('survey_result')
