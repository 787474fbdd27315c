"""A complaint's steps and their deadlines, in the bank's working days (core.working_days): received, then
acknowledged (受理) within a day, investigated (调查) within five, resolved (办结) within fifteen of receipt — the
regulator's limit for a bank's answer — and the customer called back (回访) within two of the resolution; an
unhappy customer reopens it, and it runs again from the day of the callback."""
from __future__ import annotations

from datetime import date

from complaints.models import ACKNOWLEDGED, CALLED_BACK, CLOSED, INVESTIGATED, RECEIVED, RESOLVED
from core.working_days import add_working_days

ACKNOWLEDGE_DAYS = 1
INVESTIGATE_DAYS = 5
RESOLVE_DAYS = 15
CALLBACK_DAYS = 2
DUE_SOON_DAYS = 1  # a reminder goes out this many working days before a deadline

# Each step: the statuses it starts from and the status it leads to.
STEPS = {
    "acknowledge": ((RECEIVED,), ACKNOWLEDGED),
    "investigate": ((ACKNOWLEDGED,), INVESTIGATED),
    "resolve": ((INVESTIGATED,), RESOLVED),
    "call_back": ((RESOLVED,), CALLED_BACK),
    "close": ((CALLED_BACK,), CLOSED),
}
EVENT_OF = {"acknowledge": "acknowledged", "investigate": "investigated", "resolve": "resolved",
            "call_back": "called_back", "close": "closed"}
OPEN_STATUSES = (RECEIVED, ACKNOWLEDGED, INVESTIGATED, RESOLVED, CALLED_BACK)


def deadlines_from(received_on: date) -> tuple[date, date]:
    """(the acknowledgement's deadline, the resolution's) of a complaint received on that day."""
    return add_working_days(received_on, ACKNOWLEDGE_DAYS), add_working_days(received_on, RESOLVE_DAYS)


def next_step_due(status: str, start: date, due_on: date) -> date:
    """The deadline of the step that follows `status`, reached on `start`: never later than the resolution's
    own deadline while the complaint is not yet resolved."""
    if status == ACKNOWLEDGED:
        return min(add_working_days(start, INVESTIGATE_DAYS), due_on)
    if status == INVESTIGATED:
        return due_on
    if status == RESOLVED:
        return add_working_days(start, CALLBACK_DAYS)
    return start  # called back: to be closed the same day


def reopened_deadlines(on: date) -> tuple[date, date]:
    """An unhappy callback starts the investigation again: (its deadline, the new resolution deadline)."""
    due_on = add_working_days(on, RESOLVE_DAYS)
    return min(add_working_days(on, INVESTIGATE_DAYS), due_on), due_on


def is_overdue(status: str, step_due_on: date, today: date) -> bool:
    return status in OPEN_STATUSES and today > step_due_on


def is_past_resolution(status: str, due_on: date, today: date) -> bool:
    """Past the 办结 deadline and not yet resolved: what the closure rate's goal is about."""
    return status in (RECEIVED, ACKNOWLEDGED, INVESTIGATED) and today > due_on
