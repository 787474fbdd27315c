"""What the page and the API show for a month, within what the user may see."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import abort
from flask_babel import gettext as _

from core.clock import local_today
from org.models import User
from volumes import figures, months
from volumes.models import ERRORS, TRANSACTIONS
from volumes.policies import outlet_scope


def chosen_month(text: str | None) -> date:
    """The month asked for; else the newest with counts; else last month."""
    if text:
        month = months.parse(text)
        if month is not None:
            return month
    known = figures.months_with_counts()
    return known[0] if known else months.previous(local_today().replace(day=1))


def visible_outlets(user: User, outlet_id: int | None) -> list[int] | None:
    scope = outlet_scope(user)
    if outlet_id is None:
        return scope
    if scope is not None and outlet_id not in scope:
        abort(403, description=_("You may see only your own outlet's tellers."))
    return [outlet_id]


def teller_rows(user: User, month: date, outlet_id: int | None) -> list[figures.TellerFigures]:
    return figures.tellers(month, visible_outlets(user, outlet_id))


def api_rows(rows: list[figures.TellerFigures], month: date) -> list[dict]:
    details = figures.breakdown(month, [row.staff_id for row in rows])
    empty: dict[str, list] = {TRANSACTIONS: [], ERRORS: []}
    return [asdict(row) | {"month": months.text(month),
                           "transactions_by_type": dict(details.get(row.staff_id, empty)[TRANSACTIONS]),
                           "errors_by_kind": dict(details.get(row.staff_id, empty)[ERRORS])} for row in rows]


def outlet_rows(month: date) -> list[dict]:
    return [asdict(row) | {"month": months.text(month)} for row in figures.outlets(month)]
