"""Every report counts the outlet's lateness for the outlet and the verifiers' apart, and they agree:
the dashboard, the league table (page and API), the closure figures of the findings list, the list's
filters, and the quarterly analysis PDF."""
from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from core.extensions import db
from rectification.tracking import closure_by_outlet_month
from reports import analysis
from reports.periods import month_period, quarter_period
from reports.rankings import league
from tests.reports.conftest import at

Q3 = quarter_period(2026, 3)
SEPTEMBER = month_period(2026, 9)


@pytest.fixture
def late_bank(bank):
    """The bank's September, plus three answered findings: A's answered in time but not verified by its
    verification due date, A's answered late and closed, B's answered late and not verified in time.
    Open past their deadlines already: A2's badge and B3's smile."""
    def answered(name, inspection, key, *, late: bool, status: str, verify_by: date):
        finding = bank.find(name, bank.inspections[inspection], key, "minor", None)
        finding.status, finding.responded_late, finding.verification_due_date = status, late, verify_by
        finding.responded_at = at(date(2026, 9, 16))
        if status == "closed":
            finding.closed_at = at(date(2026, 9, 18))
        return finding

    answered("A-in-time", "onsite-A", "lobby_tidy", late=False, status="responded", verify_by=date(2026, 9, 19))
    answered("A-late", "7s-A", "seiri_desk", late=True, status="closed", verify_by=date(2026, 9, 19))
    answered("B-late", "7s-B", "seiton_place", late=True, status="responded", verify_by=date(2026, 9, 19))
    db.session.commit()
    return bank


def test_the_quarter_counts_each_lateness_once_and_apart(late_bank):
    figures = analysis.finding_figures(Q3)
    assert (figures.total, figures.closed) == (10, 6)
    # Outlet overdue: A2-badge and B3-smile only; the answer of A-in-time waits on the verifiers.
    assert (figures.overdue, figures.answered_late, figures.verification_overdue) == (2, 2, 2)


def test_league_closure_and_list_figures_agree_with_the_dashboard(late_bank, api_as, client, bearer, users):
    figures = analysis.finding_figures(SEPTEMBER)
    rows = {row.code: row.closure for row in league(SEPTEMBER)}
    assert {code: (c.outlet_late, c.verification_overdue) for code, c in rows.items()} == {"A01": (2, 1),
                                                                                          "B01": (2, 1)}
    assert sum(c.outlet_late for c in rows.values()) == figures.overdue + figures.answered_late
    assert sum(c.verification_overdue for c in rows.values()) == figures.verification_overdue

    api_rows = {r["code"]: r["closure"] for r in api_as("viewer", "GET", "/league?period=2026-09").get_json()["rows"]}
    assert {code: (c["outlet_late"], c["verification_overdue"]) for code, c in api_rows.items()} == {
        "A01": (2, 1), "B01": (2, 1)}

    monthly = closure_by_outlet_month(SEPTEMBER.start, SEPTEMBER.end)
    assert sum(f.outlet_late for f in monthly) == figures.overdue + figures.answered_late
    assert sum(f.verification_overdue for f in monthly) == figures.verification_overdue

    headers = bearer(users["viewer"])
    overdue = client.get("/api/v1/findings?overdue=true&period=2026-09", headers=headers)
    assert sorted(f["title"] for f in overdue.get_json()) == ["问题 badge", "问题 teller_smile"]
    waiting = client.get("/api/v1/findings?verification_overdue=true&period=2026-09", headers=headers)
    assert sorted(f["title"] for f in waiting.get_json()) == ["问题 lobby_tidy", "问题 seiton_place"]
    assert len(waiting.get_json()) == figures.verification_overdue


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_dashboard_and_league_pages_show_both(late_bank, client, login, users):
    login(users["viewer"])
    dashboard = client.get("/reports/dashboard?month=2026-09").get_data(as_text=True)
    text = _text(dashboard)
    assert "网点逾期 2 项 · 逾期回复 2 项" in text and "验证逾期 2 整改回复超过验证期限仍未验证" in text
    assert "/findings/?verification_overdue=1&amp;sort=deadline&amp;period=2026-09" in dashboard
    assert "已逾期" not in text  # every late figure says whose
    league_page = _text(client.get("/reports/league?period=2026-09").get_data(as_text=True))
    assert "网点逾期" in league_page


def test_the_analysis_pdf_says_whose(late_bank, api_as, tmp_path):
    response = api_as("viewer", "GET", "/analysis.pdf?period=2026Q3")
    assert response.status_code == 200
    pdf = Path(tmp_path) / "analysis.pdf"
    pdf.write_bytes(response.data)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True,
                                             text=True).stdout)
    assert "网点逾期未整改2项·逾期回复2项" in text and "验证逾期2项待验证" in text
    assert "逾期未整改" not in text.replace("网点逾期未整改", "")


def test_today_decides_the_verifiers_lateness_not_the_outlets(late_bank):
    """On the verification due date itself nothing is late yet for the verifiers; the outlet's
    figures do not move with it."""
    on_the_day = analysis.finding_figures(Q3, today=date(2026, 9, 19))
    day_after = analysis.finding_figures(Q3, today=date(2026, 9, 19) + timedelta(days=1))
    assert on_the_day.verification_overdue == 0 and day_after.verification_overdue == 2
    assert on_the_day.answered_late == day_after.answered_late == 2
