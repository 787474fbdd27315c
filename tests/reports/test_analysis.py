"""The quarterly analysis (Q3 2026 of the fixed bank), its charts, and the PDF read back with poppler."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from reports import analysis, charts, dashboards
from reports.periods import month_period, quarter_period
from tests.reports.long_lists import pages_of, pages_text, publish_long_lists

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"

Q3 = quarter_period(2026, 3)


def test_figures_by_kind(bank):
    figures = {k.kind: (k.inspections, k.average) for k in analysis.kind_figures(Q3)}
    assert figures["onsite"][0] == 4 and figures["onsite"][1] == pytest.approx(91.25, abs=0.05)  # 95 85 90 95
    assert figures["7s"] == (2, 85.0)
    assert figures["remote"] == (54, 98.9)  # (14·100 + 970 + 15·100 + 1470) / 54; A1's Oct 1 check is Q4's
    assert figures["mystery"] == (1, 80.0)


def test_finding_figures(bank):
    figures = analysis.finding_figures(Q3)
    assert figures.by_severity == {"critical": 1, "major": 4, "minor": 2}
    # Closed: greet (2 days), lobby_greet (4), lock (6), greet (1), lobby_tidy (1); open: badge, teller_smile.
    assert (figures.total, figures.closed, figures.closure_rate, figures.average_days_to_close) == (7, 5, 71.4, 2.8)
    assert figures.overdue == 2


def test_most_frequent_findings_with_their_failure_rate(bank):
    frequent = analysis.frequent_findings(Q3)
    top = frequent[0]
    assert (top.item_key, top.kind, top.findings) == ("greet", "remote", 2)
    assert (top.answered, top.failed, top.failure_rate) == (54, 2, 3.7)
    assert len(frequent) == 6 and all(f.findings == 1 for f in frequent[1:])


def test_section_averages_feed_the_heat_map_and_the_radar(bank, app):
    averages = dashboards.section_averages(month_period(2026, 9), "7s")
    assert averages == {bank.org.outlet_a.id: {"seiri": 70.0, "seiton": 90.0},
                        bank.org.outlet_b.id: {"seiri": 100.0, "seiton": 80.0}}
    with app.test_request_context():
        heat = str(dashboards.heat_map(month_period(2026, 9), "7s"))
        radars = dashboards.radars_7s(month_period(2026, 9))
    assert heat.startswith("<svg") and "整理" in heat and "元和支行" in heat
    assert re.search(r'fill="#[0-9a-f]{6}"/><text[^>]*>70</text>', heat)
    assert len(radars) == 2 and "全行平均" in str(radars[0])


def test_heat_colours_run_from_red_to_green():
    assert charts.heat_colour(50) == charts.heat_colour(60) == "#d73027"
    assert charts.heat_colour(80) == "#fee08b" and charts.heat_colour(100) == "#1a9850"
    assert charts.heat_colour(None) == "#f0f2f5"


def test_chart_labels_are_escaped():
    svg = str(charts.line_chart(["9月"], [("<script>", [95.0])], title="a&b"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg


def test_line_chart_breaks_at_months_without_data():
    svg = str(charts.line_chart(["1", "2", "3", "4"], [("x", [90.0, None, 95.0, 96.0])], title="t"))
    assert svg.count("<polyline") == 2


def _poppler(tool: str, pdf: Path) -> str:
    return subprocess.run([tool, str(pdf), "-"] if tool == "pdftotext" else [tool, str(pdf)],
                          check=True, capture_output=True, text=True).stdout


def test_the_pdf_renders_chinese_with_an_embedded_cjk_font(bank, api_as, tmp_path):
    response = api_as("viewer", "GET", "/analysis.pdf?period=2026Q3")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "analysis.pdf"
    pdf.write_bytes(response.data)
    text = re.sub(r"\s+", "", _poppler("pdftotext", pdf))
    for expected in ("相城支行2026年第3季度服务质量分析报告", "网点排名", "高频问题", "元和支行", "黄埭支行",
                     "问题greet", "整改完成率", "71.4%"):
        assert expected in text, expected
    fonts = _poppler("pdffonts", pdf)
    cjk = [line for line in fonts.splitlines() if "Noto-Sans-CJK-SC" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk)  # the "emb" column


def test_a_month_names_its_quarter(bank, api_as):
    response = api_as("admin", "GET", "/analysis.pdf?period=2026-08")
    assert "analysis-2026Q3.pdf" in response.headers["Content-Disposition"]


def test_a_long_red_black_list_keeps_each_row_on_one_page_under_a_repeated_heading(bank, tmp_path):
    lists = publish_long_lists(bank.org, ["2026-07", "2026-08", "2026-09"], red=26, black=14)
    pdf = analysis.pdf(Q3)
    (tmp_path / "analysis.pdf").write_bytes(pdf)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "analysis.pdf"), str(ARTIFACTS / "analysis-long")],
                   check=True)
    pages = pages_text(pdf, tmp_path)
    used = set()
    for key, names in lists.items():
        where = {number for name in names for number in pages_of(pages, name)}
        assert all(len(pages_of(pages, name)) == 1 for name in names), key  # no name cut by a page break
        assert len(where) == 1, f"the row of {key} runs over pages {sorted(where)}"
        used |= where
    assert len(used) > 1  # the table itself does run over a page break
    for number in used:
        assert "月份范围红榜黑榜" in pages[number - 1], f"page {number} has list rows but no heading"
