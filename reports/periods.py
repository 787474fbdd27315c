"""Report periods: a calendar month or quarter in local time, its UTC bounds, and its remote cycles.

A remote check belongs, for coverage, to the two-day cycle it was made in, and a cycle belongs to the
period in which it starts; so a cycle that straddles a month end is counted once, in full.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from core.clock import local_midnight, local_today
from core.errors import OperationError
from core.extensions import db
from inspections.models import Plan
from inspections.scheduling import cycle_of

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    kind: str  # "month" or "quarter"
    year: int
    number: int  # month 1-12 or quarter 1-4
    first: date
    last: date

    @property
    def label(self) -> str:
        return f"{self.year}-{self.number:02d}" if self.kind == "month" else f"{self.year}Q{self.number}"

    @property
    def start(self) -> datetime:
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        """Exclusive."""
        return local_midnight(self.last + timedelta(days=1))

    def previous(self) -> Period:
        return month_period(*_step_month(self.year, self.number, -1)) if self.kind == "month" else \
            quarter_period(*_step_quarter(self.year, self.number, -1))

    def following(self) -> Period:
        return month_period(*_step_month(self.year, self.number, 1)) if self.kind == "month" else \
            quarter_period(*_step_quarter(self.year, self.number, 1))

    def months(self) -> list[Period]:
        if self.kind == "month":
            return [self]
        first_month = (self.number - 1) * 3 + 1
        return [month_period(self.year, first_month + i) for i in range(3)]

    def is_over(self, today: date) -> bool:
        return today > self.last

    def __str__(self) -> str:
        return self.label


def _step_month(year: int, month: int, step: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + step
    return index // 12, index % 12 + 1


def _step_quarter(year: int, quarter: int, step: int) -> tuple[int, int]:
    index = year * 4 + (quarter - 1) + step
    return index // 4, index % 4 + 1


def month_period(year: int, month: int) -> Period:
    return Period("month", year, month, date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def quarter_period(year: int, quarter: int) -> Period:
    last_month = quarter * 3
    return Period("quarter", year, quarter, date(year, last_month - 2, 1),
                  date(year, last_month, calendar.monthrange(year, last_month)[1]))


def last_complete_month(today: date | None = None) -> Period:
    today = today or local_today()
    return month_period(today.year, today.month).previous()


def last_complete_quarter(today: date | None = None) -> Period:
    today = today or local_today()
    return quarter_period(today.year, (today.month - 1) // 3 + 1).previous()


def parse(text: str | None, *, default: Period, quarters: bool = True, field: str = "period") -> Period:
    """"2026-10" or (when allowed) "2026Q3"; an empty value means the default."""
    text = (text or "").strip()
    if not text:
        return default
    if match := MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return month_period(year, month)
    elif quarters and (match := QUARTER.match(text)):
        year = int(match.group(1))
        if 2000 <= year <= 2100:
            return quarter_period(year, int(match.group(2)))
    shape = _("YYYY-MM or YYYYQn") if quarters else "YYYY-MM"
    raise OperationError(_("Not a period: write it as %(shape)s, e.g. 2026-10.", shape=shape),
                         {field: [_("Write it as %(shape)s.", shape=shape)]})


def remote_cycle_days() -> int:
    """The cycle length of the active remote-check plan (the plan's 每二天一个循环 by default)."""
    days = db.session.execute(select(Plan.cycle_days).where(Plan.cadence == "cycle", Plan.active.is_(True))
                              .order_by(Plan.id).limit(1)).scalar()
    return days or 2


@dataclass(frozen=True)
class Cycle:
    index: int
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        return local_midnight(self.last + timedelta(days=1))


def cycles(period: Period, today: date | None = None) -> list[Cycle]:
    """The remote cycles that start in the period and are over by `today` (a cycle still running is
    not yet judged)."""
    today = today or local_today()
    cycle_days = remote_cycle_days()
    start, _ = cycle_of(period.first, cycle_days)
    if start < period.first:
        start += timedelta(days=cycle_days)
    result = []
    while start <= period.last:
        last = start + timedelta(days=cycle_days - 1)
        if last >= today:
            break
        result.append(Cycle(len(result), start, last))
        start += timedelta(days=cycle_days)
    return result
