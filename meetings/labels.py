"""Statuses and quarters as people read them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from satisfaction.labels import period_label

MEETING_STATUS = {"draft": _l("Draft record"), "recorded": _l("Recorded")}
ITEM_STATUS = {"open": _l("Not done"), "done": _l("Done (action item)"), "reopened": _l("Reopened")}
ITEM_FILTERS = {"open": _l("Not done"), "overdue": _l("Overdue (owner)"), "done": _l("Done (action item)")}


def meeting_status(key: str) -> str:
    return str(MEETING_STATUS.get(key, key))


def item_status(key: str) -> str:
    return str(ITEM_STATUS.get(key, key))


def quarter_label(quarter: str) -> str:
    return period_label(quarter)


def helpers() -> dict:
    return {"meeting_status": meeting_status, "item_status": item_status, "quarter_label": quarter_label,
            "item_filters": [(key, str(text)) for key, text in ITEM_FILTERS.items()]}
