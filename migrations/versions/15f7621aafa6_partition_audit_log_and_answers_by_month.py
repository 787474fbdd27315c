"""partition the audit log and the answers by month (PostgreSQL)

Every answer now carries the month its inspection was opened (`inspection_month`, filled from the
inspection's created_at), on both databases; the answers' unique constraint names it too (the same
rule: an inspection has one month). On SQLite that is all.

On PostgreSQL `audit_entry` (by `at`) and `answer` (by `inspection_month`) become RANGE-partitioned
tables, one partition per month from the oldest row's month to three months ahead, plus a DEFAULT
partition: each table is built beside the old one, filled from it, and takes its name, indexes,
constraints and id sequence. The primary keys become (id, key), as PostgreSQL requires of a
partitioned table; no foreign key points into either table.

Downgrade makes both plain tables again with every row of their attached partitions. A month
detached with `flask partitions detach` is a table of its own and is left as it is.

Revision ID: 15f7621aafa6
Revises: b07d60098dfa
Create Date: 2026-11-30 18:30:00.000000

"""
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '15f7621aafa6'
down_revision = 'b07d60098dfa'
branch_labels = None
depends_on = None

MONTHS_AHEAD = 3
OLD_UNIQUE = ('uq_answer_inspection_id_item_key', ['inspection_id', 'item_key'])
NEW_UNIQUE = ('uq_answer_inspection_id_item_key_inspection_month', ['inspection_id', 'item_key', 'inspection_month'])

# What each table has beside its columns (as the models declare them), rebuilt after each conversion.
TABLES = {
    'audit_entry': {
        'key': 'at', 'timestamp': True, 'unique': [], 'foreign_keys': [],
        'indexes': [('ix_audit_entry_action', 'action'), ('ix_audit_entry_actor_id', 'actor_id'),
                    ('ix_audit_entry_at', 'at'), ('ix_audit_entry_object_id', 'object_id'),
                    ('ix_audit_entry_object_type', 'object_type')],
    },
    'answer': {
        'key': 'inspection_month', 'timestamp': False,
        'unique': [NEW_UNIQUE],
        'foreign_keys': [('fk_answer_inspection_id_inspection', 'inspection_id', 'inspection'),
                         ('fk_answer_staff_id_staff', 'staff_id', 'staff')],
        'indexes': [('ix_answer_inspection_id', 'inspection_id'), ('ix_answer_staff_id', 'staff_id')],
    },
}


def _month(value) -> date:
    return date(value.year, value.month, 1)


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _bound(spec: dict, month: date) -> str:
    return f"'{month.isoformat()} 00:00:00+00'" if spec['timestamp'] else f"'{month.isoformat()}'"


def _months_to_cover(table: str, spec: dict) -> list[date]:
    key = f"{spec['key']} AT TIME ZONE 'UTC'" if spec['timestamp'] else spec['key']
    oldest, newest = op.get_bind().execute(sa.text(f"SELECT min({key}), max({key}) FROM {table}")).one()
    this_month = _month(datetime.now(UTC))
    first = _month(oldest) if oldest is not None else this_month
    last = max(_month(newest) if newest is not None else this_month, this_month)
    for _ in range(MONTHS_AHEAD):
        last = _next(last)
    months, month = [], min(first, this_month)
    while month <= last:
        months.append(month)
        month = _next(month)
    return months


def _rebuild(table: str, spec: dict, *, partitioned: bool) -> None:
    """Build the table anew beside the old one (partitioned or plain), copy every row, and let it take
    the old one's name, sequence, keys and indexes."""
    sequence = op.get_bind().execute(sa.text(f"SELECT pg_get_serial_sequence('{table}', 'id')")).scalar_one()
    new = f'{table}_rebuilt'
    op.execute(f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
               + (f" PARTITION BY RANGE ({spec['key']})" if partitioned else ""))
    if partitioned:
        for month in _months_to_cover(table, spec):
            op.execute(f"CREATE TABLE {table}_y{month.year:04d}m{month.month:02d} PARTITION OF {new} "
                       f"FOR VALUES FROM ({_bound(spec, month)}) TO ({_bound(spec, _next(month))})")
        op.execute(f"CREATE TABLE {table}_default PARTITION OF {new} DEFAULT")
    op.execute(f"INSERT INTO {new} SELECT * FROM {table}")
    op.execute(f"ALTER SEQUENCE {sequence} OWNED BY NONE")  # else it would go with the old table
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE {new} RENAME TO {table}")
    op.execute(f"ALTER SEQUENCE {sequence} OWNED BY {table}.id")
    key = f"id, {spec['key']}" if partitioned else "id"
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({key})")
    for name, columns in spec['unique']:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({', '.join(columns)})")
    for name, column, referred in spec['foreign_keys']:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}) REFERENCES {referred} (id)")
    for name, column in spec['indexes']:
        op.execute(f"CREATE INDEX {name} ON {table} ({column})")


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inspection_month', sa.Date(), nullable=True))
    opened = ("date_trunc('month', inspection.created_at AT TIME ZONE 'UTC')::date" if postgres
              else "substr(inspection.created_at, 1, 7) || '-01'")
    op.execute(f"UPDATE answer SET inspection_month = (SELECT {opened} FROM inspection "
               "WHERE inspection.id = answer.inspection_id)")
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.alter_column('inspection_month', existing_type=sa.Date(), nullable=False)
        batch_op.drop_constraint(OLD_UNIQUE[0], type_='unique')
        batch_op.create_unique_constraint(*NEW_UNIQUE)
    if postgres:
        for table, spec in TABLES.items():
            _rebuild(table, spec, partitioned=True)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table, spec in TABLES.items():
            _rebuild(table, spec, partitioned=False)
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_constraint(NEW_UNIQUE[0], type_='unique')
        batch_op.create_unique_constraint(*OLD_UNIQUE)
        batch_op.drop_column('inspection_month')
