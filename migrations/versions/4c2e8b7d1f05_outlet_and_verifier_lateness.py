"""the outlet's lateness and the verifier's apart: whether the outlet's answer came after its
deadline, the day an answer is to be verified by, and the reminders sent

Revision ID: 4c2e8b7d1f05
Revises: c4e8a2f61d07
Create Date: 2026-12-02 09:00:00.000000

"""
import os
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4c2e8b7d1f05'
down_revision = 'c4e8a2f61d07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('finding_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason IN ('due_soon', 'overdue', 'verification_overdue')",
                       name=op.f('ck_finding_reminder_reason')),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_finding_reminder_finding_id_finding')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_finding_reminder_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_reminder'))
    )
    with op.batch_alter_table('finding_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_reminder_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_reminder_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('responded_late', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('verification_due_date', sa.Date(), nullable=True))
    _judge_answers_already_given()


def _judge_answers_already_given():
    """Findings answered before this revision: late or not by the local day of their answer, and
    to be verified within the configured days of it (the same settings the application reads)."""
    zone = ZoneInfo(os.environ.get("TIMEZONE", "Asia/Shanghai"))
    days = int(os.environ.get("VERIFICATION_DAYS", "3"))
    finding = sa.table('finding', sa.column('id', sa.Integer()), sa.column('due_date', sa.Date()),
                       sa.column('responded_at', sa.DateTime(timezone=True)),
                       sa.column('responded_late', sa.Boolean()), sa.column('verification_due_date', sa.Date()))
    bind = op.get_bind()
    answered = bind.execute(sa.select(finding.c.id, finding.c.due_date, finding.c.responded_at)
                            .where(finding.c.responded_at.isnot(None))).all()
    for ident, due, responded_at in answered:
        if responded_at.tzinfo is None:
            responded_at = responded_at.replace(tzinfo=UTC)
        day = responded_at.astimezone(zone).date()
        bind.execute(finding.update().where(finding.c.id == ident).values(
            responded_late=due is not None and day > due, verification_due_date=day + timedelta(days=days)))


def downgrade():
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_column('verification_due_date')
        batch_op.drop_column('responded_late')
    with op.batch_alter_table('finding_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_reminder_user_id'))
        batch_op.drop_index(batch_op.f('ix_finding_reminder_finding_id'))
    op.drop_table('finding_reminder')
