"""The pack's business-volume and service-error section for the quarter's three months: errors per 10,000
transactions per outlet (highest first), the tellers with the most errors, and the months one by one.
One query reads the quarter's counts per teller and month; the rest is summed here."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import case, func, select

from core.extensions import db
from org.models import Outlet, Staff
from reports import charts
from reports.periods import Period
from volumes.figures import OutletFigures, TellerFigures, error_rate, rank
from volumes.models import ERRORS, TRANSACTIONS, TellerCount

TOP_TELLERS = 10
CHART_OUTLETS = 15


@dataclass(frozen=True)
class MonthFigures:
    month: date
    outlets: int
    volume: int
    errors: int

    @property
    def rate(self) -> float | None:
        return error_rate(self.errors, self.volume)


@dataclass
class ServiceErrorSection:
    months: list[MonthFigures]
    outlets: list[OutletFigures]  # every outlet with counts, highest error rate first
    tellers: list[TellerFigures]  # the TOP_TELLERS with most errors (ties at the cut included)
    top_tellers: int = TOP_TELLERS
    chart_outlets: int = CHART_OUTLETS
    trend_chart: Markup | None = None
    outlet_chart: Markup | None = None
    volume: int = field(init=False)
    errors: int = field(init=False)

    def __post_init__(self):
        self.volume = sum(m.volume for m in self.months)
        self.errors = sum(m.errors for m in self.months)

    @property
    def rate(self) -> float | None:
        return error_rate(self.errors, self.volume)

    @property
    def empty(self) -> bool:
        return not self.outlets


def _counts(quarter: Period):
    volume = func.sum(case((TellerCount.measure == TRANSACTIONS, TellerCount.count), else_=0))
    errors = func.sum(case((TellerCount.measure == ERRORS, TellerCount.count), else_=0))
    first_days = [month.first for month in quarter.months()]
    return db.session.execute(
        select(TellerCount.month, Staff.id, Staff.employee_no, Staff.name, Outlet.id, Outlet.name, volume, errors)
        .join(Staff, Staff.id == TellerCount.staff_id).join(Outlet, Outlet.id == Staff.outlet_id)
        .where(TellerCount.month.in_(first_days))
        .group_by(TellerCount.month, Staff.id, Staff.employee_no, Staff.name, Outlet.id, Outlet.name)).all()


def section(quarter: Period) -> ServiceErrorSection:
    tellers: dict[int, TellerFigures] = {}
    outlets: dict[int, OutletFigures] = {}
    by_month: dict[date, list] = {month.first: [set(), 0, 0] for month in quarter.months()}
    by_outlet_month: dict[tuple[int, date], list[int]] = {}
    for month, staff_id, employee_no, name, outlet_id, outlet_name, volume, errors in _counts(quarter):
        volume, errors = int(volume or 0), int(errors or 0)
        teller = tellers.setdefault(staff_id, TellerFigures(staff_id, employee_no, name, outlet_id, outlet_name, 0, 0))
        teller.volume += volume
        teller.errors += errors
        outlet = outlets.setdefault(outlet_id, OutletFigures(outlet_id, outlet_name, 0, 0, 0))
        outlet.volume += volume
        outlet.errors += errors
        totals = by_month[month]
        totals[0].add(outlet_id)
        totals[1] += volume
        totals[2] += errors
        counts = by_outlet_month.setdefault((outlet_id, month), [0, 0])
        counts[0] += volume
        counts[1] += errors
    for teller in tellers.values():
        teller.rate = error_rate(teller.errors, teller.volume)
        outlets[teller.outlet_id].tellers += 1
    for outlet in outlets.values():
        outlet.rate = error_rate(outlet.errors, outlet.volume)
    ranked_outlets = rank(list(outlets.values()), key=lambda row: (-(row.rate or 0.0), -row.errors))
    ranked_tellers = [t for t in rank([t for t in tellers.values() if t.errors]) if t.rank <= TOP_TELLERS]
    months = [MonthFigures(month, len(outlet_ids), volume, errors)
              for month, (outlet_ids, volume, errors) in sorted(by_month.items())]
    result = ServiceErrorSection(months, ranked_outlets, ranked_tellers)
    if ranked_outlets:
        result.trend_chart = _trend_chart(months, ranked_outlets, by_outlet_month)
        shown = ranked_outlets[:CHART_OUTLETS]
        result.outlet_chart = charts.bar_chart(
            [o.outlet_name for o in shown], [o.rate or 0.0 for o in shown], label_width=200, bar_height=18,
            title=_("Errors per 10,000 transactions: the %(count)d highest outlets", count=len(shown)))
    return result


def _trend_chart(months: list[MonthFigures], outlets: list[OutletFigures],
                 by_outlet_month: dict[tuple[int, date], list[int]]) -> Markup:
    """The sub-branch's rate month by month, beside the three outlets with the highest rate in the quarter."""
    labels = [_("%(year)d-%(month)02d", year=m.month.year, month=m.month.month) for m in months]
    series = [(_("Sub-branch as a whole"), [m.rate for m in months])]
    for outlet in outlets[:3]:
        counts = [by_outlet_month.get((outlet.outlet_id, m.month)) for m in months]
        series.append((outlet.outlet_name, [error_rate(c[1], c[0]) if c else None for c in counts]))
    top = max((v for _label, values in series for v in values if v is not None), default=0.0)
    return charts.line_chart(labels, series, title=_("Errors per 10,000 transactions by month"), height=240,
                             y_range=(0.0, _round_up(top)))


def _round_up(value: float) -> float:
    """A round top for the axis: 4 even steps of a whole number."""
    step = max(1, -(-int(value * 1.1) // 4))
    return float(step * 4)
