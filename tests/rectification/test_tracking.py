"""Deadlines by severity, overdue findings per outlet (the outlet's and the verifiers' apart), the
daily overdue command, and closure figures per outlet and month."""
from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from inspections.models import Inspection
from rectification.models import Finding
from rectification.tracking import (
    ClosureFigures,
    closure_by_outlet_month,
    overdue_by_outlet,
    verification_overdue_by_outlet,
)
from tests.inspections.helpers import rows
from tests.rectification.conftest import free_port
from tests.rectification.helpers import browser

SEVERITY_ITEMS = {"critical": "facility_outage_notice", "major": "facility_queue_machine",
                  "minor": "facility_form_desk"}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


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
    """A: one open past due, one answered in time (due 10 March) to be verified by 8 March, one closed
    long ago, one unpublished; B: one open."""
    a, b = org.outlet_a, org.outlet_b
    return {
        "a_open": add_finding(a, "叫号机故障", due=date(2026, 3, 1)),
        "a_responded": add_finding(a, "填单台缺笔", due=date(2026, 3, 10), status="responded",
                                   responded_at=utc(2026, 3, 4, 2), verify_by=date(2026, 3, 7)),
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
    # Answered in time, the finding waiting for verification is never the outlet's, past its deadline too:
    # from 8 March it is the verifiers'.
    assert by_outlet(overdue_by_outlet(date(2026, 3, 11))) == {"A01": ["叫号机故障"], "B01": ["利率牌未更新"]}
    assert verification_overdue_by_outlet(date(2026, 3, 7)) == {}
    assert by_outlet(verification_overdue_by_outlet(date(2026, 3, 8))) == {"A01": ["填单台缺笔"]}
    assert by_outlet(verification_overdue_by_outlet(date(2026, 3, 11))) == {"A01": ["填单台缺笔"]}


def test_the_overdue_command_lists_them_without_mailing(runner, overdue_set, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # nothing listens there
    result = runner.invoke(args=["overdue-findings", "--date", "2026-03-06", "--no-mail"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "A01 元和支行: 1 overdue" in lines and "B01 黄埭支行: 1 overdue" in lines
    assert f"  #{overdue_set['a_open'].id} 叫号机故障 (due 2026-03-01, open)" in lines
    assert f"  #{overdue_set['b_open'].id} 利率牌未更新 (due 2026-03-05, open)" in lines
    assert "填单台缺笔" not in result.output and "暗访发现" not in result.output and "mailed" not in result.output

    later = runner.invoke(args=["overdue-findings", "--date", "2026-03-09", "--no-mail"])
    assert "A01 元和支行: 1 waiting for verification past due" in later.output.splitlines()
    assert f"  #{overdue_set['a_responded'].id} 填单台缺笔 (verify by 2026-03-07)" in later.output.splitlines()

    early = runner.invoke(args=["overdue-findings", "--date", "2026-03-01", "--no-mail"])
    assert early.exit_code == 0 and early.output.strip() == "No overdue findings."
    bad = runner.invoke(args=["overdue-findings", "--date", "2026-13-01", "--no-mail"])
    assert bad.exit_code != 0


def test_closure_figures_per_outlet_and_local_month(app, org, add_finding, users):
    a, b = org.outlet_a, org.outlet_b
    add_finding(a, "f1", status="closed", created_at=utc(2026, 3, 2, 2), closed_at=utc(2026, 3, 4, 2))  # 2 days
    add_finding(a, "f2", status="closed", created_at=utc(2026, 3, 10), closed_at=utc(2026, 3, 15),  # 5 days
                responded_late=True)  # answered after its deadline: the outlet's lateness
    add_finding(a, "f3", created_at=utc(2026, 3, 20))
    add_finding(a, "f4", status="responded", created_at=utc(2026, 3, 25), verify_by=date(2026, 3, 28))  # verifiers'
    # 17:00 UTC on 31 March is 01:00 on 1 April in Shanghai: an April finding, closed in 1.5 days.
    add_finding(a, "f5", status="closed", created_at=utc(2026, 3, 31, 17), closed_at=utc(2026, 4, 2, 5))
    add_finding(a, "hidden", status="closed", published=False, created_at=utc(2026, 3, 5),
                closed_at=utc(2026, 3, 6))
    add_finding(b, "g1", created_at=utc(2026, 3, 3))

    figures = closure_by_outlet_month()
    # Late for the outlet in March at A: f2 (answered late) and f3 (open past its deadline); f4 is the verifiers'.
    assert figures == [ClosureFigures(a.id, "2026-03", 4, 2, 3.5, 2, 1), ClosureFigures(a.id, "2026-04", 1, 1, 1.5),
                       ClosureFigures(b.id, "2026-03", 1, 0, None, 1, 0)]
    assert [f.closure_rate for f in figures] == [50.0, 100.0, 0.0]

    assert closure_by_outlet_month(utc(2026, 3, 31, 16), None, a.id) == [ClosureFigures(a.id, "2026-04", 1, 1, 1.5)]
    assert closure_by_outlet_month(None, utc(2026, 3, 31, 16), b.id) == [ClosureFigures(b.id, "2026-03", 1, 0, None,
                                                                                        1, 0)]

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
