"""A meeting's record and its action items: recorded once held and written, one meeting a quarter; an
item closed with a note, reopened with a reason, overdue when not done past its deadline, carried over
to the later meetings until done; every change audited, nothing written by a refusal."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import local_today
from core.errors import Conflict, OperationError
from meetings import items, lists, operations, quarters, record
from meetings.models import DONE, OPEN, RECORDED, REOPENED
from tests.meetings.helpers import item_of, last_quarter, meeting_on
from tests.support import row_counts


@pytest.fixture
def admin(users):
    return users["admin"]


def _actions(db) -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).where(AuditEntry.action.like("%meeting%") |
                                                                   AuditEntry.action.like("action_item.%"))
                                   .order_by(AuditEntry.id)).scalars())


def test_a_meeting_is_recorded_with_who_and_when(db, admin):
    meeting = meeting_on(admin)
    db.session.commit()
    assert meeting.status == RECORDED and meeting.recorded_by_id == admin.id and meeting.recorded_at is not None
    assert meeting.attendee_names == ["支行行长", "分管副行长", "各网点负责人"]
    assert record.for_quarter(last_quarter()) == meeting and record.for_quarter("2001-Q1") is None
    assert _actions(db) == ["meeting.create"]


def test_a_draft_is_recorded_later_and_stays_recorded(db, admin):
    meeting = meeting_on(admin, recorded=False, decisions="")
    assert meeting.status == "draft" and meeting.recorded_at is None
    data = {"quarter": meeting.quarter, "held_on": meeting.held_on, "place": "会议室", "chair": "行长",
            "attendees": ["行长"], "points": "点评", "decisions": "决定", "recorded": True}
    operations.save_meeting(meeting, data, admin)
    assert meeting.status == RECORDED and meeting.recorded_by_id == admin.id
    operations.save_meeting(meeting, {**data, "decisions": "更正后的决定", "recorded": False}, admin)
    assert meeting.status == RECORDED and meeting.decisions == "更正后的决定"
    db.session.commit()
    assert _actions(db) == ["meeting.create", "meeting.record", "meeting.update"]


@pytest.mark.parametrize(("change", "field"), [
    ({"decisions": ""}, "decisions"),
    ({"attendees": []}, "attendees"),
    ({"held_on": "future"}, "held_on"),
    ({"held_on": "before"}, "held_on"),
])
def test_a_record_missing_what_it_needs_is_refused_and_nothing_written(db, admin, change, field):
    quarter = last_quarter()
    if change.get("held_on") == "future":
        change = {"held_on": local_today() + timedelta(days=1)}
    elif change.get("held_on") == "before":
        change = {"held_on": quarters.first_day(quarter) - timedelta(days=1)}
    before = row_counts()
    with pytest.raises(OperationError) as refused:
        meeting_on(admin, **change)
    db.session.rollback()
    assert refused.value.status == 422 and field in refused.value.errors
    assert row_counts() == before


def test_one_meeting_a_quarter(db, admin):
    meeting_on(admin)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        meeting_on(admin)
    assert refused.value.problem == "already_used"


def test_close_needs_a_note_then_reopen_needs_a_reason(db, admin, users):
    meeting = meeting_on(admin)
    item = item_of(meeting, admin, user=users["outlet_manager"])
    db.session.commit()
    with pytest.raises(OperationError) as refused:
        items.close_item(item.id, "   ", users["outlet_manager"])
    assert refused.value.problem == "note_required" and refused.value.status == 422
    db.session.rollback()
    assert item.status == OPEN
    items.close_item(item.id, "已建立二级台账并每周报送", users["outlet_manager"])
    assert (item.status, item.closing_note, item.closed_by_id) == (DONE, "已建立二级台账并每周报送",
                                                                  users["outlet_manager"].id)
    with pytest.raises(Conflict) as twice:
        items.close_item(item.id, "再次办结", admin)
    assert twice.value.problem == "already_done"
    with pytest.raises(OperationError) as no_reason:
        items.reopen_item(item.id, "", admin)
    assert no_reason.value.problem == "reason_required"
    items.reopen_item(item.id, "台账仍有漏登", admin)
    assert (item.status, item.reopen_reason, item.closed_at) == (REOPENED, "台账仍有漏登", None)
    with pytest.raises(Conflict) as not_done:
        items.reopen_item(item.id, "再次退回", admin)
    assert not_done.value.problem == "wrong_status"
    items.close_item(item.id, "漏登已补录", admin)
    assert item.status == DONE
    db.session.commit()
    assert _actions(db) == ["meeting.create", "action_item.add", "action_item.close", "action_item.reopen",
                            "action_item.close"]


def test_overdue_is_the_owners_when_not_done_past_the_deadline(db, admin, org):
    meeting = meeting_on(admin)
    days_late = (local_today() - meeting.held_on).days - 1  # yesterday
    late = item_of(meeting, admin, outlet=org.outlet_a, days=days_late)
    due_today = item_of(meeting, admin, outlet=org.outlet_a, days=days_late + 1)
    done_late = item_of(meeting, admin, outlet=org.outlet_b, days=days_late)
    items.close_item(done_late.id, "已办理", admin)
    db.session.commit()
    today = local_today()
    assert late.overdue_on(today) and not due_today.overdue_on(today) and not done_late.overdue_on(today)
    assert late.overdue_on(today + timedelta(days=10)) and due_today.overdue_on(today + timedelta(days=1))
    overdue = db.session.execute(lists.items(admin, {"status": "overdue"})).scalars().all()
    assert overdue == [late]


def test_open_items_are_carried_over_to_the_later_meetings_until_done(db, admin, org):
    earlier_quarter = quarters.before(last_quarter())
    earlier = meeting_on(admin, quarter=earlier_quarter,
                         held_on=quarters.first_day(last_quarter()) + timedelta(days=5))
    kept_open = item_of(earlier, admin, outlet=org.outlet_a, days=200)
    done = item_of(earlier, admin, outlet=org.outlet_b)
    reopened = item_of(earlier, admin, outlet=org.outlet_b, days=10)
    items.close_item(done.id, "已办理", admin)
    items.close_item(reopened.id, "已办理", admin)
    items.reopen_item(reopened.id, "未见成效", admin)
    later = meeting_on(admin)
    own = item_of(later, admin, outlet=org.outlet_a)
    db.session.commit()
    assert record.open_items_before(later.quarter) == [reopened, kept_open]  # the nearest deadline first
    assert record.open_items_before(earlier.quarter) == []
    assert record.items_of(later) == [own] and record.items_of(earlier) == [kept_open, done, reopened]


@pytest.mark.parametrize(("owner", "field"), [("none", "owner"), ("inspector", "owner_user_id"),
                                              ("no_outlet", "owner_outlet_id")])
def test_an_item_needs_an_owner_who_can_close_it(db, admin, users, owner, field):
    meeting = meeting_on(admin)
    db.session.commit()
    data = {"text": "整改", "deadline": meeting.held_on + timedelta(days=5), "owner_user_id": None,
            "owner_outlet_id": None}
    if owner == "inspector":
        data["owner_user_id"] = users["inspector"].id
    elif owner == "no_outlet":
        data["owner_outlet_id"] = 987654
    before = row_counts()
    with pytest.raises(OperationError) as refused:
        items.add_item(meeting.id, data, admin)
    db.session.rollback()
    assert refused.value.status == 422 and field in refused.value.errors
    assert row_counts() == before


def test_a_deadline_before_the_meeting_is_refused(db, admin, org):
    meeting = meeting_on(admin)
    db.session.commit()
    with pytest.raises(OperationError) as refused:
        items.add_item(meeting.id, {"text": "整改", "owner_outlet_id": org.outlet_a.id,
                                    "deadline": meeting.held_on - timedelta(days=1)}, admin)
    assert "deadline" in refused.value.errors
