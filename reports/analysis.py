"""The quarterly service-quality analysis (领导小组每季度召开服务质量分析会): figures, charts and the PDF."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import and_, case, func, select

from checklists.kinds import kind_name
from core.clock import local_today
from core.extensions import db
from core.partitions import month_of
from core.pdf import render_pdf
from inspections.models import Answer, Inspection
from org.models import Branch
from rectification import lateness
from rectification.models import Finding
from reports import charts, dashboards, rules
from reports.counting import counted_finding, counted_inspection, plan_each_query, seconds_between, submitted_in
from reports.models import PUBLISHED, ItemMonthRollup, ServiceList
from reports.periods import Period
from reports.rankings import league

SEVERITIES = ("critical", "major", "minor")


@dataclass(frozen=True)
class KindFigures:
    kind: str
    inspections: int
    average: float | None


@dataclass(frozen=True)
class FrequentFinding:
    item_key: str
    kind: str
    title: str
    findings: int
    answered: int
    failed: int

    @property
    def failure_rate(self) -> float | None:
        return round(self.failed / self.answered * 100, 1) if self.answered else None


@dataclass(frozen=True)
class FindingFigures:
    """The period's findings; `overdue` is the outlets' (not answered in time and still open),
    `answered_late` theirs too, `verification_overdue` the verifiers' (rectification.lateness)."""
    by_severity: dict[str, int]
    closed: int
    overdue: int
    average_days_to_close: float | None
    answered_late: int = 0
    verification_overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())

    @property
    def closure_rate(self) -> float | None:
        return round(self.closed / self.total * 100, 1) if self.total else None


def kind_figures(period: Period, within=None) -> list[KindFigures]:
    """Per kind: inspections and their average; `within` (a subquery of outlet ids) keeps a node's outlets."""
    query = (select(Inspection.kind, func.count(), func.avg(Inspection.percent))
             .where(counted_inspection(), submitted_in(period)).group_by(Inspection.kind))
    if within is not None:
        query = query.where(Inspection.outlet_id.in_(within))
    rows = {kind: (count, average) for kind, count, average in db.session.execute(query)}
    return [KindFigures(kind, rows.get(kind, (0, None))[0],
                        round(float(rows[kind][1]), 1) if kind in rows and rows[kind][1] is not None else None)
            for kind in rules.KINDS]


def finding_figures(period: Period, today=None, within=None) -> FindingFigures:
    today = today or local_today()
    node_only = [Finding.outlet_id.in_(within)] if within is not None else []
    is_closed = and_(Finding.status == "closed", Finding.closed_at.isnot(None))
    by_severity = dict.fromkeys(SEVERITIES, 0)
    closed = overdue = late = waiting = 0
    seconds_total, closed_with_time = 0.0, 0
    for severity, count, closed_count, overdue_count, late_count, waiting_count, seconds in db.session.execute(
            select(Finding.severity, func.count(), func.sum(case((is_closed, 1), else_=0)),
                   func.sum(case((lateness.outlet_overdue(today), 1), else_=0)),
                   func.sum(case((lateness.answered_late(), 1), else_=0)),
                   func.sum(case((lateness.verification_overdue(today), 1), else_=0)),
                   func.sum(case((is_closed, seconds_between(Finding.created_at, Finding.closed_at)), else_=None)))
            .where(Finding.published.is_(True), Finding.created_at >= period.start, Finding.created_at < period.end,
                   *node_only)
            .group_by(Finding.severity)):
        by_severity[severity] = count
        closed += closed_count or 0
        overdue += overdue_count or 0
        late += late_count or 0
        waiting += waiting_count or 0
        if seconds is not None:
            seconds_total += float(seconds)
            closed_with_time += closed_count or 0
    average = round(seconds_total / closed_with_time / 86400, 1) if closed_with_time else None
    return FindingFigures(by_severity, closed, overdue, average, late, waiting)


def frequent_findings(period: Period, limit: int = 10, raw: bool = False) -> list[FrequentFinding]:
    """The items that failed most often, with how often they fail when they are answered: from the monthly
    rollups; `raw` counts the answers themselves."""
    top = db.session.execute(
        select(Finding.item_key, Inspection.kind, func.max(Finding.title), func.count().label("n"))
        .join(Inspection, Inspection.id == Finding.inspection_id)
        .where(counted_finding(), submitted_in(period))
        .group_by(Finding.item_key, Inspection.kind)
        .order_by(func.count().desc(), Finding.item_key).limit(limit)).all()
    if not top:
        return []
    keys = {key for key, _, _, _ in top}
    rates = _item_rates(period, keys) if raw else {
        (key, kind): (int(answered), int(failed)) for key, kind, answered, failed in db.session.execute(
            select(ItemMonthRollup.item_key, ItemMonthRollup.kind, func.sum(ItemMonthRollup.answered),
                   func.sum(ItemMonthRollup.failed))
            .where(ItemMonthRollup.month.between(period.first, period.last), ItemMonthRollup.item_key.in_(keys))
            .group_by(ItemMonthRollup.item_key, ItemMonthRollup.kind))}
    return [FrequentFinding(key, kind, title, count, *rates.get((key, kind), (0, 0))) for key, kind, title, count in top]


def _item_rates(period: Period, keys: set[str]) -> dict[tuple[str, str], tuple[int, int]]:
    return {(key, kind): (answered, failed) for key, kind, answered, failed in db.session.execute(
        select(Answer.item_key, Inspection.kind, func.count(), func.sum(case((Answer.failed.is_(True), 1), else_=0)))
        .join(Inspection, Inspection.id == Answer.inspection_id)
        # An inspection is opened before it is submitted: on PostgreSQL the answers' partitions of the months
        # after the period are skipped (bench/README.md, "Monthly partitions").
        .where(counted_inspection(), submitted_in(period), Answer.inspection_month <= month_of(period.end),
               Answer.state == "answered",
               Answer.item_key.in_(keys))
        .group_by(Answer.item_key, Inspection.kind))}


def published_lists(period: Period) -> list[ServiceList]:
    months = [month.label for month in period.months()]
    return db.session.execute(select(ServiceList).where(ServiceList.month.in_(months), ServiceList.status == PUBLISHED)
                              .order_by(ServiceList.month, ServiceList.scope_key)).scalars().all()


def chart_outlets(table: list, limit: int | None) -> set[int] | None:
    """The outlets the per-outlet charts draw: all of them (None), or past `limit` outlets the `limit`
    lowest in the league table, those furthest from the target; the table itself lists every outlet."""
    if limit is None or len(table) <= limit:
        return None
    ranked = [row for row in table if row.rank is not None]
    return {row.outlet_id for row in sorted(ranked, key=lambda row: row.rank)[-limit:]}


def content(quarter: Period, chart_limit: int | None = None) -> dict:
    """The analysis's figures and charts; `chart_limit` caps how many outlets the per-outlet charts (trend
    lines, heat maps, radars) draw, for a bank too large to read them all."""
    plan_each_query()
    values = rules.current()
    frequent = frequent_findings(quarter)
    months = dashboards.trailing_months(quarter, 6)
    table = league(quarter, values=values)
    charted = chart_outlets(table, chart_limit)
    by_outlet, by_kind = dashboards.trend_charts(months, values, charted)
    # The analysis covers every outlet: it is named after the top of the bank's tree.
    tops = db.session.execute(select(Branch.name).where(Branch.parent_id.is_(None)).order_by(Branch.code)).scalars()
    return {
        "quarter": quarter, "title": dashboards.month_label(quarter), "branch": "、".join(tops),
        "generated": local_today(), "kinds": kind_figures(quarter), "findings": finding_figures(quarter),
        "league": table, "frequent": frequent, "rules": values,
        "charted_outlets": None if charted is None else len(charted),
        "trend_by_outlet": by_outlet, "trend_by_kind": by_kind,
        "heat_onsite": dashboards.heat_map(quarter, "onsite", charted),
        "heat_remote": dashboards.heat_map(quarter, "remote", charted),
        "radars": dashboards.radars_7s(quarter, size=210, outlet_ids=charted),
        "frequent_chart": charts.bar_chart([f.title for f in frequent], [f.findings for f in frequent],
                                           title="问题频次（件）") if frequent else None,
        "lists": published_lists(quarter),
    }


def pdf(quarter: Period) -> bytes:
    """The meeting's document, always in Chinese."""
    with force_locale("zh"):
        html = render_template("pdf/analysis.html", c=content(quarter), kind_label=kind_name)
    return render_pdf(html)
