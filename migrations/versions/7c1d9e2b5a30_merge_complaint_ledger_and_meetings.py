"""one history again: the complaint ledger and the service-quality meetings, both built on the survey results

Revision ID: 7c1d9e2b5a30
Revises: 4aafaba75602, 5a8c1e3f7b92
Create Date: 2026-11-30 15:20:00.000000

"""

# revision identifiers, used by Alembic.
revision = '7c1d9e2b5a30'
down_revision = ('4aafaba75602', '5a8c1e3f7b92')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
