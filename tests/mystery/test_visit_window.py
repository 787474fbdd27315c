"""A mystery visit keeps to its window: its draft is started, and its report filed, only on the window's
days in China time (the last day included whole), by the server's clock; a report the bank sent back
is corrected after the window all the same."""
from __future__ import annotations

from datetime import time, timedelta

import pytest

from inspections.models import Assignment, Inspection
from tests.inspections.helpers import count, new_uuid
from tests.mystery.helpers import SHORT_NARRATIVE, local_today, server_clock_at

ZH, EN = {"Accept-Language": "zh-CN"}, {"Accept-Language": "en"}


def _window(desk, shopper, days_from_today: int = 0):
    """A seven-day window that starts `days_from_today` from today."""
    start = local_today() + timedelta(days=days_from_today)
    return desk.assignment(assignee=shopper, start=start, end=start + timedelta(days=6))


def _start(desk, shopper, assignment, language=ZH):
    uuid = new_uuid()
    return uuid, desk.sync.put(uuid, desk.body(assignment), {**desk.bearer(shopper), **language})


@pytest.mark.parametrize(("language", "words"), [(ZH, "尚未开始，暂不能开始暗访"), (EN, "has not opened yet")])
def test_a_visit_is_not_started_before_its_window(desk, shopper, language, words):
    assignment = _window(desk, shopper, days_from_today=2)
    _uuid, refused = _start(desk, shopper, assignment, language)
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["problem"] == "outside_window"  # the same code in every language
    message = refused.get_json()["message"]
    assert words in message and assignment.window_start.isoformat() in message
    assert assignment.window_end.isoformat() in message
    assert count(Inspection) == 0


@pytest.mark.parametrize(("language", "words"), [(ZH, "已经结束，不能再开始暗访"), (EN, "has closed")])
def test_a_visit_is_not_started_after_its_window(desk, shopper, language, words):
    assignment = _window(desk, shopper, days_from_today=-8)
    _uuid, refused = _start(desk, shopper, assignment, language)
    assert refused.status_code == 422 and words in refused.get_json()["message"]
    assert count(Inspection) == 0


@pytest.mark.parametrize(("moment", "day_offset", "opens"), [
    (time(0, 0, 5), 0, True),      # the first day from its first moment in China (16:00 UTC the day before)
    (time(23, 59), 6, True),       # the last day is included whole
    (time(0, 1), 7, False),        # 00:01 in China the next day is after it, though still the last day in UTC
    (time(23, 59), -1, False),     # the evening before, in China (15:59 UTC)
])
def test_the_window_days_are_china_days_the_last_included(desk, shopper, moment, day_offset, opens):
    assignment = _window(desk, shopper, days_from_today=3)
    with server_clock_at(assignment.window_start + timedelta(days=day_offset), moment):
        _uuid, response = _start(desk, shopper, assignment)
    assert response.status_code == (201 if opens else 422), response.get_json()


def test_a_report_is_not_filed_after_its_window(desk, shopper):
    assignment = _window(desk, shopper, days_from_today=-3)  # open today, its last day in three days
    filed = desk.file(shopper, assignment, submit=False)
    with server_clock_at(assignment.window_end + timedelta(days=1), time(0, 5)):
        refused = desk.sync.submit(filed.uuid, {**desk.bearer(shopper), **ZH})
        english = desk.sync.submit(filed.uuid, {**desk.bearer(shopper), **EN})
    assert refused.status_code == 422
    assert refused.get_json()["message"] == (f"本次暗访的时间窗口为 {assignment.window_start} 至 "
                                             f"{assignment.window_end}，已经结束，报告不能再提交。")
    assert english.status_code == 422 and "can no longer be submitted" in english.get_json()["message"]
    assert refused.get_json()["problem"] == english.get_json()["problem"] == "outside_window"
    desk.db.session.expire_all()
    assert count(Inspection, Inspection.status == "draft") == 1
    assert desk.db.session.get(Assignment, assignment.id).status == "open"
    # On the last day, late in the evening in China, it is filed.
    with server_clock_at(assignment.window_end, time(23, 58)):
        assert desk.sync.submit(filed.uuid, desk.bearer(shopper)).status_code == 200


def test_a_report_sent_back_is_corrected_after_the_window(desk, shopper):
    assignment = _window(desk, shopper, days_from_today=-6)  # today is its last day
    filed = desk.file(shopper, assignment)
    with server_clock_at(assignment.window_end + timedelta(days=3)):
        assert desk.review(filed.uuid, "revise", "请补充等候时间").status_code == 200
        corrected = desk.body(assignment, narrative=SHORT_NARRATIVE + "已补充。")
        assert desk.sync.put(filed.uuid, corrected, desk.bearer(shopper)).status_code == 200
        resubmitted = desk.sync.submit(filed.uuid, desk.bearer(shopper))
    assert resubmitted.status_code == 200, resubmitted.get_json()
    assert desk.report(filed.uuid)["status"] == "submitted"


def test_a_draft_started_in_the_window_is_still_saved_after_it(desk, shopper):
    # Saving is no state the bank judges: what the phone holds still reaches the server (the submit is refused).
    assignment = _window(desk, shopper, days_from_today=-6)
    filed = desk.file(shopper, assignment, submit=False)
    with server_clock_at(assignment.window_end + timedelta(days=1)):
        saved = desk.sync.put(filed.uuid, desk.body(assignment, narrative="补记的暗访经过。"), desk.bearer(shopper))
    assert saved.status_code == 200
