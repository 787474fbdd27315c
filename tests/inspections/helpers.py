"""Helpers for the inspection tests: checklist documents, answer sets, real-socket requests, counts."""
from __future__ import annotations

import hashlib
import http.client
import threading
import uuid as uuid_module
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, select

from checklists import textio
from checklists.store import checklist_of
from core.extensions import db as _db

DEFAULTS_DIR = Path(__file__).resolve().parents[2] / "checklists" / "defaults"
DEFAULT_DOCUMENTS = {kind: textio.load((DEFAULTS_DIR / f"{kind}.yaml").read_bytes(), "yaml")
                      for kind in ("onsite", "7s", "remote", "mystery")}


def _label(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


# A small onsite checklist with one item of each answerable type, for cases that need exact numbers.
CUSTOM_DOCUMENT = {
    "kind": "onsite",
    "code": "test-onsite",
    "name": _label("测试现场检查", "Test on-site check"),
    "sections": [
        {"key": "basics", "label": _label("基本", "Basics"), "items": [
            {"key": "greet", "type": "check", "label": _label("问候", "Greets"), "points": 2,
             "severity": "minor", "attribute_to_staff": True},
            {"key": "tidy", "type": "check", "label": _label("整洁", "Tidy"), "points": 3,
             "severity": "major", "photo_on_fail": True},
            {"key": "lock", "type": "check", "label": _label("锁柜", "Locked"), "points": 4,
             "severity": "critical", "critical": "cap_grade", "cap_grade": "C", "allow_na": False},
        ]},
        {"key": "measures", "label": _label("测量", "Measures"), "items": [
            {"key": "mood", "type": "scale", "label": _label("氛围", "Mood"), "points": 4, "pass_min": 2,
             "scale": {"max": 4, "labels": [_label(str(i), str(i)) for i in range(5)]}},
            {"key": "attitude", "type": "choice", "label": _label("态度", "Attitude"), "points": 3,
             "severity": "major", "options": [
                 {"key": "warm", "label": _label("热情", "Warm"), "points": 3},
                 {"key": "plain", "label": _label("一般", "Plain"), "points": 2},
                 {"key": "rude", "label": _label("粗鲁", "Rude"), "points": 0, "fail": True}]},
            {"key": "waiting", "type": "number", "label": _label("等候人数", "Waiting"), "points": 2,
             "min": 0, "max": 500, "pass_max": 10},
            {"key": "handling", "type": "duration", "label": _label("办理时长", "Handling"), "points": 2,
             "max": 7200, "pass_max": 300},
            {"key": "remark", "type": "text", "label": _label("备注", "Remark"), "max_length": 20,
             "required": False},
            {"key": "snapshot", "type": "photo", "label": _label("照片", "Snapshot"), "required": False},
        ]},
    ],
}


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def passing_value(item):
    if item.type == "check":
        return "pass"
    if item.type == "scale":
        return item.scale_max
    if item.type == "choice":
        best = max((o for o in item.options if not o.fail), key=lambda o: o.points)
        return [best.key] if item.multiple else best.key
    if item.type in ("number", "duration"):
        value = item.pass_min if item.pass_min is not None else (item.min if item.min is not None else 0)
        if item.pass_max is not None:
            value = min(value, item.pass_max)
        return value
    if item.type == "text":
        return "ok"
    return "na"  # photo and signature: N-A where allowed (every default allows it)


def full_answers(version, **values) -> list[dict]:
    """A valid, complete, all-passing answer set for a version; keyword arguments replace values."""
    answers = []
    for item in checklist_of(version).all_items():
        answer = {"item_key": item.key, "value": values.pop(item.key, passing_value(item))}
        if isinstance(answer["value"], dict):  # a whole answer given
            answer = {"item_key": item.key, **answer["value"]}
        answers.append(answer)
    assert not values, f"no such items: {sorted(values)}"
    return answers


def by_key(body: dict) -> dict:
    """The answers of an inspection document, by item key."""
    return {answer["item_key"]: answer for answer in body["answers"]}


def draft_body(version, outlet, answers=None, **extra) -> dict:
    return {"checklist_version_id": version.id, "outlet_id": outlet.id,
            "answers": [] if answers is None else answers, **extra}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class SyncApi:
    """The sync protocol as a phone speaks it."""

    def __init__(self, client):
        self.client = client

    def put(self, uuid, body, headers):
        return self.client.put(f"/api/v1/inspections/{uuid}", json=body, headers=headers)

    def get(self, uuid, headers):
        return self.client.get(f"/api/v1/inspections/{uuid}", headers=headers)

    def photo(self, uuid, photo_uuid, data, headers, *, declared=None, content_type="image/jpeg"):
        headers = {**headers, "X-Content-SHA256": declared if declared is not None else sha256(data)}
        return self.client.put(f"/api/v1/inspections/{uuid}/photos/{photo_uuid}", data=data, headers=headers,
                               content_type=content_type)

    def get_photo(self, uuid, photo_uuid, headers, variant="display"):
        return self.client.get(f"/api/v1/inspections/{uuid}/photos/{photo_uuid}?variant={variant}",
                               headers=headers)

    def submit(self, uuid, headers):
        return self.client.post(f"/api/v1/inspections/{uuid}/submit", headers=headers)


def count(model, *where) -> int:
    """Rows of a model, read fresh; the read transaction is ended so a live server is never blocked."""
    _db.session.expire_all()
    number = _db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
    _db.session.commit()
    return number


def media_files(app) -> set[str]:
    root = Path(app.config["MEDIA_DIR"])
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def rows(model, **filters) -> list:
    """Rows of a model matching column=value filters, read fresh from the database."""
    _db.session.expire_all()
    query = select(model).filter_by(**filters).order_by(model.id)
    return list(_db.session.execute(query).scalars())


def http_request(base_url: str, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None,
                 timeout: float = 60) -> tuple[int, bytes, dict]:
    """One request over a real socket to the server at `base_url` (http://host:port): (status, body, headers)."""
    connection = http.client.HTTPConnection(urlsplit(base_url).netloc, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def at_once(base_url: str, calls: list[tuple[str, str, bytes | None, dict]]) -> list[tuple[int, bytes]]:
    """Send the calls (method, path, body, headers) over real sockets at the same moment, one thread
    each, released together by a barrier: their (status, body) in the order given."""
    results: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def send(index: int) -> None:
        method, path, body, headers = calls[index]
        try:
            start.wait(timeout=30)
            status, data, _ = http_request(base_url, method, path, body=body, headers=headers)
            results[index] = (status, data)
        except Exception as error:  # noqa: BLE001  (reported in the results)
            results[index] = (0, repr(error).encode())

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def statuses(results: list[tuple[int, bytes]]) -> list[int]:
    return sorted(status for status, _ in results)
