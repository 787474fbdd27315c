"""monthly report rollups

Counts and sums per local month that the league table and the scorecards read (reports/rollups.py): per
outlet and kind, per outlet, kind and section, per person and remote cycle (checks, failed checks), per person
and month (findings by severity, remote checks, cycles covered and failed checks in them). The upgrade fills them from the existing inspections, findings and section scores;
`flask rollups rebuild` does the same at any later time.

Revision ID: c4d2e8f1a7b3
Revises: 15f7621aafa6
Create Date: 2026-11-30 18:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d2e8f1a7b3'
down_revision = '15f7621aafa6'
branch_labels = None
depends_on = None


def _counts(*names, big=()):
    return [sa.Column(name, sa.BigInteger() if name in big else sa.Integer(), nullable=False) for name in names]


def upgrade():
    op.create_table(
        'rollup_outlet_month',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('outlet_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        *_counts('scored', 'percent_hundredths', big=('percent_hundredths',)),
        sa.PrimaryKeyConstraint('month', 'outlet_id', 'kind', name=op.f('pk_rollup_outlet_month')))
    op.create_table(
        'rollup_section_month',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('outlet_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('section_key', sa.String(length=60), nullable=False),
        *_counts('scored', 'percent_hundredths', big=('percent_hundredths',)),
        sa.PrimaryKeyConstraint('month', 'outlet_id', 'kind', 'section_key', name=op.f('pk_rollup_section_month')))
    op.create_table(
        'rollup_staff_cycle',
        sa.Column('cycle_first', sa.Date(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        *_counts('remote_checks', 'remote_failed'),
        sa.PrimaryKeyConstraint('cycle_first', 'staff_id', name=op.f('pk_rollup_staff_cycle')))
    op.create_table(
        'rollup_staff_month',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        *_counts('critical', 'major', 'minor', 'remote_checks', 'remote_passed', 'cycles_covered', 'cycle_failures'),
        sa.PrimaryKeyConstraint('month', 'staff_id', name=op.f('pk_rollup_staff_month')))
    from reports import rollups  # the same computation as `flask rollups rebuild`
    from reports.models import OutletMonthRollup, SectionMonthRollup, StaffCycleRollup, StaffMonthRollup

    # The four tables made here (a later migration adds and fills the items' own).
    rollups.rebuild(op.get_bind(), tables=(OutletMonthRollup, SectionMonthRollup, StaffCycleRollup, StaffMonthRollup))


def downgrade():
    op.drop_table('rollup_staff_month')
    op.drop_table('rollup_staff_cycle')
    op.drop_table('rollup_section_month')
    op.drop_table('rollup_outlet_month')
