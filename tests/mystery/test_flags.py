"""Validation flags on mystery visit reports: one test per flag with crafted input (the photos'
EXIF capture time, offset and GPS are written by the test), each asserting the flag's code and the
evidence shown to the reviewer; and an honest report that raises none."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from PIL import Image

from core.extensions import db
from inspections.evidence import derive, hash_distance
from inspections.models import Inspection, Photo
from mystery.models import MysteryVisit
from tests.inspections.helpers import rows
from tests.mystery.helpers import (
    AT_OUTLET,
    FAR_AWAY,
    LOCAL,
    OUTLET,
    codes,
    encode,
    local_today,
    parse_time,
    photo,
    picture,
    server_clock_at,
    utc_now,
)
from tests.rectification.helpers import browser

NARRATIVE = "到达网点后大堂经理没有上前问候，等候约二十分钟才被叫号，柜员全程未起身，办理完毕也没有提醒带好证件。"
UNRELATED = "The lobby was quiet; a wealth manager explained two products and their risks with printed brochures."


def visit(minutes_ago_start: int = 50, minutes_ago_end: int = 15):
    now = utc_now()
    return now - timedelta(minutes=minutes_ago_start), now - timedelta(minutes=minutes_ago_end)


def test_a_clean_report_raises_no_flag(desk, shopper, colleague):
    # An earlier honest report by a colleague is on file, so the reuse and copy checks have
    # something to compare with.
    earlier_start, earlier_end = visit(300, 260)
    earlier = desk.file(colleague, desk.assignment(assignee=colleague), started_at=earlier_start,
                        finished_at=earlier_end, narrative=UNRELATED,
                        photos=[photo(101, taken=earlier_start + timedelta(minutes=5), gps=AT_OUTLET)])
    assert desk.flags(earlier.uuid) == []

    started, finished = visit()
    taken = [started + timedelta(minutes=5), finished - timedelta(minutes=5)]
    filed = desk.file(shopper, desk.assignment(assignee=shopper), started_at=started, finished_at=finished,
                      location=AT_OUTLET, narrative=NARRATIVE,
                      photos=[photo(102, taken=taken[0], gps=AT_OUTLET), photo(103, taken=taken[1], gps=AT_OUTLET)])

    assert desk.flags(filed.uuid) == []
    # Not clean by accident: the evidence the checks read was there.
    [inspection] = rows(Inspection, uuid=filed.uuid)
    assert inspection.status == "submitted" and db.session.get(MysteryVisit, inspection.id).flags == []
    assert (inspection.latitude, inspection.longitude) == AT_OUTLET
    photos = {p.uuid: p for p in rows(Photo, inspection_id=inspection.id)}
    assert [photos[u].captured_at for u in filed.photos] == taken
    assert all(photos[u].latitude == pytest.approx(AT_OUTLET[0], abs=1e-5) for u in filed.photos)
    assert all(photos[u].longitude == pytest.approx(AT_OUTLET[1], abs=1e-5) for u in filed.photos)


def test_outside_window(desk, shopper):
    # Filed in the window by the server's clock, for a visit the phone says it made today, days after it.
    today = local_today()
    assignment = desk.assignment(assignee=shopper, start=today - timedelta(days=10), end=today - timedelta(days=4))
    started, finished = visit()
    with server_clock_at(today - timedelta(days=5)):
        filed = desk.file(shopper, assignment, started_at=started, finished_at=finished, narrative=NARRATIVE)

    flags = desk.flags(filed.uuid)
    assert codes(flags) == ["outside_window", "outside_window"]  # the arrival and the departure
    arrival, departure = flags
    window = [assignment.window_start.isoformat(), assignment.window_end.isoformat()]
    assert arrival["evidence"]["window"] == departure["evidence"]["window"] == window
    assert parse_time(arrival["evidence"]["moment"]) == started
    assert parse_time(departure["evidence"]["moment"]) == finished
    assert (arrival["evidence"]["moment_of"], departure["evidence"]["moment_of"]) == ("arrival", "departure")
    # Told when shown, in the reader's language (Chinese here), from the code and its evidence.
    assert arrival["message"].startswith("到达时间") and window[0] in arrival["message"]
    assert departure["message"].startswith("离开时间") and arrival["title"] == "不在暗访时段内"


@pytest.mark.parametrize(("arrival", "flagged"), [
    (time(23, 0), False),   # 23:00 China time on the window's last day: inside (15:00 UTC)
    (time(0, 10), True),    # 00:10 China time the next day: outside, though still the same day in UTC
])
def test_the_window_is_judged_in_china_time(desk, shopper, arrival, flagged):
    last_day = local_today() - timedelta(days=3)
    assignment = desk.assignment(assignee=shopper, start=last_day - timedelta(days=6), end=last_day)
    day = last_day + timedelta(days=1) if flagged else last_day
    started = datetime.combine(day, arrival, LOCAL)
    with server_clock_at(last_day, time(23, 50)):  # filed in the window; the phone's times are judged
        filed = desk.file(shopper, assignment, started_at=started, finished_at=started + timedelta(minutes=40),
                          narrative=NARRATIVE)
    window_flags = [f for f in desk.flags(filed.uuid) if f["code"] == "outside_window"]
    assert len(window_flags) == (2 if flagged else 0)
    assert (started.astimezone(LOCAL).date() == last_day) is not flagged


def test_far_from_outlet(desk, shopper):
    started, finished = visit()
    filed = desk.file(shopper, desk.assignment(assignee=shopper), started_at=started, finished_at=finished,
                      location=FAR_AWAY, narrative=NARRATIVE)

    [flag] = desk.flags(filed.uuid)
    assert flag["code"] == "far_from_outlet"
    assert flag["evidence"]["source"] == "phone"
    assert flag["evidence"]["limit"] == 500
    assert 1990 <= flag["evidence"]["metres"] <= 2010
    assert f"{flag['evidence']['metres']} 米" in flag["message"]


def test_photo_far_from_outlet(app, desk, shopper, users):
    started, finished = visit()
    far = photo(201, taken=started + timedelta(minutes=10), gps=FAR_AWAY)
    near = photo(202, taken=started + timedelta(minutes=12), gps=AT_OUTLET)
    filed = desk.file(shopper, desk.assignment(assignee=shopper), started_at=started, finished_at=finished,
                      location=AT_OUTLET, narrative=NARRATIVE, photos=[far, near])

    [flag] = desk.flags(filed.uuid)
    assert flag["code"] == "photo_far_from_outlet"
    assert flag["evidence"]["photo"] == filed.photos[0]
    assert flag["evidence"]["limit"] == 500
    assert 1990 <= flag["evidence"]["metres"] <= 2010
    [stored] = rows(Photo, uuid=filed.photos[0])
    assert stored.latitude == pytest.approx(FAR_AWAY[0], abs=1e-5)
    assert stored.longitude == pytest.approx(OUTLET[1], abs=1e-5)

    # The reviewer sees the flag with the photo it is about.
    page = browser(app, users["admin"]).get(f"/admin/mystery/{filed.uuid}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "照片拍摄地远离网点" in html and f"距网点 {flag['evidence']['metres']} 米" in html
    assert "photo_far_from_outlet" not in html  # the flag is named by its label, not its code
    assert f"/photos/{filed.photos[0]}?variant=thumb" in html


@pytest.mark.parametrize("offset", ["+08:00", "-05:00"])
def test_photo_time_outside_visit(desk, shopper, offset):
    started, finished = visit(60, 20)
    early = started - timedelta(hours=2)
    within_slack = started - timedelta(minutes=20)  # the clocks may differ by up to 30 minutes
    filed = desk.file(shopper, desk.assignment(assignee=shopper), started_at=started, finished_at=finished,
                      narrative=NARRATIVE, photos=[photo(301, taken=early, gps=AT_OUTLET, offset=offset),
                                                   photo(302, taken=within_slack, gps=AT_OUTLET, offset=offset)])

    [flag] = desk.flags(filed.uuid)
    assert flag["code"] == "photo_time_outside_visit"
    assert flag["evidence"]["photo"] == filed.photos[0]
    # The EXIF time was read with its offset: the very instant two hours before the arrival.
    assert parse_time(flag["evidence"]["captured_at"]) == early
    assert [parse_time(t) for t in flag["evidence"]["visit"]] == [started, finished]


def test_reused_photo_same_bytes_and_near_identical(desk, shopper, colleague):
    original = picture(401)
    first_bytes = encode(original, quality=90)
    first = desk.file(colleague, desk.assignment(assignee=colleague), started_at=visit()[0], finished_at=visit()[1],
                      narrative=UNRELATED, photos=[first_bytes])
    assert desk.flags(first.uuid) == []

    # 1. The very same bytes in another report.
    same = desk.file(shopper, desk.assignment(assignee=shopper), started_at=visit()[0], finished_at=visit()[1],
                     narrative=NARRATIVE, photos=[first_bytes])
    [flag] = desk.flags(same.uuid)
    assert flag["code"] == "reused_photo" and flag["evidence"]["identical"] is True and "完全相同" in flag["message"]
    assert flag["evidence"] == {"photo": same.photos[0], "other_photo": first.photos[0],
                                "other_inspection": first.uuid, "identical": True}

    # 2. The same picture re-saved at another JPEG quality and slightly smaller: other bytes, same picture.
    resaved = encode(original.resize((446, 335), Image.Resampling.LANCZOS), quality=55)
    assert resaved != first_bytes
    assert hash_distance(derive(resaved).dhash, derive(first_bytes).dhash) <= 6
    near = desk.file(shopper, desk.assignment(assignee=shopper), started_at=visit()[0], finished_at=visit()[1],
                     narrative="Third visit, written afresh: the ticket machine worked and the wait was short.",
                     photos=[resaved])
    [flag] = desk.flags(near.uuid)
    assert flag["code"] == "reused_photo" and flag["evidence"]["identical"] is False and "几乎相同" in flag["message"]
    assert flag["evidence"]["photo"] == near.photos[0]
    assert flag["evidence"]["other_inspection"] in (first.uuid, same.uuid)

    # 3. A different picture is not flagged.
    other = encode(picture(402), quality=90)
    assert hash_distance(derive(other).dhash, derive(first_bytes).dhash) > 6
    fresh = desk.file(shopper, desk.assignment(assignee=shopper), started_at=visit()[0], finished_at=visit()[1],
                      narrative="A fourth, different visit: the lobby manager greeted me at the door at once.",
                      photos=[other])
    assert desk.flags(fresh.uuid) == []


@pytest.mark.parametrize(("hours_ago", "flagged"), [(72, True), (47, False)])
def test_filed_late(desk, shopper, hours_ago, flagged):
    finished = utc_now() - timedelta(hours=hours_ago)
    started = finished - timedelta(minutes=40)
    today = local_today()
    assignment = desk.assignment(assignee=shopper, start=today - timedelta(days=5), end=today)
    filed = desk.file(shopper, assignment, started_at=started, finished_at=finished, narrative=NARRATIVE)

    flags = desk.flags(filed.uuid)
    if not flagged:
        assert flags == []
        return
    [flag] = flags
    assert flag["code"] == "filed_late"
    assert flag["evidence"]["limit"] == 48
    assert flag["evidence"]["hours"] == pytest.approx(72, abs=0.2)
    assert "72.0 小时" in flag["message"]

    # Sent back for a revision and resubmitted: still as late as its first filing.
    assert desk.review(filed.uuid, "revise", "请补充叙述").status_code == 200
    body = desk.body(assignment, started_at=started, finished_at=finished, narrative=NARRATIVE + "（已补充）")
    assert desk.sync.put(filed.uuid, body, desk.bearer(shopper)).status_code == 200
    assert desk.sync.submit(filed.uuid, desk.bearer(shopper)).status_code == 200
    [again] = desk.flags(filed.uuid)
    assert again["code"] == "filed_late" and again["evidence"]["hours"] == pytest.approx(72, abs=0.2)


def test_copied_text(desk, shopper, colleague):
    first = desk.file(colleague, desk.assignment(assignee=colleague), started_at=visit()[0], finished_at=visit()[1],
                      narrative=NARRATIVE)
    assert desk.flags(first.uuid) == []

    copied = NARRATIVE.replace("二十", "三十", 1)  # one character changed
    assert len(copied) == len(NARRATIVE) and sum(a != b for a, b in zip(copied, NARRATIVE)) == 1
    lifted = desk.file(shopper, desk.assignment(assignee=shopper), started_at=visit()[0], finished_at=visit()[1],
                       narrative=copied)
    [flag] = desk.flags(lifted.uuid)
    assert flag["code"] == "copied_text"
    assert flag["evidence"]["field"] == "narrative"
    assert flag["evidence"]["other_inspection"] == first.uuid
    assert 0.85 <= flag["evidence"]["similarity"] < 1

    unrelated = desk.file(shopper, desk.assignment(assignee=shopper), started_at=visit()[0], finished_at=visit()[1],
                          narrative=UNRELATED)
    assert desk.flags(unrelated.uuid) == []


def test_copied_text_in_a_note(desk, shopper, colleague):
    first = desk.file(colleague, desk.assignment(assignee=colleague), started_at=visit()[0], finished_at=visit()[1],
                      mys_env_clean={"value": "pass", "note": NARRATIVE})
    assert desk.flags(first.uuid) == []
    lifted = desk.file(shopper, desk.assignment(assignee=shopper), started_at=visit()[0], finished_at=visit()[1],
                       mys_env_clean={"value": "pass", "note": NARRATIVE.replace("二十", "三十", 1)})
    [flag] = desk.flags(lifted.uuid)
    assert flag["code"] == "copied_text" and flag["evidence"]["field"] == "note:mys_env_clean"
    assert flag["evidence"]["other_inspection"] == first.uuid
    # The same words in another report's narrative count too.
    crossed = desk.file(shopper, desk.assignment(assignee=shopper), started_at=visit()[0], finished_at=visit()[1],
                        narrative=NARRATIVE)
    assert [f["evidence"]["field"] for f in desk.flags(crossed.uuid)] == ["narrative"]
