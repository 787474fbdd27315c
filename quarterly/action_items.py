"""上次会议督办事项落实情况: what became of the action items of the meeting before, and of the earlier
meetings' items still not done, as the meetings package records them (meetings.record), on the day the pack
is made."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.clock import local_today
from meetings import record
from meetings.labels import item_status, quarter_label
from meetings.models import ActionItem
from reports.periods import Period


@dataclass(frozen=True)
class ItemLine:
    meeting: str  # the quarter the meeting reviewed, as read
    text: str
    owner: str
    deadline: date
    done: bool
    overdue: bool
    status: str
    note: str  # what the owner wrote on closing it, or why the admin reopened it


@dataclass(frozen=True)
class ActionItemSection:
    previous_meeting: str  # the quarter the meeting before reviewed, as read
    previous_held_on: date | None  # None: no meeting recorded for it
    previous_items: list[ItemLine]
    carried_over: list[ItemLine]  # items of still earlier meetings, not done

    @property
    def done(self) -> int:
        return sum(line.done for line in self.previous_items)

    @property
    def completion_rate(self) -> float | None:
        items = self.previous_items
        return round(self.done / len(items) * 100, 1) if items else None

    @property
    def overdue(self) -> int:
        return sum(line.overdue for line in (*self.previous_items, *self.carried_over))


def survey_quarter(quarter: Period) -> str:
    return f"{quarter.year}-Q{quarter.number}"


def _owner(item: ActionItem) -> str:
    names = []
    if item.owner_user is not None:
        names.append(item.owner_user.display_name or item.owner_user.username)
    if item.owner_outlet is not None:
        names.append(item.owner_outlet.name)
    return " · ".join(names)


def _line(item: ActionItem, today: date) -> ItemLine:
    note = (item.closing_note if item.done else item.reopen_reason) or ""
    return ItemLine(quarter_label(item.meeting.quarter), item.text, _owner(item), item.deadline, item.done,
                    item.overdue_on(today), item_status(item.status), note)


def section(quarter: Period, today: date | None = None) -> ActionItemSection:
    """For the meeting on `quarter`: the meeting on the quarter before, and the meetings before that one."""
    today = today or local_today()
    previous = survey_quarter(quarter.previous())
    meeting = record.for_quarter(previous)
    items = record.items_of(meeting) if meeting is not None else []
    return ActionItemSection(quarter_label(previous), meeting.held_on if meeting is not None else None,
                             [_line(item, today) for item in items],
                             [_line(item, today) for item in record.open_items_before(previous)])
