"""The bank's working days in mainland China: Monday to Friday, less the public holidays, plus the weekend days
made working days in their place (调休), as the State Council's yearly notice sets them, from the maintained
`chinesecalendar` package. Deadlines given in working days (complaints: 受理、调查、办结) count these."""
from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import cache

import chinese_calendar

log = logging.getLogger(__name__)


@cache
def known_years() -> range:
    """The years whose holidays the installed calendar knows; the notice for a year comes out the autumn before."""
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


@cache
def _warn_unknown(year: int) -> None:
    log.warning("The installed holiday calendar does not know %s yet: counting Monday to Friday as working days "
                "until chinesecalendar is updated.", year)


def is_working_day(day: date) -> bool:
    if day.year not in known_years():
        _warn_unknown(day.year)
        return day.weekday() < 5
    return chinese_calendar.is_workday(day)


def add_working_days(start: date, days: int) -> date:
    """The day that is `days` working days after `start`, which itself is not counted: a complaint received
    on the last day before the National Day holiday with one working day to answer is due on the first day after."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """The working days after `start` up to and including `end`; 0 when `end` is not after `start`."""
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=offset)))
