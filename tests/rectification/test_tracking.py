"""Deadlines by severity, overdue findings per outlet, the daily reminder job with its mails, and
closure figures per outlet and month."""
from __future__ import annotations

import email
import email.policy
import socket
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from inspections.models import Inspection
from rectification.models import Finding
from rectification.tracking import ClosureFigures, closure_by_outlet_month, overdue_by_outlet, send_reminders
from tests.inspections.helpers import rows
from tests.rectification.helpers import browser

SEVERITY_ITEMS = {"critical": "facility_outage_notice", "major": "facility_queue_machine",
                  "minor": "facility_form_desk"}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def bare(onsite, org):
    """One submitted inspection without findings per outlet, to hang hand-made findings on."""
    uuid_a, _ = onsite(0)
    uuid_b, _ = onsite(0, outlet=org.outlet_b)
    return {org.outlet_a.id: rows(Inspection, uuid=uuid_a)[0], org.outlet_b.id: rows(Inspection, uuid=uuid_b)[0]}


@pytest.fixture
def add_finding(bare, db):
    """Put a finding straight into the database (dates and status given)."""
    keys = iter(range(1, 1000))

    def add(outlet, title, *, due=None, status="open", published=True, created_at=None, closed_at=None,
            severity="major"):
        finding = Finding(inspection_id=bare[outlet.id].id, outlet_id=outlet.id, item_key=f"k{next(keys)}",
                          section_key="s", severity=severity, title=title, due_date=due or date(2026, 3, 1),
                          status=status, published=published, closed_at=closed_at,
                          **({"created_at": created_at} if created_at else {}))
        db.session.add(finding)
        db.session.commit()
        return finding

    return add


class Collector:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(app, monkeypatch):
    """A local SMTP server collecting what it receives; SMTP_URL points at it."""
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    try:
        yield handler
    finally:
        controller.stop()


def test_deadlines_follow_severity_and_the_configuration(app, onsite, monkeypatch):
    uuid, _ = onsite(items=list(SEVERITY_ITEMS.values()))
    inspection = rows(Inspection, uuid=uuid)[0]
    day = inspection.submitted_at.astimezone(ZoneInfo("Asia/Shanghai")).date()
    due = {f.severity: f.due_date for f in rows(Finding, inspection_id=inspection.id)}
    assert due == {"critical": day + timedelta(days=3), "major": day + timedelta(days=7),
                   "minor": day + timedelta(days=15)}

    monkeypatch.setitem(app.config, "FINDING_DEADLINE_DAYS", {"critical": 1, "major": 2, "minor": 30})
    uuid, _ = onsite(items=list(SEVERITY_ITEMS.values()))
    inspection = rows(Inspection, uuid=uuid)[0]
    day = inspection.submitted_at.astimezone(ZoneInfo("Asia/Shanghai")).date()
    due = {f.severity: f.due_date for f in rows(Finding, inspection_id=inspection.id)}
    assert due == {"critical": day + timedelta(days=1), "major": day + timedelta(days=2),
                   "minor": day + timedelta(days=30)}


@pytest.fixture
def overdue_set(org, add_finding):
    """A: one open past due, one responded due later, one closed long ago, one unpublished; B: one open."""
    a, b = org.outlet_a, org.outlet_b
    return {
        "a_open": add_finding(a, "叫号机故障", due=date(2026, 3, 1)),
        "a_responded": add_finding(a, "填单台缺笔", due=date(2026, 3, 10), status="responded"),
        "a_closed": add_finding(a, "地面有水渍", due=date(2026, 2, 1), status="closed", closed_at=utc(2026, 2, 3)),
        "a_secret": add_finding(a, "暗访发现", due=date(2026, 2, 1), published=False),
        "b_open": add_finding(b, "利率牌未更新", due=date(2026, 3, 5)),
    }


def by_outlet(overdue: dict) -> dict[str, list[str]]:
    return {outlet.code: [f.title for f in findings] for outlet, findings in overdue.items()}


def test_overdue_findings_are_grouped_by_outlet_on_a_given_day(overdue_set):
    assert overdue_by_outlet(date(2026, 3, 1)) == {}  # due today is not overdue yet
    assert by_outlet(overdue_by_outlet(date(2026, 3, 2))) == {"A01": ["叫号机故障"]}
    assert by_outlet(overdue_by_outlet(date(2026, 3, 6))) == {"A01": ["叫号机故障"], "B01": ["利率牌未更新"]}
    assert by_outlet(overdue_by_outlet(date(2026, 3, 11))) == {"A01": ["叫号机故障", "填单台缺笔"],
                                                               "B01": ["利率牌未更新"]}


def test_the_overdue_command_lists_them_without_mailing(runner, overdue_set, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # nothing listens there
    result = runner.invoke(args=["overdue-findings", "--date", "2026-03-06", "--no-mail"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "A01 元和支行: 1 overdue" in lines and "B01 黄埭支行: 1 overdue" in lines
    assert f"  #{overdue_set['a_open'].id} 叫号机故障 (due 2026-03-01, open)" in lines
    assert f"  #{overdue_set['b_open'].id} 利率牌未更新 (due 2026-03-05, open)" in lines
    assert "填单台缺笔" not in result.output and "暗访发现" not in result.output and "mailed" not in result.output

    early = runner.invoke(args=["overdue-findings", "--date", "2026-03-01", "--no-mail"])
    assert early.exit_code == 0 and early.output.strip() == "No overdue findings."
    bad = runner.invoke(args=["overdue-findings", "--date", "2026-13-01", "--no-mail"])
    assert bad.exit_code != 0


def test_reminders_go_to_managers_with_email_of_outlets_with_overdue_findings(org, overdue_set, smtp_sink, runner,
                                                                              db):
    manager_a = org.user("outlet_manager", "manager_a", outlet=org.outlet_a)
    manager_a.email = "a.manager@example.com"
    org.user("outlet_manager", "manager_a_no_mail", outlet=org.outlet_a)  # no email address
    gone = org.user("outlet_manager", "manager_a_gone", outlet=org.outlet_a)
    gone.email, gone.active = "gone@example.com", False
    manager_b = org.user("outlet_manager", "manager_b", outlet=org.outlet_b)
    manager_b.email = "b.manager@example.com"
    viewer = org.user("viewer", "viewer_mail")
    viewer.email = "viewer@example.com"
    db.session.commit()

    assert send_reminders(date(2026, 3, 1)) == []  # nothing overdue: nobody is mailed
    assert smtp_sink.messages == []

    # On 3 March only outlet A is behind; B's manager, though reachable, gets nothing.
    assert send_reminders(date(2026, 3, 3)) == [("a.manager@example.com", 1)]
    [(recipients, message)] = smtp_sink.messages
    assert recipients == ["a.manager@example.com"]
    assert message["To"] == "a.manager@example.com"
    assert message["Subject"] == "【整改逾期提醒】元和支行 1 项"
    body = message.get_content()
    assert "元和支行：以下 1 项整改已超过期限" in body
    assert "- 叫号机故障（期限 2026-03-01，已逾期 2 天，状态 open）" in body
    assert "填单台缺笔" not in body and "地面有水渍" not in body and "暗访发现" not in body

    smtp_sink.messages.clear()
    result = runner.invoke(args=["overdue-findings", "--date", "2026-03-11"])
    assert result.exit_code == 0, result.output
    assert "mailed a.manager@example.com: 2" in result.output and "mailed b.manager@example.com: 1" in result.output
    mails = {tuple(recipients): message for recipients, message in smtp_sink.messages}
    assert set(mails) == {("a.manager@example.com",), ("b.manager@example.com",)}
    assert "叫号机故障" in mails[("a.manager@example.com",)].get_content()
    assert "填单台缺笔" in mails[("a.manager@example.com",)].get_content()
    assert "利率牌未更新" in mails[("b.manager@example.com",)].get_content()
    assert "叫号机故障" not in mails[("b.manager@example.com",)].get_content()


def test_closure_figures_per_outlet_and_local_month(app, org, add_finding, users):
    a, b = org.outlet_a, org.outlet_b
    add_finding(a, "f1", status="closed", created_at=utc(2026, 3, 2, 2), closed_at=utc(2026, 3, 4, 2))  # 2 days
    add_finding(a, "f2", status="closed", created_at=utc(2026, 3, 10), closed_at=utc(2026, 3, 15))  # 5 days
    add_finding(a, "f3", created_at=utc(2026, 3, 20))
    add_finding(a, "f4", status="responded", created_at=utc(2026, 3, 25))
    # 17:00 UTC on 31 March is 01:00 on 1 April in Shanghai: an April finding, closed in 1.5 days.
    add_finding(a, "f5", status="closed", created_at=utc(2026, 3, 31, 17), closed_at=utc(2026, 4, 2, 5))
    add_finding(a, "hidden", status="closed", published=False, created_at=utc(2026, 3, 5),
                closed_at=utc(2026, 3, 6))
    add_finding(b, "g1", created_at=utc(2026, 3, 3))

    figures = closure_by_outlet_month()
    assert figures == [ClosureFigures(a.id, "2026-03", 4, 2, 3.5), ClosureFigures(a.id, "2026-04", 1, 1, 1.5),
                       ClosureFigures(b.id, "2026-03", 1, 0, None)]
    assert [f.closure_rate for f in figures] == [50.0, 100.0, 0.0]

    assert closure_by_outlet_month(utc(2026, 3, 31, 16), None, a.id) == [ClosureFigures(a.id, "2026-04", 1, 1, 1.5)]
    assert closure_by_outlet_month(None, utc(2026, 3, 31, 16), b.id) == [ClosureFigures(b.id, "2026-03", 1, 0, None)]

    admin = browser(app, users["admin"])
    page = admin.get("/findings/?lang=en&period=2026-03")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Closure by outlet and month" in html and "50.0%" in html and "3.5" in html and "2026-04" not in html
    assert "Closure by outlet and month" not in admin.get("/findings/?lang=en").get_data(as_text=True)  # none lately


@pytest.fixture
def clocks_a_day_apart(app, monkeypatch):
    """The server's clock at UTC-12 and the configured zone at UTC+14: their dates always differ."""
    monkeypatch.setenv("TZ", "Etc/GMT+12")
    time.tzset()
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_TIMEZONE", "Etc/GMT-14")
    try:
        yield datetime.now(ZoneInfo("Etc/GMT-14")).date()
    finally:
        monkeypatch.undo()
        time.tzset()


def test_overdue_is_judged_by_the_configured_zones_date(app, org, add_finding, users, bearer, client, runner,
                                                        clocks_a_day_apart):
    local_today = clocks_a_day_apart
    assert date.today() < local_today  # the server's own calendar lags behind
    late = add_finding(org.outlet_a, "昨日到期", due=local_today - timedelta(days=1))
    add_finding(org.outlet_a, "今日到期", due=local_today)

    headers = bearer(users["viewer"])
    listed = client.get("/api/v1/findings?overdue=true", headers=headers)
    assert [f["title"] for f in listed.get_json()] == ["昨日到期"]
    everything = {f["title"]: f["overdue"] for f in client.get("/api/v1/findings", headers=headers).get_json()}
    assert everything == {"昨日到期": True, "今日到期": False}
    assert client.get(f"/api/v1/findings/{late.id}", headers=headers).get_json()["overdue"] is True
    page = browser(app, users["viewer"]).get("/findings/?overdue=1").get_data(as_text=True)
    assert "昨日到期" in page and "今日到期" not in page

    result = runner.invoke(args=["overdue-findings", "--no-mail"])  # the daily job, without --date
    assert result.exit_code == 0 and "昨日到期" in result.output and "今日到期" not in result.output
