"""上次会议督办事项落实情况 in the pack: the meeting before's action items and what became of them, then the
earlier meetings' items still not done, from the meeting record."""
from __future__ import annotations

from datetime import date

import pytest

from meetings.models import DONE, OPEN, RECORDED, REOPENED, ActionItem, Meeting
from quarterly import action_items, pack
from reports.periods import quarter_period
from tests.quarterly.conftest import pdf_text

Q3 = quarter_period(2026, 3)


@pytest.fixture
def meetings(pack_bank, users, db):
    """The meeting on Q1 (held 2026-04-14): one item done, one still open. The meeting on Q2 (held 2026-07-10):
    one done with its note, one open past its deadline, one reopened with the reason."""
    a, b = pack_bank.org.outlet_a, pack_bank.org.outlet_b
    users["viewer"].display_name = "周行长"
    q1 = Meeting(quarter="2026-Q1", held_on=date(2026, 4, 14), status=RECORDED)
    q2 = Meeting(quarter="2026-Q2", held_on=date(2026, 7, 10), status=RECORDED)
    db.session.add_all([q1, q2])
    db.session.flush()
    db.session.add_all([
        ActionItem(meeting_id=q1.id, text="全辖开展厅堂服务礼仪培训", owner_outlet_id=a.id, deadline=date(2026, 5, 31),
                   status=DONE, closing_note="已完成"),
        ActionItem(meeting_id=q1.id, text="黄埭支行更换叫号机", owner_outlet_id=b.id, deadline=date(2026, 6, 30),
                   status=OPEN),
        ActionItem(meeting_id=q2.id, text="营业部设立对公VIP服务区", owner_outlet_id=a.id, deadline=date(2026, 8, 31),
                   status=DONE, closing_note="服务区已于8月启用"),
        ActionItem(meeting_id=q2.id, text="理财经理客户联系率纳入考核", owner_user_id=users["viewer"].id,
                   deadline=date(2026, 9, 30), status=OPEN),
        ActionItem(meeting_id=q2.id, text="元和支行7S问题逐项整改", owner_outlet_id=a.id, owner_user_id=users["viewer"].id,
                   deadline=date(2099, 12, 31), status=REOPENED, reopen_reason="整改照片不全"),
    ])
    db.session.commit()
    return pack_bank


def test_the_last_meetings_items_and_those_carried_over(meetings):
    section = action_items.section(Q3, today=date(2026, 10, 15))
    assert (section.previous_held_on, section.done, section.completion_rate, section.overdue) == (
        date(2026, 7, 10), 1, 33.3, 2)
    assert [(line.text, line.done, line.overdue, line.note) for line in section.previous_items] == [
        ("营业部设立对公VIP服务区", True, False, "服务区已于8月启用"),
        ("理财经理客户联系率纳入考核", False, True, ""),
        ("元和支行7S问题逐项整改", False, False, "整改照片不全")]
    assert [(line.meeting, line.text, line.owner) for line in section.carried_over] == [
        ("2026年第1季度", "黄埭支行更换叫号机", "黄埭支行")]


def test_the_pack_reports_them(meetings, app, tmp_path):
    with app.test_request_context():
        text = pdf_text(pack.pdf(Q3), tmp_path)
    for expected in ("九、上次会议督办事项落实情况",
                     "2026-07-10召开的2026年第2季度服务质量分析会共布置督办事项3项：已办结1项（33.3%），未办结2项。",
                     "营业部设立对公VIP服务区元和支行2026-08-31已办结服务区已于8月启用",
                     "理财经理客户联系率纳入考核周行长2026-09-30", "元和支行7S问题逐项整改周行长·元和支行2099-12-31",
                     "重新督办", "整改照片不全", "以往会议尚未办结的督办事项",
                     "2026年第1季度黄埭支行更换叫号机黄埭支行2026-06-30", "十、说明"):
        assert expected in text, expected
    section = text[text.index("九、"):text.index("十、说明")]
    assert section.count("责任人逾期") == 2  # the last meeting's item past its deadline, and the one carried over
    assert "全辖开展厅堂服务礼仪培训" not in text  # done at an earlier meeting: not carried over


def test_without_a_meeting_on_the_quarter_before(pack_bank, app, tmp_path):
    with app.test_request_context():
        text = pdf_text(pack.pdf(Q3), tmp_path)
    assert "九、上次会议督办事项落实情况2026年第2季度无会议记录。" in text
    assert "无：以往会议的督办事项均已办结。" in text
