"""What the satisfaction page shows: each segment's trend over the periods, its latest rank against the
target, the places still to gain, and the items customers named worst."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from core.extensions import db
from org.models import Outlet
from reports import charts
from satisfaction.labels import period_label, period_order, segment_label
from satisfaction.models import SEGMENTS, SurveyResult

# The plan's target: 同业领先、系统内进入前六 — a rank of six or better in the system. A constant while the
# plan names one figure for every segment; the report rules are for the inspection figures.
TARGET_RANK = 6


@dataclass(frozen=True)
class SegmentFigures:
    key: str
    label: str
    latest: SurveyResult | None
    previous: SurveyResult | None
    chart: object

    @property
    def gap(self) -> int | None:
        """Places still to gain to reach the target; 0 once reached."""
        return None if self.latest is None else max(0, self.latest.system_rank - TARGET_RANK)

    @property
    def rank_change(self) -> int | None:
        """Places gained since the period before (negative: lost)."""
        if self.latest is None or self.previous is None:
            return None
        return self.previous.system_rank - self.latest.system_rank


def branch_results() -> list[SurveyResult]:
    """The sub-branch's own results (not an outlet's), oldest period first."""
    rows = db.session.execute(select(SurveyResult).where(SurveyResult.outlet_id.is_(None))).scalars().all()
    return sorted(rows, key=lambda row: period_order(row.period))


def segments() -> list[SegmentFigures]:
    rows = branch_results()
    periods = sorted({row.period for row in rows}, key=period_order)
    figures = []
    for key in SEGMENTS:
        own = [row for row in rows if row.segment == key]
        by_period = {row.period: row for row in own}
        chart = charts.line_chart(
            [period_label(p) for p in periods],
            [(_("Score"), [by_period[p].score if p in by_period else None for p in periods])],
            title=_("%(segment)s: score by period", segment=segment_label(key)), width=440, height=220,
        ) if own else None
        figures.append(SegmentFigures(key, segment_label(key), own[-1] if own else None,
                                      own[-2] if len(own) > 1 else None, chart))
    return figures


def results_query():
    """Every result, newest period first (then segment, the sub-branch before its outlets)."""
    return (select(SurveyResult).outerjoin(Outlet, Outlet.id == SurveyResult.outlet_id)
            .order_by(SurveyResult.period.desc(), SurveyResult.segment, Outlet.code.is_not(None), Outlet.code,
                      SurveyResult.id.desc()))


def outlet_names(results: list[SurveyResult]) -> dict[int, str]:
    ids = {row.outlet_id for row in results if row.outlet_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(Outlet.id, Outlet.name).where(Outlet.id.in_(ids))).all())
