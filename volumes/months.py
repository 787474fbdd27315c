"""A report month, written YYYY-MM (as in the file and the address) and kept as its first day."""
from __future__ import annotations

import re
from datetime import date, datetime

MONTH_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")


def parse(value) -> date | None:
    """The month a cell or argument names, or None when it names none. A spreadsheet may hand over a date."""
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    match = MONTH_TEXT.match(str(value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def text(month: date) -> str:
    return f"{month.year}-{month.month:02d}"


def previous(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)
