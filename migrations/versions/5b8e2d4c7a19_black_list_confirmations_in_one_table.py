"""black-list confirmations in one table: a visit confirmed at publication becomes a confirmation for
each person its findings name

Revision ID: 5b8e2d4c7a19
Revises: e4a1c7b93f20
Create Date: 2026-11-30 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b8e2d4c7a19'
down_revision = 'e4a1c7b93f20'
branch_labels = None
depends_on = None

# Whoever published the visit confirmed it then; a visit written without its review (the demo's history)
# is credited to the first admin.
PUBLISHER = """COALESCE(
    (SELECT r.reviewer_id FROM mystery_review r WHERE r.inspection_id = i.id AND r.decision = 'publish'
     ORDER BY r.id DESC LIMIT 1),
    (SELECT min(u.id) FROM user_account u WHERE u.role = 'admin'))"""


def upgrade():
    op.execute(f"""
        INSERT INTO mystery_confirmation (inspection_id, staff_id, note, confirmed_by_id, confirmed_at)
        SELECT named.inspection_id, named.staff_id, '', named.publisher, named.published_at FROM (
            SELECT DISTINCT f.inspection_id, f.staff_id, {PUBLISHER} AS publisher,
                   COALESCE(i.published_at, i.updated_at) AS published_at
            FROM inspection i JOIN finding f ON f.inspection_id = i.id
            WHERE i.kind = 'mystery' AND i.blacklist_confirmed AND f.published AND f.staff_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM mystery_confirmation c
                              WHERE c.inspection_id = i.id AND c.staff_id = f.staff_id)
        ) named
        WHERE named.publisher IS NOT NULL""")
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_column('blacklist_confirmed')


def downgrade():
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blacklist_confirmed', sa.Boolean(), server_default='0', nullable=False))
    # A visit confirmed for everyone its findings name reads as confirmed at publication; the
    # confirmations stay (the old schema counts both).
    op.execute("""
        UPDATE inspection SET blacklist_confirmed = TRUE
        WHERE kind = 'mystery'
          AND EXISTS (SELECT 1 FROM finding f WHERE f.inspection_id = inspection.id AND f.published
                                                AND f.staff_id IS NOT NULL)
          AND NOT EXISTS (SELECT 1 FROM finding f
                          WHERE f.inspection_id = inspection.id AND f.published AND f.staff_id IS NOT NULL
                            AND NOT EXISTS (SELECT 1 FROM mystery_confirmation c
                                            WHERE c.inspection_id = f.inspection_id AND c.staff_id = f.staff_id))""")
