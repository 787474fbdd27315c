"""The quarterly pack (季度服务质量分析会材料): one PDF for the service leadership group's meeting. The
quarterly analysis as reports.analysis gives it (inspections, rectification, red/black lists; mystery
visits only once published), then customer satisfaction against the target, business volume and
service errors, the complaint ledger's figures, and the action items of earlier meetings."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale

from checklists.kinds import kind_name
from core.pdf import render_pdf
from quarterly import action_items, complaint_figures, extremes, service_errors, survey
from reports import analysis
from reports.periods import Period

NUMERALS = "一二三四五六七八九十"
# Past this many outlets the analysis's charts by outlet (trend lines, heat maps, 7S radars) show the lowest
# ones only: 300 radars and heat-map rows were two thirds of a 60-page pack and unreadable at the meeting.
CHART_OUTLETS = 12


class SectionNumbers:
    """Chinese section numbers that go on from the analysis's own five: 六、七、…"""

    def __init__(self, after: int):
        self.count = after

    def __call__(self) -> str:
        self.count += 1
        return NUMERALS[self.count - 1] + "、" if self.count <= len(NUMERALS) else f"{self.count}、"


def content(quarter: Period, league: list) -> dict:
    errors = service_errors.section(quarter)
    teller_outlets = {teller.outlet_id for teller in errors.tellers}
    charted = analysis.chart_outlets(league, CHART_OUTLETS) or set()
    complaints = complaint_figures.section(quarter)
    return {
        "survey": survey.section(quarter),
        "service_errors": errors,
        "complaints": complaints,
        "complaints_shown": extremes.complaint_rows(complaints.by_outlet),
        "action_items": action_items.section(quarter),
        "league_shown": extremes.league_rows(league, charted | teller_outlets),
        "errors_shown": extremes.error_rows(errors.outlets, teller_outlets),
        "full_lists": extremes.full_lists(quarter, [month.label for month in quarter.months()]),
    }


def pdf(quarter: Period) -> bytes:
    """The meeting's document, always in Chinese."""
    with force_locale("zh"):
        c = analysis.content(quarter, chart_limit=CHART_OUTLETS)
        html = render_template("pdf/quarterly.html", c=c, pack=content(quarter, c["league"]), kind_label=kind_name,
                               number=SectionNumbers(after=5))
    return render_pdf(html)


def filename(quarter: Period) -> str:
    return f"quarterly-pack-{quarter.year}-Q{quarter.number}.pdf"
