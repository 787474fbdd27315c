"""Monthly partitions of the biggest tables on PostgreSQL: the audit log by the time of its entry, the
answers by the month their inspection was opened (a draft has no submitted_at yet, and an answer's
month must never change). On SQLite the tables are plain and nothing here runs.

Every partitioned table also has a DEFAULT partition, so an insert never fails for want of a month;
`flask partitions ensure` (daily, from cron) creates the coming months and moves into them any rows
that landed in DEFAULT; `flask partitions detach YYYY-MM` takes a past month out of the live tables
as tables of their own, to be archived and dropped under the bank's retention rule."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from core.extensions import db


@dataclass(frozen=True)
class Partitioned:
    table: str
    key: str
    key_is_timestamp: bool  # a timestamptz key's bounds are written in UTC, never in the session's zone


PARTITIONED = (Partitioned("audit_entry", "at", True), Partitioned("answer", "inspection_month", False))
MONTHS_AHEAD = 3
LOCK_TIMEOUT = "10s"
LOCK_NOT_AVAILABLE = "55P03"
_TABLES = "|".join(part.table for part in PARTITIONED)
_PARTITION_NAME = re.compile(rf"^({_TABLES})_(y\d{{4}}m\d{{2}}|default)$")


def month_of(moment: datetime | date) -> date:
    """The first day of the (UTC) month of a moment: the key of its rows' partition."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC) if moment.tzinfo else moment
    return date(moment.year, moment.month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def parse_month(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a month written YYYY-MM") from None


def partition_name(table: str, month: date) -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def is_partition_name(name: str) -> bool:
    """A month's (or the DEFAULT) partition, attached or detached: not a table the models describe."""
    return bool(_PARTITION_NAME.match(name))


def include_in_migrations(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's filter: the partitions (and detached months) are left out of the comparison with the models."""
    return not (type_ == "table" and name is not None and is_partition_name(name))


def _bound(part: Partitioned, month: date) -> str:
    return f"'{month.isoformat()} 00:00:00+00'" if part.key_is_timestamp else f"'{month.isoformat()}'"


def _attached(connection: Connection, table: str) -> set[str]:
    return set(connection.execute(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :table"), {"table": table}).scalars())


def _partitioned(connection: Connection) -> list[Partitioned]:
    """The tables of PARTITIONED that are partitioned in this database (none before the migration)."""
    names = set(connection.execute(text(
        "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid")).scalars())
    return [part for part in PARTITIONED if part.table in names]


def _months_in_default(connection: Connection, part: Partitioned) -> list[date]:
    key = f"{part.key} AT TIME ZONE 'UTC'" if part.key_is_timestamp else part.key
    rows = connection.execute(text(
        f"SELECT DISTINCT date_trunc('month', {key})::date FROM {part.table}_default"))
    return sorted(rows.scalars())


def create_month(connection: Connection, part: Partitioned, month: date) -> int:
    """The month's partition, with the rows DEFAULT held for it moved in; returns how many moved.
    The new table is filled before it is attached: PostgreSQL refuses to attach a month while DEFAULT
    still holds rows of it."""
    name, low, high = partition_name(part.table, month), _bound(part, month), _bound(part, add_months(month, 1))
    in_month = f"{part.key} >= {low} AND {part.key} < {high}"
    connection.execute(text(f"CREATE TABLE {name} (LIKE {part.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
    moved = connection.execute(text(
        f"WITH moved AS (DELETE FROM {part.table}_default WHERE {in_month} RETURNING *) "
        f"INSERT INTO {name} SELECT * FROM moved")).rowcount
    connection.execute(text(f"ALTER TABLE {part.table} ATTACH PARTITION {name} FOR VALUES FROM ({low}) TO ({high})"))
    return moved


def ensure(connection: Connection, months_ahead: int = MONTHS_AHEAD, today: date | None = None) -> list[str]:
    """Create the partitions of this month and the next `months_ahead`, and of every month that has
    rows waiting in DEFAULT; returns what was done, a line each."""
    this_month = month_of(today or datetime.now(UTC))
    wanted = {add_months(this_month, step) for step in range(months_ahead + 1)}
    done = []
    for part in _partitioned(connection):
        attached = _attached(connection, part.table)
        for month in sorted(wanted | set(_months_in_default(connection, part))):
            name = partition_name(part.table, month)
            if name in attached:
                continue
            moved = create_month(connection, part, month)
            done.append(f"{name}: created" + (f", {moved} row(s) moved in from {part.table}_default" if moved else ""))
    return done


def detach(connection: Connection, month: date, today: date | None = None) -> list[str]:
    """Take a past month out of every partitioned table; each becomes a table of its own (same name)."""
    if month >= month_of(today or datetime.now(UTC)):
        raise click.ClickException("only a month that has ended can be detached")
    done = []
    for part in PARTITIONED:
        name = partition_name(part.table, month)
        if name not in _attached(connection, part.table):
            done.append(f"{name}: no such partition attached to {part.table}, nothing done")
            continue
        rows = connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
        connection.execute(text(f"ALTER TABLE {part.table} DETACH PARTITION {name}"))
        done.append(f"{name}: detached from {part.table} with {rows} row(s); archive it with "
                    f"`pg_dump --format=custom --table={name} --file={name}.dump`, then `DROP TABLE {name}`")
    return done


def init_app(app: Flask) -> None:
    group = AppGroup("partitions", help="Monthly partitions of the audit log and the answers (PostgreSQL).")

    @group.command("ensure")
    @click.option("--months-ahead", default=MONTHS_AHEAD, show_default=True, type=click.IntRange(0, 36),
                  help="also create this many months after the current one")
    def ensure_command(months_ahead):
        """Create the coming months' partitions; move rows that landed in DEFAULT into theirs."""
        _run(lambda connection: ensure(connection, months_ahead))

    @group.command("detach")
    @click.argument("month", type=parse_month)
    def detach_command(month):
        """Detach a past month (YYYY-MM) from the live tables, to archive and drop it."""
        _run(lambda connection: detach(connection, month))

    app.cli.add_command(group)


def _run(work) -> None:
    if db.engine.dialect.name != "postgresql":
        click.echo("Nothing to do: the tables are partitioned on PostgreSQL only.")
        return
    try:
        with db.engine.begin() as connection:
            # Run from cron on one machine; the lock keeps a second run (or a slow first one) from racing it.
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('partitions'))"))
            # Attaching and detaching wait for the transactions reading the table, and while they wait every
            # new query of it waits behind them: better to give up and try again later than stall the app.
            connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
            done = work(connection)
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        raise click.ClickException(f"the tables stayed busy for {LOCK_TIMEOUT}; nothing was changed, try again") \
            from None
    click.echo("\n".join(done) if done else "Nothing to do: every partition is in place.")
