"""The month's published figures: per teller within the outlet, and the outlets compared. The error rate is
errors per 10,000 transactions; ranks put the most errors first (then the higher rate), and equal figures share
a rank, as in a league table."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from core.extensions import db
from org.models import Outlet, Staff
from volumes.models import ERRORS, TRANSACTIONS, TellerCount

PER = 10_000


def error_rate(errors: int, volume: int) -> float | None:
    """Errors per 10,000 transactions, one decimal; none without transactions."""
    return round(errors * PER / volume, 1) if volume else None


@dataclass
class TellerFigures:
    staff_id: int
    employee_no: str
    name: str
    outlet_id: int
    outlet_name: str
    volume: int
    errors: int
    rate: float | None = None
    rank: int = 0


@dataclass
class OutletFigures:
    outlet_id: int
    outlet_name: str
    tellers: int
    volume: int
    errors: int
    rate: float | None = None
    rank: int = 0


def _worst_first(row) -> tuple:
    return (-row.errors, -(row.rate or 0.0))


def rank(rows: Sequence, key: Callable = _worst_first) -> list:
    """Sort worst first and number the places; rows with the same key share the place of the first."""
    ordered = sorted(rows, key=lambda row: (key(row), getattr(row, "employee_no", ""), row.outlet_name))
    for index, row in enumerate(ordered):
        row.rank = ordered[index - 1].rank if index and key(ordered[index - 1]) == key(row) else index + 1
    return ordered


def tellers(month: date, outlet_ids: list[int] | None = None) -> list[TellerFigures]:
    """Every teller with a count in the month, ranked within their outlet; outlets in name order."""
    volume = func.sum(case((TellerCount.measure == TRANSACTIONS, TellerCount.count), else_=0))
    errors = func.sum(case((TellerCount.measure == ERRORS, TellerCount.count), else_=0))
    query = (select(Staff.id, Staff.employee_no, Staff.name, Outlet.id, Outlet.name, volume, errors)
             .join(TellerCount, TellerCount.staff_id == Staff.id).join(Outlet, Outlet.id == Staff.outlet_id)
             .where(TellerCount.month == month).group_by(Staff.id, Staff.employee_no, Staff.name, Outlet.id,
                                                          Outlet.name))
    if outlet_ids is not None:
        query = query.where(Staff.outlet_id.in_(outlet_ids))
    by_outlet: dict[int, list[TellerFigures]] = {}
    for row in db.session.execute(query):
        figures = TellerFigures(*row[:5], volume=int(row[5] or 0), errors=int(row[6] or 0))
        figures.rate = error_rate(figures.errors, figures.volume)
        by_outlet.setdefault(figures.outlet_id, []).append(figures)
    ranked = [rank(rows) for rows in by_outlet.values()]
    return [row for rows in sorted(ranked, key=lambda rows: rows[0].outlet_name) for row in rows]


def outlets(month: date) -> list[OutletFigures]:
    """All outlets with counts in the month, the highest error rate first (then the most errors)."""
    totals: dict[int, OutletFigures] = {}
    for teller in tellers(month):
        outlet = totals.setdefault(teller.outlet_id, OutletFigures(teller.outlet_id, teller.outlet_name, 0, 0, 0))
        outlet.tellers += 1
        outlet.volume += teller.volume
        outlet.errors += teller.errors
    for outlet in totals.values():
        outlet.rate = error_rate(outlet.errors, outlet.volume)
    return rank(list(totals.values()), key=lambda row: (-(row.rate or 0.0), -row.errors))


def breakdown(month: date, staff_ids: list[int]) -> dict[int, dict[str, list[tuple[str, int]]]]:
    """Per teller, the counts by business type and by error kind as the report labelled them."""
    rows = db.session.execute(select(TellerCount).where(TellerCount.month == month,
                                                        TellerCount.staff_id.in_(staff_ids))
                              .order_by(TellerCount.id)).scalars()
    result: dict[int, dict[str, list[tuple[str, int]]]] = {}
    for row in rows:
        result.setdefault(row.staff_id, {TRANSACTIONS: [], ERRORS: []})[row.measure].append((row.label, row.count))
    for lines in result.values():
        for measure in lines.values():
            measure.sort()  # by label, the same whatever the database's collation
    return result


def months_with_counts() -> list[date]:
    return list(db.session.execute(select(TellerCount.month).distinct().order_by(TellerCount.month.desc()))
                .scalars())
