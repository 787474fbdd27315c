"""Helpers for the mystery-shopper tests: clocks in China time, crafted photos whose EXIF the test
writes (capture time with its offset, GPS), and a desk that files visit reports through the real
sync API and reads the validation flags back through the bank's review API."""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import time_machine
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from inspections.models import Assignment
from tests.inspections.helpers import draft_body, full_answers, new_uuid

LOCAL = ZoneInfo("Asia/Shanghai")
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
ARTIST, MAKE, MODEL = 0x013B, 0x010F, 0x0110

# Both outlets of the test bank stand at 31.37 N, 120.64 E (tests/conftest.py).
OUTLET = (31.37, 120.64)
AT_OUTLET = (31.3701, 120.6401)          # about 14 m away
FAR_AWAY = (31.37 + 0.018, 120.64)       # 0.018° of latitude: about 2,001 m north

# A narrative too short to be compared with other reports' (a report needs one to be filed).
SHORT_NARRATIVE = "按脚本完成暗访。"

# A failing, staff-attributed item of the default mystery checklist and the item photos go on.
FAILING_ITEM = "mys_teller_language"
PHOTO_ITEM = "mys_queue_ticket_photo"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def visit_times() -> dict:
    """A visit that began 50 minutes ago and ended 20 minutes ago, as a draft's start and finish."""
    now = utc_now()
    return {"started_at": now - timedelta(minutes=50), "finished_at": now - timedelta(minutes=20)}


def local_today() -> date:
    return datetime.now(LOCAL).date()


def server_clock_at(day: date, at: time = time(12, 0)):
    """The server's clock (this process's) moved to a moment of a day in China time, ticking on from there."""
    return time_machine.travel(datetime.combine(day, at, LOCAL), tick=True)


# --- crafted photos -------------------------------------------------------------------------------

def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    milli_seconds = round((minutes_float - minutes) * 60 * 1000)
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(milli_seconds, 1000)


def exif(*, taken: datetime | None = None, offset: str = "+08:00", gps: tuple[float, float] | None = None,
         artist: str | None = None) -> bytes:
    """An EXIF block as a camera writes it: DateTimeOriginal in the camera's local time with
    OffsetTimeOriginal, and a GPS IFD in degrees/minutes/seconds rationals."""
    block = Image.Exif()
    if artist is not None:  # the camera owner's name, with the camera's make and model
        block[ARTIST], block[MAKE], block[MODEL] = artist, "Apple", "iPhone 15"
    if taken is not None:
        sign = 1 if offset[0] == "+" else -1
        zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        details = block.get_ifd(EXIF_IFD)
        details[DATETIME_ORIGINAL] = taken.astimezone(zone).strftime("%Y:%m:%d %H:%M:%S")
        details[OFFSET_TIME_ORIGINAL] = offset
    if gps is not None:
        latitude, longitude = gps
        place = block.get_ifd(GPS_IFD)
        place[1], place[2] = ("N" if latitude >= 0 else "S"), _dms(abs(latitude))
        place[3], place[4] = ("E" if longitude >= 0 else "W"), _dms(abs(longitude))
    return block.tobytes()


def picture(seed: int, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """A smooth picture with structure (so its difference hash is stable), different per seed."""
    rnd = random.Random(seed)
    small = Image.new("RGB", (6, 5))
    small.putdata([tuple(rnd.randrange(256) for _ in range(3)) for _ in range(30)])
    return small.resize(size, Image.Resampling.BICUBIC)


def encode(image: Image.Image, *, quality: int = 90, exif_block: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, **({"exif": exif_block} if exif_block else {}))
    return buffer.getvalue()


def photo(seed: int, *, taken: datetime | None = None, gps: tuple[float, float] | None = None,
          offset: str = "+08:00", artist: str | None = None) -> bytes:
    block = exif(taken=taken, gps=gps, offset=offset, artist=artist) \
        if taken is not None or gps is not None or artist is not None else None
    return encode(picture(seed), exif_block=block)


# --- filing reports -------------------------------------------------------------------------------

@dataclass
class Filed:
    uuid: str
    photos: list[str] = field(default_factory=list)
    status: int | None = None
    receipt: dict | None = None


class Desk:
    """Files mystery visit reports as a shopper's phone does, and reads them as the bank's admin."""

    def __init__(self, org, version, sync, client, bearer, admin):
        self.org, self.version, self.sync, self.client = org, version, sync, client
        self.bearer, self.admin = bearer, admin
        self.db = org.db

    @property
    def admin_headers(self) -> dict:
        return self.bearer(self.admin)

    def assignment(self, *, start: date | None = None, end: date | None = None, outlet=None, vendor=None,
                   assignee=None, **extra) -> Assignment:
        start = start or local_today() - timedelta(days=1)
        assignment = Assignment(kind="mystery", template_id=self.version.template_id,
                                outlet_id=(outlet or self.org.outlet_a).id, vendor_id=(vendor or self.org.vendor).id,
                                assignee_id=assignee.id if assignee else None, period="2026Q1", sequence=1,
                                window_start=start, window_end=end or start + timedelta(days=6), **extra)
        self.db.session.add(assignment)
        self.db.session.commit()
        return assignment

    def body(self, assignment, *, started_at=None, finished_at=None, location=AT_OUTLET, narrative=SHORT_NARRATIVE,
             failing: dict[str, str] | None = None, photo_ids=(), photo_item: str = PHOTO_ITEM, **values) -> dict:
        """A complete draft body: everything passes except `failing` (item → staff description);
        the photos are named by `photo_item` (the queue-ticket photo unless told otherwise)."""
        answers = {key: {"value": "fail", "staff_description": who, "note": "未使用规范用语"}
                   for key, who in (failing or {}).items()}
        answers.update(values)
        if photo_ids:
            answers[photo_item] = {**answers.get(photo_item, {"value": None}), "photo_ids": list(photo_ids)}
        extra = {"assignment_id": assignment.id, "narrative": narrative}
        if started_at is not None:
            extra["started_at"] = started_at.isoformat()
        if finished_at is not None:
            extra["finished_at"] = finished_at.isoformat()
        if location is not None:
            extra["location"] = {"latitude": location[0], "longitude": location[1]}
        outlet = self.db.session.get(type(self.org.outlet_a), assignment.outlet_id)
        return draft_body(self.version, outlet, full_answers(self.version, **answers), **extra)

    def file(self, shopper, assignment, *, photos: list[bytes] = (), submit: bool = True, **body) -> Filed:
        """Draft, photos, submit — the sync protocol; returns the report's UUID and photo UUIDs."""
        headers = self.bearer(shopper)
        filed = Filed(new_uuid(), [new_uuid() for _ in photos])
        created = self.sync.put(filed.uuid, self.body(assignment, photo_ids=filed.photos, **body), headers)
        assert created.status_code == 201, created.get_json()
        for photo_uuid, data in zip(filed.photos, photos):
            uploaded = self.sync.photo(filed.uuid, photo_uuid, data, headers)
            assert uploaded.status_code == 201, uploaded.get_json()
        if submit:
            response = self.sync.submit(filed.uuid, headers)
            filed.status, filed.receipt = response.status_code, response.get_json()
            assert filed.status == 200, filed.receipt
        return filed

    def report(self, uuid: str) -> dict:
        """The report as the bank's reviewer sees it in GET /api/v1/mystery/reports."""
        response = self.client.get("/api/v1/mystery/reports", headers=self.admin_headers)
        assert response.status_code == 200, response.get_json()
        [report] = [r for r in response.get_json() if r["uuid"] == uuid]
        return report

    def flags(self, uuid: str) -> list[dict]:
        return self.report(uuid)["flags"]

    def review(self, uuid: str, decision: str, reason: str = "", headers=None):
        return self.client.post(f"/api/v1/mystery/reports/{uuid}/review", json={"decision": decision, "reason": reason},
                                headers=self.admin_headers if headers is None else headers)

    def attribute(self, uuid: str, staff: dict, headers=None, not_attributable: list[str] | None = None):
        body = {"staff": staff} if not_attributable is None else {"staff": staff, "not_attributable": not_attributable}
        return self.client.post(f"/api/v1/mystery/reports/{uuid}/attribution", json=body,
                                headers=self.admin_headers if headers is None else headers)

    def publish(self, uuid: str, blacklist_confirmed: bool | None = None, headers=None):
        body = {} if blacklist_confirmed is None else {"blacklist_confirmed": blacklist_confirmed}
        return self.client.post(f"/api/v1/mystery/reports/{uuid}/publish", json=body,
                                headers=self.admin_headers if headers is None else headers)


def codes(flags: list[dict]) -> list[str]:
    return sorted(flag["code"] for flag in flags)


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
