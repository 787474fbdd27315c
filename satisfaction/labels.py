"""Segments and periods as people name them: the labels shown, and the words a survey sheet may use."""
from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from satisfaction.models import SEGMENTS

SEGMENT_LABELS = {"corporate": _l("Corporate clients"), "high_end_personal": _l("High-end personal clients"),
                  "lobby": _l("Lobby")}
# Survey sheets are filled in Chinese: the plan's words and the keys are both accepted.
SEGMENT_ALIASES = {"对公客户": "corporate", "对公": "corporate", "高端个人客户": "high_end_personal",
                   "高端客户": "high_end_personal", "厅堂": "lobby", "大堂": "lobby", "厅堂服务": "lobby",
                   **{key: key for key in SEGMENTS}}
QUARTER = re.compile(r"^(\d{4})\s*-?\s*[Qq]([1-4])$")
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def segment_label(key: str) -> str:
    return str(SEGMENT_LABELS[key]) if key in SEGMENT_LABELS else key


def segment_names() -> str:
    return "对公客户、高端个人客户、厅堂 / " + ", ".join(SEGMENTS)


def parse_period(value) -> str | None:
    """2026-Q3 (also 2026Q3) or 2026-09 (also a date cell); None when it is neither."""
    if isinstance(value, (date, datetime)):
        return f"{value.year}-{value.month:02d}"
    text = str(value or "").strip()
    if match := QUARTER.match(text):
        return f"{match[1]}-Q{match[2]}"
    if (match := MONTH.match(text)) and 1 <= int(match[2]) <= 12:
        return f"{match[1]}-{int(match[2]):02d}"
    return None


def period_order(period: str) -> tuple[int, int, int]:
    """Periods in time order: a quarter after the last month it covers."""
    year, part = period.split("-")
    if part.startswith("Q"):
        return int(year), int(part[1]) * 3, 1
    return int(year), int(part), 0


def period_label(period: str) -> str:
    year, part = period.split("-")
    if part.startswith("Q"):
        return _("%(year)d Q%(quarter)d", year=int(year), quarter=int(part[1]))
    return _("%(year)d-%(month)02d", year=int(year), month=int(part))
