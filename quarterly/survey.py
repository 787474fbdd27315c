"""The pack's customer-satisfaction section: each segment's score and rank in the system for the quarter
against the target rank, the places still to gain, the trend over the last quarters and the items
customers named worst. The sub-branch's own results (not an outlet's) are the ones the target is about."""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from core.extensions import db
from reports import charts
from reports.periods import Period
from satisfaction.labels import segment_label
from satisfaction.models import SEGMENTS, SurveyResult
from satisfaction.presenting import TARGET_RANK

TREND_QUARTERS = 6


@dataclass(frozen=True)
class SegmentQuarter:
    key: str
    label: str
    result: SurveyResult | None
    previous: SurveyResult | None  # the quarter before's

    @property
    def gap(self) -> int | None:
        """Places still to gain to reach the target; 0 once reached."""
        return None if self.result is None else max(0, self.result.system_rank - TARGET_RANK)

    @property
    def rank_change(self) -> int | None:
        """Places gained since the quarter before (negative: lost)."""
        if self.result is None or self.previous is None:
            return None
        return self.previous.system_rank - self.result.system_rank


@dataclass(frozen=True)
class SatisfactionSection:
    target_rank: int
    segments: list[SegmentQuarter]
    quarters: list[Period]  # the trend's, oldest first, ending with the pack's quarter
    score_chart: Markup | None
    rank_chart: Markup | None

    @property
    def empty(self) -> bool:
        return all(segment.result is None for segment in self.segments)


def survey_period(quarter: Period) -> str:
    """How a survey names a quarter: 2026-Q3."""
    return f"{quarter.year}-Q{quarter.number}"


def _month_keys(quarter: Period) -> list[str]:
    return [f"{month.year}-{month.number:02d}" for month in quarter.months()]


def quarter_results(quarters: list[Period]) -> dict[tuple[str, str], SurveyResult]:
    """Per (quarter label, segment) the sub-branch's result: the quarter's survey, or when the survey ran
    monthly, the quarter's last month that has one."""
    wanted = {survey_period(q): q for q in quarters}
    months = {key: q for q in quarters for key in _month_keys(q)}
    rows = db.session.execute(select(SurveyResult).where(
        SurveyResult.outlet_id.is_(None), SurveyResult.period.in_([*wanted, *months]))).scalars().all()
    found: dict[tuple[str, str], SurveyResult] = {}
    for row in sorted(rows, key=lambda r: r.period):  # months before the quarter's own ("-0" < "-Q")
        quarter = wanted.get(row.period) or months[row.period]
        found[(quarter.label, row.segment)] = row
    return found


def section(quarter: Period) -> SatisfactionSection:
    quarters = [quarter]
    while len(quarters) < TREND_QUARTERS:
        quarters.insert(0, quarters[0].previous())
    results = quarter_results(quarters)
    segments = [SegmentQuarter(key, segment_label(key), results.get((quarter.label, key)),
                               results.get((quarter.previous().label, key))) for key in SEGMENTS]
    score_chart = rank_chart = None
    if results:
        while not any((quarters[0].label, key) in results for key in SEGMENTS):
            quarters.pop(0)  # the trend starts with the first quarter that has a result
        labels = [_("%(year)d Q%(quarter)d", year=q.year, quarter=q.number) for q in quarters]
        scores = [(segment_label(key), [_score(results.get((q.label, key))) for q in quarters]) for key in SEGMENTS]
        score_chart = charts.line_chart(labels, scores, title=_("Satisfaction score by quarter"), height=240,
                                        y_range=(_score_floor(results.values()), 100.0))
        ranks = [(segment_label(key), [_rank(results.get((q.label, key))) for q in quarters]) for key in SEGMENTS]
        worst = max(max((r for _label, values in ranks for r in values if r is not None), default=1), TARGET_RANK)
        bottom = 1 + math.ceil((worst - 1) / 4) * 4 if worst > 1 else 5  # four even steps up to rank 1
        ranks.append((_("Target: top %(rank)d", rank=TARGET_RANK), [float(TARGET_RANK)] * len(quarters)))
        rank_chart = charts.line_chart(labels, ranks, title=_("Rank in the system by quarter (1 is best)"),
                                       height=240, y_range=(bottom, 1))
    return SatisfactionSection(TARGET_RANK, segments, quarters, score_chart, rank_chart)


def _score(result: SurveyResult | None) -> float | None:
    return None if result is None else result.score


def _rank(result: SurveyResult | None) -> float | None:
    return None if result is None else float(result.system_rank)


def _score_floor(results) -> float:
    """The axis's low end: 100 less four even steps of 1, 2, 2.5, 5 or 10 points, below the lowest score."""
    lowest = min(result.score for result in results)
    for step in (1.0, 2.0, 2.5, 5.0, 10.0, 25.0):
        if 100.0 - 4 * step <= lowest - step / 2:
            return 100.0 - 4 * step
    return 0.0
