"""What the ledger's pages show: every channel, category, severity, status, level, step and event by its name in
the reader's language (complaints.labels), never its key; the deadlines as working days left or days overdue; and
a complaint as a row of the ledger, with the customer as this reader may see them (complaints.masking)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from complaints import labels, lifecycle, masking
from complaints.models import CATEGORIES, CHANNELS, LEVELS, SEVERITIES, STATUSES, Complaint
from core.working_days import working_days_between

NAMES = {"channel": labels.CHANNELS, "category": labels.CATEGORIES, "severity": labels.SEVERITIES,
         "status": labels.STATUSES, "level": labels.LEVELS, "event": labels.EVENTS, "step": labels.STEPS}
KEYS = {"channel": CHANNELS, "category": CATEGORIES, "severity": SEVERITIES, "status": STATUSES, "level": LEVELS,
        "event": tuple(labels.EVENTS), "step": tuple(lifecycle.STEPS)}


def label(kind: str, key: str | None) -> str:
    """The reader's word for a key of that kind ("channel", "category", "severity", "status", "level", "event",
    "step"); a key the ledger does not know is shown as it is rather than hidden."""
    return labels.label(NAMES[kind], key)


def options(kind: str) -> list[tuple[str, str]]:
    """(key, word) of every value of that kind, in the ledger's order, for a select."""
    return [(key, label(kind, key)) for key in KEYS[kind]]


def next_step(status: str) -> str | None:
    """The step that follows this status, if the complaint is still open."""
    return next((step for step, (starts, _) in lifecycle.STEPS.items() if status in starts), None)


@dataclass
class Deadline:
    """A deadline as the reader sees it: the day, the working days left until it, or the days it is past."""

    day: date
    days_left: int
    days_over: int
    overdue: bool  # past, and still to be met


def deadline(day: date, today: date, running: bool) -> Deadline:
    return Deadline(day, working_days_between(today, day), max(0, (today - day).days), running and today > day)


@dataclass
class Row:
    """A complaint as the ledger shows it to one reader."""

    complaint: Complaint
    customer_name: str
    customer_phone: str
    sees_customer: bool
    labels: dict[str, str]
    step_deadline: Deadline
    resolution_deadline: Deadline

    @property
    def overdue(self) -> bool:
        return self.step_deadline.overdue


def row(complaint: Complaint, reader, today: date) -> Row:
    name, phone = masking.customer_of(reader, complaint)
    return Row(complaint, name, phone, masking.sees_customer(reader, complaint), labels.labels_of(complaint),
               deadline(complaint.step_due_on, today, complaint.status in lifecycle.OPEN_STATUSES),
               deadline(complaint.due_on, today, lifecycle.is_past_resolution(complaint.status, complaint.due_on,
                                                                              today)))
