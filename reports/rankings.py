"""The outlet league table of a month or quarter: score, rank, trend, gap to the target rank, remote-cycle
coverage, and rectification closure.

An outlet's score is the weighted mean, over the inspection kinds it had, of the kind's average stored
percent (weights from the rule set); outlets without a counted inspection are listed unranked.
Scores and remote coverage are read from the monthly rollups (reports/rollups.py); `raw=True` computes them
from the inspections themselves, which the tests hold the rollups to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter

from sqlalchemy import Row, and_, case, func, select

from core.clock import local_today
from core.extensions import db
from inspections.models import Excuse, Inspection
from org.models import Outlet, Staff
from rectification import lateness
from rectification.models import Finding
from reports import rollup_reads, rules
from reports.counting import (
    among,
    counted_inspection,
    cycle_number,
    plan_each_query,
    seconds_between,
    within_cycles,
)
from reports.models import OutletMonthRollup
from reports.periods import Cycle, Period
from reports.periods import cycles as period_cycles
from reports.service_lists import competition_ranks


@dataclass(frozen=True)
class Coverage:
    """Tellers × cycles, less the excused (a reason recorded, no check made): the checks expected."""
    tellers: int
    cycles: int
    covered: int
    excused: int = 0

    @property
    def expected(self) -> int:
        return self.tellers * self.cycles - self.excused

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.covered)

    @property
    def percent(self) -> float | None:
        return round(min(self.covered, self.expected) / self.expected * 100, 1) if self.expected else None


@dataclass(frozen=True)
class Closure:
    total: int = 0
    closed: int = 0
    average_days: float | None = None
    outlet_late: int = 0  # the outlet's lateness: still overdue, or answered after the deadline
    verification_overdue: int = 0  # not the outlet's: answers waiting past their verification due date

    @property
    def rate(self) -> float | None:
        return round(self.closed / self.total * 100, 1) if self.total else None


class Ranked:
    """What a ranked row of a league table (an outlet's, or a node's) derives from its kinds, ranks and scores."""
    by_kind: dict[str, tuple[float, int]]
    rank: int | None
    previous_rank: int | None
    score: float | None
    previous_score: float | None

    @property
    def inspections(self) -> int:
        return sum(count for _, count in self.by_kind.values())

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (negative: places lost)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def score_change(self) -> float | None:
        if self.score is None or self.previous_score is None:
            return None
        return round(self.score - self.previous_score, 2)


@dataclass
class LeagueRow(Ranked):
    outlet_id: int
    code: str
    name: str
    by_kind: dict[str, tuple[float, int]] = field(default_factory=dict)
    score: float | None = None
    previous_score: float | None = None
    rank: int | None = None
    previous_rank: int | None = None
    target_rank: int = 0
    gap_points: float | None = None
    places_to_target: int | None = None
    coverage: Coverage = Coverage(0, 0, 0)
    closure: Closure = Closure()


def weighted_score(by_kind: dict[str, tuple[float, int]], weights: dict[str, float]) -> float | None:
    # In the kinds' order, not the order the database returned them in: float sums depend on the order.
    used = {kind: weights.get(kind, 0) for kind in sorted(by_kind) if weights.get(kind, 0) > 0}
    if not used:
        return None
    return round(sum(by_kind[kind][0] * weight for kind, weight in used.items()) / sum(used.values()), 2)


def average_percent(hundredths, count) -> float:
    """The mean of percents given to two decimals, from their exact sum in hundredths, rounded half up: the
    same whichever database or summation order produced the sum."""
    mean = Decimal(int(hundredths)) / (100 * int(count))
    return float(mean.quantize(Decimal("0.01"), ROUND_HALF_UP))


def _kind_averages(period: Period, outlet_ids, raw: bool = False) -> tuple[dict, dict]:
    """{outlet: {kind: (average percent, count)}} for the period and for the one before it."""
    if not raw:
        return _kind_averages_from_rollups(period, outlet_ids)
    previous = period.previous()
    is_current = case((Inspection.submitted_at >= period.start, 1), else_=0).label("is_current")
    rows = db.session.execute(
        select(Inspection.outlet_id, Inspection.kind, is_current, func.sum(func.round(Inspection.percent * 100)),
               func.count())
        .where(counted_inspection(), Inspection.percent.isnot(None), among(Inspection.outlet_id, outlet_ids),
               Inspection.submitted_at >= previous.start, Inspection.submitted_at < period.end)
        .group_by(Inspection.outlet_id, Inspection.kind, is_current))
    current: dict[int, dict] = {}
    before: dict[int, dict] = {}
    for outlet_id, kind, flag, hundredths, count in rows:
        (current if flag else before).setdefault(outlet_id, {})[kind] = (average_percent(hundredths, count), count)
    return current, before


def _kind_averages_from_rollups(period: Period, outlet_ids) -> tuple[dict, dict]:
    previous = period.previous()
    is_current = case((OutletMonthRollup.month >= period.first, 1), else_=0).label("is_current")
    rows = db.session.execute(
        select(OutletMonthRollup.outlet_id, OutletMonthRollup.kind, is_current, func.sum(OutletMonthRollup.scored),
               func.sum(OutletMonthRollup.percent_hundredths))
        .where(OutletMonthRollup.month.between(previous.first, period.last),
               among(OutletMonthRollup.outlet_id, outlet_ids))
        .group_by(OutletMonthRollup.outlet_id, OutletMonthRollup.kind, is_current))
    current: dict[int, dict] = {}
    before: dict[int, dict] = {}
    for outlet_id, kind, flag, count, hundredths in rows:
        if count:
            (current if flag else before).setdefault(outlet_id, {})[kind] = \
                (average_percent(hundredths, count), int(count))
    return current, before


def coverage(period: Period, outlet_ids, raw: bool = False) -> dict[int, Coverage]:
    """Per outlet: active tellers × remote cycles of the period, how many of those were checked, and how
    many were excused (see inspections.excuses)."""
    plan_each_query()
    cycles = period_cycles(period)
    tellers = dict(db.session.execute(
        select(Staff.outlet_id, func.count()).where(Staff.position == "teller", Staff.active.is_(True),
                                                   among(Staff.outlet_id, outlet_ids)).group_by(Staff.outlet_id)).all())
    covered: dict[int, int] = {}
    excused: dict[int, int] = {}
    if cycles and raw:
        checked = _checked(cycles, outlet_ids)
        covered = dict(db.session.execute(
            select(checked.c.outlet_id, func.count()).group_by(checked.c.outlet_id)).all())
        excused = _excused(cycles, outlet_ids, lambda staff_ids: set(db.session.execute(
            select(checked.c.staff_id, checked.c.cycle).where(checked.c.staff_id.in_(staff_ids))).all()))
    elif cycles:
        remote = rollup_reads.remote_counts(period, cycles)
        covered = {outlet_id: int(count) for outlet_id, count in db.session.execute(
            select(Staff.outlet_id, func.sum(remote.c.covered)).join(remote, remote.c.staff_id == Staff.id)
            .where(Staff.position == "teller", Staff.active.is_(True), among(Staff.outlet_id, outlet_ids))
            .group_by(Staff.outlet_id))}
        excused = _excused(cycles, outlet_ids, lambda staff_ids: rollup_reads.checked_cycles(cycles, staff_ids))
    return {outlet_id: Coverage(tellers.get(outlet_id, 0), len(cycles), covered.get(outlet_id, 0),
                                excused.get(outlet_id, 0))
            for outlet_id in outlet_ids}


def _checked(cycles: list[Cycle], outlet_ids):
    """(outlet, teller, cycle) for every cycle in which the teller was checked remotely."""
    cycle = cycle_number(Inspection.submitted_at, cycles).label("cycle")
    # A teller's checks count for the outlet the teller works at now.
    return (
        select(Staff.outlet_id, Inspection.staff_id, cycle)
        .join(Staff, Staff.id == Inspection.staff_id)
        .where(Inspection.kind == "remote", counted_inspection(), within_cycles(Inspection.submitted_at, cycles),
               Staff.position == "teller", Staff.active.is_(True), among(Staff.outlet_id, outlet_ids))
        .group_by(Staff.outlet_id, Inspection.staff_id, cycle)).subquery()


def _excused(cycles: list[Cycle], outlet_ids, checked_of) -> dict[int, int]:
    """Per outlet: the (teller, cycle) pairs with a reason recorded on a day of the cycle and no check."""
    reasons = db.session.execute(
        select(Staff.outlet_id, Excuse.staff_id, Excuse.first_day, Excuse.last_day)
        .join(Staff, Staff.id == Excuse.staff_id)
        .where(Excuse.withdrawn_at.is_(None), Excuse.last_day >= cycles[0].first, Excuse.first_day <= cycles[-1].last,
               Staff.position == "teller", Staff.active.is_(True), among(Staff.outlet_id, outlet_ids))).all()
    pairs = {(outlet_id, staff_id, cycle.index) for outlet_id, staff_id, first, last in reasons
             for cycle in cycles if first <= cycle.last and last >= cycle.first}
    if not pairs:
        return {}
    done = checked_of({staff_id for _, staff_id, _ in pairs})
    excused: dict[int, int] = {}
    for outlet_id, staff_id, index in pairs:
        if (staff_id, index) not in done:
            excused[outlet_id] = excused.get(outlet_id, 0) + 1
    return excused


def closure(period: Period, outlet_ids, today: date | None = None) -> dict[int, Closure]:
    """Per outlet: published findings raised in the period, how many are closed, mean days to close,
    and how many are late, the outlet's lateness and the verifiers' apart."""
    today = today or local_today()
    is_closed = and_(Finding.status == "closed", Finding.closed_at.isnot(None))
    rows = db.session.execute(
        select(Finding.outlet_id, func.count(), func.sum(case((is_closed, 1), else_=0)),
               func.avg(case((is_closed, seconds_between(Finding.created_at, Finding.closed_at)), else_=None)),
               func.sum(case((lateness.outlet_late(today), 1), else_=0)),
               func.sum(case((lateness.verification_overdue(today), 1), else_=0)))
        .where(Finding.published.is_(True), Finding.created_at >= period.start, Finding.created_at < period.end,
               among(Finding.outlet_id, outlet_ids))
        .group_by(Finding.outlet_id))
    return {outlet_id: Closure(total, closed or 0, round(float(seconds) / 86400, 1) if seconds is not None else None,
                               late or 0, waiting or 0)
            for outlet_id, total, closed, seconds, late, waiting in rows}


def league_outlets(branch_id: int | None = None) -> list[Row[tuple[int, str, str]]]:
    """The active outlets as rows of (id, code, name)."""
    query = select(Outlet.id, Outlet.code, Outlet.name).where(Outlet.active.is_(True)).order_by(Outlet.code)
    if branch_id is not None:
        query = query.where(Outlet.branch_id == branch_id)
    return list(db.session.execute(query))


def league(period: Period, *, branch_id: int | None = None, values=None, raw: bool = False) -> list[LeagueRow]:
    """From the monthly rollups; `raw` computes the same from the inspections themselves."""
    plan_each_query()
    values = values or rules.current()
    weights = rules.kind_weights(values)
    outlets = league_outlets(branch_id)
    ids = [outlet_id for outlet_id, _, _ in outlets]
    current, before = _kind_averages(period, ids, raw)
    covered, closed = coverage(period, ids, raw), closure(period, ids)
    target = int(values["target_rank"])
    rows = [LeagueRow(outlet_id, code, name, current.get(outlet_id, {}),
                      weighted_score(current.get(outlet_id, {}), weights),
                      weighted_score(before.get(outlet_id, {}), weights), target_rank=target,
                      coverage=covered[outlet_id], closure=closed.get(outlet_id, Closure()))
            for outlet_id, code, name in outlets]
    return ranked(rows, target=target)


def ranked(rows: list, *, ident=attrgetter("outlet_id"), target: int | None = None) -> list:
    """Ranks the rows best first by score and by previous score (equal scores share a rank, rows without one
    stay unranked); with a target rank (outlets' tables), each ranked row also gets its gap in points and in
    places to it. Sorted best first, the unranked last."""
    for score_field, rank_field in (("score", "rank"), ("previous_score", "previous_rank")):
        scored = [row for row in rows if getattr(row, score_field) is not None]
        ranks = competition_ranks(scored, attrgetter(score_field), best_first=True, ident=ident)
        for row in rows:
            setattr(row, rank_field, ranks.get(ident(row)))
    scores = sorted((row.score for row in rows if row.score is not None), reverse=True)
    for row in rows if target is not None else []:
        row.gap_points = row.places_to_target = None
        if row.rank is None:
            continue
        if row.rank <= target or len(scores) < target:
            row.gap_points, row.places_to_target = 0.0, 0
        else:
            row.gap_points = round(scores[target - 1] - row.score, 2)
            row.places_to_target = row.rank - target
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.code))
