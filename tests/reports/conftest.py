"""A small fixed bank for September 2026 (and a little of August), written straight into the score rows
so that every report figure can be worked out by hand. The figures are derived in the tests.

Remote cycles: two days from 2026-01-01, so the fifteen cycles that start in September begin on
Sep 2, 4, …, 30 (the last one ends on Oct 1).

Outlet A (元和支行): tellers A1 王晓燕 and A2 李志强, lobby manager A3 张文静.
Outlet B (黄埭支行): tellers B1 and B2, lobby manager B3.
- A1: clean remote checks in all 15 cycles, the 15th made on Oct 1; an unpublished mystery finding.
- A2: remote checks in cycles 0-9; cycle 3 fails "greet" (major, closed after 2 days), cycle 7 fails
  "badge" (minor, open).
- B1: clean remote checks in all 15 cycles (all in September); the on-site finding "lobby_tidy" (minor).
- B2: remote checks in all 15 cycles; cycle 5 fails "lock" (critical, closed after 6 days) and "greet"
  (major, closed after 1 day).
- A3: the on-site finding "lobby_greet" (major, closed after 4 days).
- B3: the published mystery visit's finding "teller_smile" (major, open), not confirmed.
Scores (percent): remote 100, failing ones 85 (A2) and 70 (B2); on-site Sep A 90 B 95, Aug A 95 B 85;
7S Sep A 80 (seiri 70, seiton 90), B 90 (seiri 100, seiton 80); mystery B 80 (published), A 50 (not).
"""
from __future__ import annotations

import copy
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from checklists import operations as checklist_operations
from core.extensions import db as _db
from inspections.models import Answer, Inspection, SectionScore
from mystery.models import MysteryVisit
from rectification.models import Finding
from tests.support import fresh_request_globals  # noqa: F401  (autouse)

ZONE = ZoneInfo("Asia/Shanghai")
CYCLE_STARTS = [date(2026, 9, 2) + timedelta(days=2 * i) for i in range(15)]


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


def _label(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def _check(key: str, zh: str, severity: str, **extra) -> dict:
    return {"key": key, "type": "check", "label": _label(zh, key), "points": 2, "severity": severity, **extra}


CHECKLISTS = {
    "remote": [("greeting", "迎接问候", [_check("greet", "起立微笑迎接", "major", attribute_to_staff=True),
                                     _check("badge", "佩戴工牌", "minor", attribute_to_staff=True),
                                     _check("lock", "离柜锁屏", "critical", attribute_to_staff=True)])],
    "onsite": [("lobby", "大堂引导分流", [_check("lobby_greet", "大堂经理主动迎候", "major"),
                                     _check("lobby_tidy", "大堂整洁", "minor")])],
    "7s": [("seiri", "整理", [_check("seiri_desk", "台面整理", "minor")]),
           ("seiton", "整顿", [_check("seiton_place", "定位存放", "minor")])],
    "mystery": [("teller", "柜员服务", [_check("teller_smile", "柜员微笑服务", "major", attribute_to_staff=True)])],
}


def publish_checklists() -> dict:
    versions = {}
    for kind, sections in CHECKLISTS.items():
        document = {"kind": kind, "code": f"report-test-{kind}", "name": _label(f"测试{kind}", f"Test {kind}"),
                    "sections": [{"key": key, "label": _label(zh, key), "items": copy.deepcopy(items)}
                                 for key, zh, items in sections]}
        versions[kind] = checklist_operations.publish(checklist_operations.import_checklist(document, None), None)
    return versions


@dataclass
class Bank:
    org: object
    users: dict
    versions: dict
    people: dict = field(default_factory=dict)
    inspections: dict = field(default_factory=dict)
    findings: dict = field(default_factory=dict)

    def inspect(self, name: str, kind: str, outlet, when: datetime, percent: float, *, staff=None,
                status: str = "submitted", published_at=None, answers=()) -> Inspection:
        inspector = self.users["remote_monitor" if kind == "remote" else
                               "mystery_shopper" if kind == "mystery" else "inspector"]
        inspection = Inspection(
            uuid=str(uuid_module.uuid4()), kind=kind, checklist_version_id=self.versions[kind].id,
            outlet_id=outlet.id, inspector_id=inspector.id, staff_id=staff.id if staff else None, status=status,
            created_at=when, submitted_at=when, score=percent, max_score=100, percent=percent, grade="A")
        _db.session.add(inspection)
        _db.session.flush()
        if kind == "mystery":
            _db.session.add(MysteryVisit(inspection_id=inspection.id, published_at=published_at))
        for key, failed in answers:
            _db.session.add(Answer(inspection_id=inspection.id, item_key=key, value="fail" if failed else "pass",
                                   score=0 if failed else 2, max_score=2, failed=failed, state="answered"))
        self.inspections[name] = inspection
        return inspection

    def find(self, name: str, inspection: Inspection, key: str, severity: str, staff, *, closed_after=None,
             created=None, published: bool = True) -> Finding:
        created = created or inspection.submitted_at
        finding = Finding(
            inspection_id=inspection.id, outlet_id=inspection.outlet_id, item_key=key, section_key="s",
            severity=severity, title=f"问题 {key}", staff_id=staff.id if staff else None,
            status="closed" if closed_after is not None else "open", published=published,
            due_date=created.astimezone(ZONE).date() + timedelta(days=7), created_at=created, updated_at=created,
            closed_at=created + timedelta(days=closed_after) if closed_after is not None else None)
        _db.session.add(finding)
        _db.session.flush()
        self.findings[name] = finding
        return finding


def build(org, users, versions) -> Bank:
    bank = Bank(org, users, versions)
    a1, a2, a3 = org.staff_a
    b1, b2, b3 = org.staff_b
    bank.people = {"A1": a1, "A2": a2, "A3": a3, "B1": b1, "B2": b2, "B3": b3}
    a, b = org.outlet_a, org.outlet_b

    def remote(name, outlet, person, cycle, percent=100.0, failing=(), day=None, hour=10):
        failing_keys = set(failing)
        return bank.inspect(name, "remote", outlet, at(day or CYCLE_STARTS[cycle], hour), percent, staff=person,
                            answers=[("greet", "greet" in failing_keys)])

    for cycle in range(14):
        remote(f"A1-{cycle}", a, a1, cycle)
    remote("A1-14", a, a1, 14, day=date(2026, 10, 1))
    for cycle in range(10):
        failing = {3: ("greet",), 7: ("badge",)}.get(cycle, ())
        remote(f"A2-{cycle}", a, a2, cycle, 85.0 if failing else 100.0, failing, hour=11)
    bank.find("A2-greet", bank.inspections["A2-3"], "greet", "major", a2, closed_after=2)
    bank.find("A2-badge", bank.inspections["A2-7"], "badge", "minor", a2)
    for cycle in range(15):
        remote(f"B1-{cycle}", b, b1, cycle)
        remote(f"B2-{cycle}", b, b2, cycle, 70.0 if cycle == 5 else 100.0, ("greet",) if cycle == 5 else (), hour=11)
    bank.find("B2-lock", bank.inspections["B2-5"], "lock", "critical", b2, closed_after=6)
    bank.find("B2-greet", bank.inspections["B2-5"], "greet", "major", b2, closed_after=1)

    onsite_a = bank.inspect("onsite-A", "onsite", a, at(date(2026, 9, 15), 9, 30), 90.0)
    onsite_b = bank.inspect("onsite-B", "onsite", b, at(date(2026, 9, 15), 9, 30), 95.0)
    bank.find("A3-lobby", onsite_a, "lobby_greet", "major", a3, closed_after=4)
    bank.find("B1-lobby", onsite_b, "lobby_tidy", "minor", b1, closed_after=1)
    bank.inspect("onsite-A-aug", "onsite", a, at(date(2026, 8, 14)), 95.0)
    bank.inspect("onsite-B-aug", "onsite", b, at(date(2026, 8, 14)), 85.0)

    for name, outlet, percent, sections in (("7s-A", a, 80.0, (70.0, 90.0)), ("7s-B", b, 90.0, (100.0, 80.0))):
        inspection = bank.inspect(name, "7s", outlet, at(date(2026, 9, 15), 10, 30), percent)
        for position, (key, value) in enumerate(zip(("seiri", "seiton"), sections)):
            _db.session.add(SectionScore(inspection_id=inspection.id, position=position, section_key=key,
                                         score=value / 10, max_score=10, percent=value))

    published = at(date(2026, 9, 24), 15)
    mystery_b = bank.inspect("mystery-B", "mystery", b, at(date(2026, 9, 20), 14), 80.0, status="published",
                             published_at=published)
    bank.find("B3-smile", mystery_b, "teller_smile", "major", b3, created=published)
    mystery_a = bank.inspect("mystery-A", "mystery", a, at(date(2026, 9, 22), 14), 50.0, status="reviewed")
    bank.find("A1-hidden", mystery_a, "teller_smile", "major", a1, published=False)
    _db.session.commit()
    return bank


@pytest.fixture
def versions(db):
    return publish_checklists()


@pytest.fixture
def bank(db, org, users, versions) -> Bank:
    return build(org, users, versions)


@pytest.fixture
def api_as(client, users, bearer):
    """GET/POST/PATCH the reports API as a role, through a real bearer token per role."""
    tokens = {}

    def call(role: str, method: str, path: str, **kwargs):
        if role not in tokens:
            tokens[role] = bearer(users[role])
        return client.open(f"/api/v1/reports{path}", method=method, headers=tokens[role], **kwargs)

    return call
