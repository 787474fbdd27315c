"""The demo: the meetings on the two quarters before the current one, each held in the quarter after, with
action items done, open and overdue, and the earlier meeting's open items carried over; written once."""
from __future__ import annotations

from sqlalchemy import func, select

from core.clock import local_today
from meetings import quarters, record
from meetings.models import DONE, ActionItem, Meeting
from meetings.seed import seed_meetings
from org.seed import seed_organisation


def test_two_meetings_with_done_open_overdue_and_carried_items(db):
    seed_organisation("demo-password")
    today = local_today()
    last = quarters.before(quarters.of_day(today))
    earlier_quarter = quarters.before(last)
    assert seed_meetings("demo-password") == (f"2 service-quality meetings ({earlier_quarter}, {last}) "
                                              "with their action items")
    assert seed_meetings("demo-password") is None
    assert db.session.execute(select(func.count()).select_from(Meeting)).scalar_one() == 2
    earlier, later = record.for_quarter(earlier_quarter), record.for_quarter(last)
    for meeting, quarter in ((earlier, earlier_quarter), (later, last)):
        assert meeting.status == "recorded" and "客户满意度" in meeting.points and "客户投诉" in meeting.points
        assert quarters.first_day(quarters.after(quarter)) <= meeting.held_on < today
    assert "神秘人" in earlier.points and "7S" in earlier.points and "红黑榜" in later.points
    every = db.session.execute(select(ActionItem)).scalars().all()
    done = [i for i in every if i.status == DONE]
    assert done and all(i.closing_note and i.closed_at and i.closed_by_id for i in done)
    assert all(i.closed_at.date() <= today for i in done)
    assert any(i.overdue_on(today) for i in every) and any(not i.done and not i.overdue_on(today) for i in every)
    carried = record.open_items_before(last)
    assert carried and {i.meeting_id for i in carried} == {earlier.id}
    assert any(i.overdue_on(today) for i in carried)
    assert any(i.owner_user_id for i in every) and any(i.owner_outlet_id for i in every)
    assert all(i.deadline >= i.meeting.held_on for i in every)
