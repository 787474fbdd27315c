"""Monthly rollups: what the league table and the scorecards count, kept per month so that a month's report
reads a month's worth of small rows whatever the length of the history.

An inspection's contribution (its counted score, its remote check, its counted findings and section scores) is
a function of the inspection's row and of its findings and section scores alone. A change to what reports count
is therefore settled as "contribution after − contribution before" for the inspections it touched, added with
an atomic upsert (n = n + excluded.n) in the same transaction: parallel changes add up and never overwrite each
other. `rebuild` recomputes the rows of a month (or of everything) from the raw rows; the tests check that
both give the same numbers.

Changes reach the rollups two ways: operations that write with plain UPDATE/INSERT statements announce them
(inspections.events.changing), and changes to Inspection, Finding or SectionScore objects flushed through the
ORM are picked up by a flush listener.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import chain

from sqlalchemy import Connection, delete, event, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.clock import local_midnight, local_zone
from core.extensions import db
from inspections.models import DRAFT, Answer, Inspection, Plan, SectionScore
from inspections.scheduling import cycle_of
from rectification.models import Finding
from reports.counting import counted_inspection
from reports.models import ItemMonthRollup, OutletMonthRollup, SectionMonthRollup, StaffCycleRollup, StaffMonthRollup
from reports.periods import Period, month_period

SEVERITIES = ("critical", "major", "minor")
# The order rows are written in.
TABLES = (OutletMonthRollup, SectionMonthRollup, StaffCycleRollup, StaffMonthRollup, ItemMonthRollup)
KEYS = {ItemMonthRollup: ("month", "kind", "item_key"),
        OutletMonthRollup: ("month", "outlet_id", "kind"),
        SectionMonthRollup: ("month", "outlet_id", "kind", "section_key"),
        StaffCycleRollup: ("cycle_first", "staff_id"),
        StaffMonthRollup: ("month", "staff_id")}
COUNTS = {ItemMonthRollup: ("answered", "failed"),
          OutletMonthRollup: ("scored", "percent_hundredths"),
          SectionMonthRollup: ("scored", "percent_hundredths"),
          StaffCycleRollup: ("remote_checks", "remote_failed"),
          StaffMonthRollup: (*SEVERITIES, "remote_checks", "remote_passed", "cycles_covered", "cycle_failures")}
BATCH = 5000


class Tally:
    """Counts per rollup table, key and column."""

    def __init__(self) -> None:
        self.rows: dict[type, dict[tuple, dict[str, int]]] = {table: defaultdict(lambda: defaultdict(int))
                                                              for table in TABLES}

    def add(self, table: type, key: tuple, **counts: int) -> None:
        row = self.rows[table][key]
        for column, count in counts.items():
            row[column] += count

    def minus(self, other: Tally) -> Tally:
        result = Tally()
        for table in TABLES:
            for key in self.rows[table].keys() | other.rows[table].keys():
                mine, theirs = self.rows[table].get(key, {}), other.rows[table].get(key, {})
                difference = {column: mine.get(column, 0) - theirs.get(column, 0) for column in COUNTS[table]}
                if any(difference.values()):
                    result.add(table, key, **difference)
        return result

    def records(self, table: type) -> list[dict]:
        """Rows as dictionaries, in key order: concurrent writers lock rows in the same order."""
        names = KEYS[table]
        return [{**dict(zip(names, key)), **{column: counts.get(column, 0) for column in COUNTS[table]}}
                for key, counts in sorted(self.rows[table].items())]

    def __bool__(self) -> bool:
        return any(self.rows[table] for table in TABLES)


def _cycle_days(connection: Connection) -> int:
    """The remote plan's cycle length (reports.periods.remote_cycle_days, read on this connection)."""
    days = connection.execute(select(Plan.cycle_days).where(Plan.cadence == "cycle", Plan.active.is_(True))
                              .order_by(Plan.id).limit(1)).scalar()
    return days or 2


def _local_day(moment: datetime) -> date:
    return moment.astimezone(local_zone()).date()


def _hundredths(percent: float) -> int:
    return round(percent * 100)


def tally(connection: Connection, conditions, tables: tuple = TABLES) -> Tally:
    """The contributions of the counted inspections that meet `conditions` (to the rollups of `tables`)."""
    result = Tally()
    counted = (counted_inspection(), Inspection.submitted_at.isnot(None), *conditions)
    inspections = connection.execute(
        select(Inspection.id, Inspection.kind, Inspection.outlet_id, Inspection.staff_id, Inspection.submitted_at,
               Inspection.percent).where(*counted)).all()
    if not inspections:
        return result
    found = connection.execute(
        select(Finding.inspection_id, Finding.staff_id, Finding.severity, Finding.published)
        .join(Inspection, Inspection.id == Finding.inspection_id).where(*counted)).all()
    sections = connection.execute(
        select(SectionScore.inspection_id, SectionScore.section_key, SectionScore.percent)
        .join(Inspection, Inspection.id == SectionScore.inspection_id)
        .where(SectionScore.percent.isnot(None), *counted)).all()
    failed = {inspection_id for inspection_id, *_ in found}
    cycle_days, zone = _cycle_days(connection), local_zone()
    cycle_firsts: dict[date, date] = {}
    facts = {}
    for inspection_id, kind, outlet_id, staff_id, submitted_at, percent in inspections:
        day = submitted_at.astimezone(zone).date()
        month = day.replace(day=1)
        facts[inspection_id] = (kind, outlet_id, month)
        if percent is not None:
            result.add(OutletMonthRollup, (month, outlet_id, kind), scored=1, percent_hundredths=_hundredths(percent))
        if kind == "remote" and staff_id is not None:
            bad = int(inspection_id in failed)
            if (cycle_first := cycle_firsts.get(day)) is None:
                cycle_first = cycle_firsts[day] = cycle_of(day, cycle_days)[0]
            result.add(StaffCycleRollup, (cycle_first, staff_id), remote_checks=1, remote_failed=bad)
            result.add(StaffMonthRollup, (month, staff_id), remote_checks=1, remote_passed=1 - bad)
            # cycles_covered is not a sum of contributions: settle() and rebuild() count it.
            result.add(StaffMonthRollup, (cycle_first.replace(day=1), staff_id), cycle_failures=bad)
    for inspection_id, staff_id, severity, published in found:
        if published and staff_id is not None and severity in SEVERITIES:
            result.add(StaffMonthRollup, (facts[inspection_id][2], staff_id), **{severity: 1})
    for inspection_id, section_key, percent in sections:
        kind, outlet_id, month = facts[inspection_id]
        result.add(SectionMonthRollup, (month, outlet_id, kind, section_key), scored=1,
                   percent_hundredths=_hundredths(percent))
    if ItemMonthRollup in tables:
        for inspection_id, item_key, failed in connection.execute(
                select(Answer.inspection_id, Answer.item_key, Answer.failed)
                .join(Inspection, Inspection.id == Answer.inspection_id)
                .where(Answer.state == "answered", *counted)):
            kind, _outlet_id, month = facts[inspection_id]
            result.add(ItemMonthRollup, (month, kind, item_key), answered=1, failed=int(bool(failed)))
    return result


def contributions(connection: Connection, inspection_ids: Iterable[int]) -> Tally:
    ids = sorted(set(inspection_ids))
    result = Tally()
    for start in range(0, len(ids), BATCH):
        part = tally(connection, [Inspection.id.in_(ids[start:start + BATCH])])
        for table in TABLES:
            for key, counts in part.rows[table].items():
                result.add(table, key, **counts)
    return result


def _upsert(connection: Connection, table: type, records: list[dict]):
    insert_ = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert_(table.__table__)
    return statement.on_conflict_do_update(
        index_elements=list(KEYS[table]),
        set_={column: getattr(table.__table__.c, column) + getattr(statement.excluded, column)
              for column in COUNTS[table]})


def add(connection: Connection, change: Tally) -> None:
    """Add the change, and count the cycles it gives a first check or takes the last one from."""
    for table in TABLES:
        records = change.records(table)
        if not records:
            continue
        if table is StaffCycleRollup:
            _add_cycles(connection, change, records)
        else:
            connection.execute(_upsert(connection, table, records), records)


def _add_cycles(connection: Connection, change: Tally, records: list[dict]) -> None:
    statement = _upsert(connection, StaffCycleRollup, records).returning(StaffCycleRollup.remote_checks)
    for record in records:
        now = connection.execute(statement, record).scalar_one()
        was = now - record["remote_checks"]
        if (was > 0) != (now > 0):
            change.add(StaffMonthRollup, (record["cycle_first"].replace(day=1), record["staff_id"]),
                       cycles_covered=1 if now > 0 else -1)


def settle(connection: Connection, inspection_ids: Iterable[int], before: Tally) -> None:
    """Add what the inspections contribute now less what they contributed `before`."""
    add(connection, contributions(connection, inspection_ids).minus(before))


# Announced changes ---------------------------------------------------------------------------------------------

CHANGING = "rollups.changing"  # session.info: the inspections inside an announced change


def _changing(sender, inspection_ids) -> object:
    """Receiver of inspections.events.report_inputs_changing: before the change, what the inspections
    contribute; the returned callable settles the difference after it."""
    session = db.session()
    session.flush()  # changes made before the announcement are settled by the flush listener
    ids = set(inspection_ids)
    held = session.info.setdefault(CHANGING, [])
    held.append(ids)
    before = contributions(session.connection(), ids)

    def finish(completed: bool) -> None:
        try:
            if completed:
                session.flush()
                settle(session.connection(), ids, before)
        finally:
            held.remove(ids)

    return finish


# Changes flushed through the ORM -------------------------------------------------------------------------------

PENDING = "rollups.pending"


def _inspection_ids(session: Session) -> tuple[set[int], list[Inspection]]:
    ids: set[int] = set()
    new: list[Inspection] = []
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Inspection):
            if obj.id is None:
                new.append(obj)
            elif obj in session.new or obj in session.deleted or _counts_may_change(obj):
                ids.add(obj.id)
        elif isinstance(obj, (Finding, SectionScore)):
            # The value it had and the value it has (loaded again when the object was expired by a commit).
            ids.update(i for i in (*db.inspect(obj).attrs.inspection_id.history.deleted, obj.inspection_id)
                       if i is not None)
        elif isinstance(obj, Answer) and (owner := _answering(session, obj)) is not None:
            ids.add(owner)
    return ids - _inside_announced(session), new


def _answering(session: Session, answer: Answer) -> int | None:
    """The inspection whose counts an answer's change may move: not a draft's (a draft's autosave costs no
    query: its inspection is in the session already)."""
    inspection = answer.inspection if answer.inspection_id is None else session.get(Inspection, answer.inspection_id)
    if inspection is None or inspection.id is None or not _counts_may_change(inspection):
        return None
    return inspection.id


def _counts_may_change(inspection: Inspection) -> bool:
    """A draft that stays a draft counts for nothing (the drafts' autosave should cost no query)."""
    history = db.inspect(inspection).attrs.status.history
    return history.has_changes() or inspection.status != DRAFT


def _before_flush(session: Session, _flush_context, _instances) -> None:
    ids, new = _inspection_ids(session)
    if ids or new:
        session.info[PENDING] = (ids, new, contributions(session.connection(), ids))


def _after_flush(session: Session, _flush_context) -> None:
    pending = session.info.pop(PENDING, None)
    if pending is None:
        return
    ids, new, before = pending
    settle(session.connection(), ids | {inspection.id for inspection in new if inspection.id is not None}, before)


# UPDATE, DELETE and INSERT statements run through the session -----------------------------------------------

# The columns a contribution reads, by table; a statement that sets none of them changes nothing here.
READ_COLUMNS = {"inspection": {"status", "kind", "outlet_id", "staff_id", "submitted_at", "percent"},
                "finding": {"inspection_id", "staff_id", "severity", "published"},
                "section_score": {"inspection_id", "section_key", "percent"},
                "answer": {"inspection_id", "item_key", "failed", "state"}}


def _parameter_sets(state) -> list[dict]:
    parameters = state.parameters
    if not parameters:
        return [{}]
    return list(parameters) if isinstance(parameters, (list, tuple)) else [parameters]


def _set_columns(statement, parameter_sets: list[dict]) -> set[str]:
    values = getattr(statement, "_values", None) or {}
    names = {getattr(key, "key", key) for key in values}
    return names | {name for parameters in parameter_sets for name in parameters}


def _statement_inspections(state, table_name: str) -> set[int]:
    """The inspections whose contribution the statement may change (a new inspection's row contributes nothing
    until its findings are settled: inserts of inspections are announced by their writers)."""
    statement = state.statement
    parameter_sets = _parameter_sets(state)
    if state.is_insert:
        if table_name == "inspection":
            return set()
        multi = getattr(statement, "_multi_values", ()) or ()
        rows = [*parameter_sets, *(row for group in multi for row in group if isinstance(row, dict))]
        return {row.get("inspection_id") for row in rows} - {None}
    if state.is_update and not _set_columns(statement, parameter_sets) & READ_COLUMNS[table_name]:
        return set()
    table = statement.table
    key = table.c.id if table_name == "inspection" else table.c.inspection_id
    query = select(key).where(statement.whereclause) if statement.whereclause is not None else select(key)
    connection = state.session.connection()
    return {ident for parameters in parameter_sets for ident in connection.execute(query, parameters).scalars()
            } - {None}


def _on_execute(state):
    if not (state.is_update or state.is_delete or state.is_insert):
        return None
    table_name = getattr(getattr(state.statement, "table", None), "name", None)
    if table_name not in READ_COLUMNS:
        return None
    ids = _statement_inspections(state, table_name) - _inside_announced(state.session)
    if not ids:
        return None
    connection = state.session.connection()
    before = contributions(connection, ids)
    result = state.invoke_statement()
    settle(connection, ids, before)
    return result


def _inside_announced(session: Session) -> set[int]:
    held = session.info.get(CHANGING)
    return set().union(*held) if held else set()


def init_app() -> None:
    from inspections.events import report_inputs_changing

    report_inputs_changing.connect(_changing)
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _on_execute)


# Rebuild -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rebuilt:
    months: int
    rows: int


def _months_with_data(connection: Connection) -> list[Period]:
    first, last = connection.execute(select(func.min(Inspection.submitted_at), func.max(Inspection.submitted_at))
                                     .where(Inspection.submitted_at.isnot(None))).one()
    if first is None:
        return []
    month, end = month_period(*_year_month(first)), month_period(*_year_month(last))
    months = [month]
    while months[-1] != end:
        months.append(months[-1].following())
    return months


def _year_month(moment: datetime) -> tuple[int, int]:
    day = _local_day(moment)
    return day.year, day.month


def rebuild(connection: Connection, month: Period | None = None, tables: tuple = TABLES) -> Rebuilt:
    """Recompute the rollups of one month (or of all of them) from the raw rows; `tables`: only those (a
    migration that adds one fills it alone)."""
    if connection.dialect.name == "postgresql":
        # Submits that land meanwhile wait rather than add to rows about to be replaced.
        connection.execute(text("LOCK TABLE " + ", ".join(t.__tablename__ for t in tables) + " IN EXCLUSIVE MODE"))
    months = _months_with_data(connection) if month is None else [month]
    if month is None:
        for table in tables:
            connection.execute(delete(table))
    rows = 0
    for period in months:
        rows += _rebuild_month(connection, period, delete_first=month is not None, tables=tables)
    return Rebuilt(len(months), rows)


def _rebuild_month(connection: Connection, month: Period, *, delete_first: bool, tables: tuple = TABLES) -> int:
    """The rows keyed to the month: its outlets', sections' and people's, and those of the remote cycles that
    start in it (whose last day may fall in the next month)."""
    cycle_days = _cycle_days(connection)
    first_cycle, _ = cycle_of(month.first, cycle_days)
    if first_cycle < month.first:
        first_cycle += timedelta(days=cycle_days)
    last_cycle, _ = cycle_of(month.last, cycle_days)
    window_end = max(month.end, local_midnight(last_cycle + timedelta(days=cycle_days)))
    if delete_first:
        for table in (OutletMonthRollup, SectionMonthRollup, StaffMonthRollup, ItemMonthRollup):
            if table in tables:
                connection.execute(delete(table).where(table.month == month.first))
        if StaffCycleRollup in tables:
            connection.execute(delete(StaffCycleRollup).where(StaffCycleRollup.cycle_first.between(month.first,
                                                                                                   month.last)))
    part = tally(connection, [Inspection.submitted_at >= month.start, Inspection.submitted_at < window_end], tables)
    mine = Tally()
    for table in tables:
        for key, counts in part.rows[table].items():
            if month.first <= key[0] <= month.last:
                mine.add(table, key, **counts)
    for (cycle_first, staff_id), counts in list(mine.rows[StaffCycleRollup].items()):
        if counts["remote_checks"] > 0:
            mine.add(StaffMonthRollup, (cycle_first.replace(day=1), staff_id), cycles_covered=1)
    rows = 0
    for table in tables:
        records = mine.records(table)
        if records:
            connection.execute(insert(table), records)
        rows += len(records)
    return rows


def snapshot(connection: Connection) -> dict[type, dict[tuple, tuple[int, ...]]]:
    """Every rollup row with any count, for comparing the kept rows with a rebuild."""
    result = {}
    for table in TABLES:
        keys, counts = KEYS[table], COUNTS[table]
        result[table] = {tuple(row[:len(keys)]): tuple(row[len(keys):]) for row in connection.execute(
            select(*[getattr(table, name) for name in keys + counts])) if any(row[len(keys):])}
    return result
