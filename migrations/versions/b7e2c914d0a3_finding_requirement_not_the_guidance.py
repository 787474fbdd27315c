"""finding: the requirement is the outlet's, not the inspector's guidance

Findings raised before items had a requirement of their own were given the item's guidance (how an
inspector judges it, e.g. "无人离柜时可选不适用") as the outlet's 整改要求. None of those items had a
requirement, so each finding gets the wording an item without one gets now, from its title (the
item's Chinese label). The guidance is not restored on downgrade: it was never the requirement.

Revision ID: b7e2c914d0a3
Revises: 9d3f6a1e2c58
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7e2c914d0a3'
down_revision = '9d3f6a1e2c58'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE finding SET requirement = '请按“' || title || '”要求整改。'")


def downgrade():
    pass
