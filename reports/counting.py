"""What counts in a report, as SQL: submitted inspections (mystery visits only once published), published
findings, and the few expressions that differ between SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import Float, and_, bindparam, case, literal, or_, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from core.extensions import db
from inspections import kinds
from inspections.models import DRAFT, PUBLISHED, Inspection
from rectification.models import Finding
from reports.periods import Cycle, Period


def plan_each_query() -> None:
    """Plan report queries for their own date bounds for the rest of the transaction. psycopg prepares a
    statement after five runs, and PostgreSQL's generic plan for it cannot see how narrow a month is:
    on a year of 300 outlets it turned a 70 ms query into 2 s. The sorts and hashes of a province's 50,000
    people also get the memory to stay off the disk (the default 4 MB sent the scorecards' sort there)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        db.session.execute(text("SET LOCAL work_mem = '32MB'"))


def among(column, ids) -> ColumnElement[bool]:
    """`column IN (ids)` with the ids written into the statement. For a province's 3,000 outlets, binding as
    many parameters cost PostgreSQL 40–160 ms a query (a prepared statement's generic plan now and then), the
    same query with the numbers written in 16 ms."""
    return column.in_(bindparam(None, [int(ident) for ident in ids], expanding=True, literal_execute=True))


def counted_inspection() -> ColumnElement[bool]:
    """Submitted inspections count; those of a kind kept secret until published, once published."""
    open_kinds = kinds.open_kinds()
    return or_(and_(Inspection.kind.in_(open_kinds), Inspection.status != DRAFT),
               and_(Inspection.kind.not_in(open_kinds), Inspection.status == PUBLISHED))


def counted_finding() -> ColumnElement[bool]:
    """For a query that joins Finding to its Inspection."""
    return and_(Finding.published.is_(True), counted_inspection())


def submitted_in(period: Period) -> ColumnElement[bool]:
    return and_(Inspection.submitted_at >= period.start, Inspection.submitted_at < period.end)


def cycle_number(column, cycles: list[Cycle]) -> ColumnElement:
    """The index of the cycle a timestamp falls in, or NULL outside the cycles."""
    if not cycles:
        return literal(None)
    return case(*[(and_(column >= cycle.start, column < cycle.end), cycle.index) for cycle in cycles],
                else_=literal(None))


def within_cycles(column, cycles: list[Cycle]) -> ColumnElement[bool]:
    if not cycles:
        return literal(False)
    return and_(column >= cycles[0].start, column < cycles[-1].end)


class seconds_between(FunctionElement):
    """Seconds from the first timestamp to the second."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between, "postgresql")
def _seconds_between_postgresql(element, compiler, **kw):
    first, second = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(second, **kw)} - {compiler.process(first, **kw)}))"


@compiles(seconds_between)
def _seconds_between_sqlite(element, compiler, **kw):
    first, second = list(element.clauses)
    return (f"((julianday({compiler.process(second, **kw)}) - julianday({compiler.process(first, **kw)}))"
            " * 86400.0)")
