"""mystery visits' own record: the flags, the reason a visit was sent back, and its review and
publication times move from inspection to mystery_visit

Revision ID: 9d3f6a1e2c58
Revises: 5b8e2d4c7a19
Create Date: 2026-11-30 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9d3f6a1e2c58'
down_revision = '5b8e2d4c7a19'
branch_labels = None
depends_on = None

MOVED = "flags, revision_reason, reviewed_at, published_at"


def upgrade():
    op.create_table('mystery_visit',
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('revision_reason', sa.Text(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_mystery_visit_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('inspection_id', name=op.f('pk_mystery_visit'))
    )
    # Every mystery visit, and any other inspection that holds one of the values (none should).
    op.execute(f"""
        INSERT INTO mystery_visit (inspection_id, {MOVED})
        SELECT id, {MOVED} FROM inspection
        WHERE kind = 'mystery' OR CAST(flags AS TEXT) != '[]' OR revision_reason != ''
           OR reviewed_at IS NOT NULL OR published_at IS NOT NULL""")
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_column('published_at')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('revision_reason')
        batch_op.drop_column('flags')


def downgrade():
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flags', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('revision_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
    for column in ("flags", "revision_reason", "reviewed_at", "published_at"):
        op.execute(f"""
            UPDATE inspection SET {column} = (SELECT v.{column} FROM mystery_visit v WHERE v.inspection_id = inspection.id)
            WHERE id IN (SELECT inspection_id FROM mystery_visit)""")
    op.drop_table('mystery_visit')
