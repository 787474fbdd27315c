"""A recorded meeting on the last quarter with action items, made through the operations as the admin."""
from __future__ import annotations

from datetime import date, timedelta

from core.clock import local_today
from meetings import items, operations, quarters
from meetings.models import ActionItem, Meeting

RECORD = {"place": "支行三楼会议室", "chair": "支行行长", "attendees": ["支行行长", "分管副行长", "各网点负责人"],
          "points": "客户满意度、客户投诉、服务差错点评", "decisions": "营业部设立对公VIP服务区"}


def last_quarter() -> str:
    return quarters.before(quarters.of_day(local_today()))


def meeting_on(admin, quarter: str | None = None, held_on: date | None = None, recorded: bool = True,
               **fields) -> Meeting:
    quarter = quarter or last_quarter()
    held_on = held_on or min(quarters.first_day(quarters.after(quarter)) + timedelta(days=9),
                             local_today() - timedelta(days=1))
    return operations.save_meeting(None, {"quarter": quarter, "held_on": held_on, **RECORD, "recorded": recorded,
                                          **fields}, admin)


def item_of(meeting: Meeting, admin, *, user=None, outlet=None, days: int = 30, text: str = "完善投诉台账（二级）"
            ) -> ActionItem:
    return items.add_item(meeting.id, {"text": text, "owner_user_id": user.id if user else None,
                                       "owner_outlet_id": outlet.id if outlet else None,
                                       "deadline": meeting.held_on + timedelta(days=days)}, admin)
