"""A list's period filter: a day (2026-11-30), a month (2026-11) or a quarter (2026Q4) in local time,
as the UTC instants at which it begins and ends; and the few periods a filter form offers."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

from core.clock import local_midnight

DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
NOT_A_PERIOD = _l("Give a day (2026-11-30), a month (2026-11) or a quarter (2026Q4).")


@dataclass(frozen=True)
class Span:
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        """Exclusive."""
        return local_midnight(self.last + timedelta(days=1))


def _month(year: int, month: int) -> Span:
    return Span(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def _quarter(year: int, quarter: int) -> Span:
    return Span(_month(year, quarter * 3 - 2).first, _month(year, quarter * 3).last)


def span_of(text: str) -> Span:
    """Raises ValueError for anything but a day, a month or a quarter between 2000 and 2099."""
    if match := DAY.match(text):
        day = date(*(int(part) for part in match.groups()))
        span = Span(day, day)
    elif match := MONTH.match(text):
        span = _month(int(match[1]), int(match[2]))
    elif match := QUARTER.match(text):
        span = _quarter(int(match[1]), int(match[2]))
    else:
        raise ValueError(text)
    if not 2000 <= span.first.year < 2100:
        raise ValueError(text)
    return span


class PeriodField(fields.String):
    """Loads to a Span."""

    def _deserialize(self, value, attr, data, **kwargs) -> Span:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            return span_of(text)
        except ValueError as error:
            raise ValidationError(str(NOT_A_PERIOD)) from error


def offered_periods(today: date) -> list[tuple[str, str]]:
    """(value, label) of the periods a filter form offers: today, this and last month, this and last quarter."""
    last_month = today.replace(day=1) - timedelta(days=1)
    quarter = (today.month - 1) // 3 + 1
    last_quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    return [(today.isoformat(), _("Today")), (f"{today:%Y-%m}", _("This month")),
            (f"{last_month:%Y-%m}", _("Last month")), (f"{today.year}Q{quarter}", _("This quarter")),
            (f"{last_quarter[0]}Q{last_quarter[1]}", _("Last quarter"))]
