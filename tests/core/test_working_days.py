"""Deadlines in working days over China's public holidays and the weekend days worked in their place (调休),
as the 2026 notice sets them; a year the installed calendar does not know yet counts Monday to Friday."""
from __future__ import annotations

import logging
from datetime import date

import pytest

from core.working_days import add_working_days, is_working_day, known_years, working_days_between


@pytest.mark.parametrize("day, working", [
    (date(2026, 10, 1), False),   # National Day
    (date(2026, 10, 7), False),   # still the holiday, a Wednesday
    (date(2026, 10, 10), True),   # a Saturday worked in its place
    (date(2026, 9, 20), True),    # a Sunday worked in its place
    (date(2026, 2, 14), True),    # Saturday before the Spring Festival, worked
    (date(2026, 2, 16), False),   # the Spring Festival, a Monday
    (date(2026, 11, 28), False),  # an ordinary Saturday
    (date(2026, 11, 30), True),   # an ordinary Monday
])
def test_a_day_is_worked_as_the_notice_says(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize("start, days, due", [
    (date(2026, 9, 30), 1, date(2026, 10, 8)),   # over the whole National Day holiday
    (date(2026, 10, 9), 1, date(2026, 10, 10)),  # onto the Saturday worked in lieu
    (date(2026, 9, 18), 1, date(2026, 9, 20)),   # Friday: the next working day is a Sunday worked in lieu
    (date(2026, 2, 13), 2, date(2026, 2, 24)),   # Saturday 14th worked, then the Spring Festival
    (date(2026, 11, 27), 5, date(2026, 12, 4)),  # an ordinary week
    (date(2026, 11, 27), 0, date(2026, 11, 27)),
])
def test_a_deadline_in_working_days_steps_over_holidays_and_onto_days_worked_in_lieu(start, days, due):
    assert add_working_days(start, days) == due
    assert working_days_between(start, due) == days


def test_the_days_between_count_only_working_days_and_never_go_negative():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3  # 8th, 9th and Saturday 10th
    assert working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == 0
    with pytest.raises(ValueError):
        add_working_days(date(2026, 10, 9), -1)


def test_a_year_the_calendar_does_not_know_yet_counts_monday_to_friday_and_says_so(caplog):
    unknown = max(known_years()) + 1
    first_monday = next(date(unknown, 1, d) for d in range(1, 8) if date(unknown, 1, d).weekday() == 0)
    with caplog.at_level(logging.WARNING, logger="core.working_days"):
        assert is_working_day(first_monday)
        assert not is_working_day(date(unknown, 1, first_monday.day + 5))  # that Saturday
    assert f"does not know {unknown} yet" in caplog.text
