"""Quarters as the meetings name them (2026-Q3): read, checked, and the days they span."""
from __future__ import annotations

import re
from datetime import date

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def parse(text: str | None) -> tuple[int, int] | None:
    match = QUARTER.match((text or "").strip())
    if match is None or not 2000 <= int(match[1]) < 2100:
        return None
    return int(match[1]), int(match[2])


def first_day(quarter: str) -> date:
    year, number = parse(quarter) or (0, 0)
    return date(year, 3 * number - 2, 1)


def of_day(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def before(quarter: str, count: int = 1) -> str:
    year, number = parse(quarter) or (0, 0)
    index = year * 4 + number - 1 - count
    return f"{index // 4}-Q{index % 4 + 1}"


def after(quarter: str) -> str:
    return before(quarter, -1)
