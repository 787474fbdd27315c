"""The figures behind the dashboard and the quarterly report: monthly trends, section averages per outlet
(the heat map and the 7S radar), read from the stored inspection and section score rows."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Row, func, select

from checklists.kinds import kind_name
from checklists.store import checklist_of, current_versions
from core.extensions import db
from reports import charts, rules
from reports.counting import among, plan_each_query
from reports.models import OutletMonthRollup, SectionMonthRollup
from reports.periods import Period
from reports.rankings import average_percent, league_outlets, weighted_score


def english() -> bool:
    return str(get_locale()) == "en"


def month_label(period: Period) -> str:
    if period.kind == "quarter":
        return _("%(year)d Q%(quarter)d", year=period.year, quarter=period.number)
    return _("%(year)d-%(month)02d", year=period.year, month=period.number)


def trailing_months(last: Period, count: int = 6) -> list[Period]:
    months = [last.months()[-1]]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months


def kind_averages(period: Period, outlet_ids) -> dict[int, dict[str, tuple[float, int]]]:
    """{outlet: {kind: (average percent, count)}} of the period, from the monthly rollups."""
    plan_each_query()
    rows = db.session.execute(
        select(OutletMonthRollup.outlet_id, OutletMonthRollup.kind, func.sum(OutletMonthRollup.scored),
               func.sum(OutletMonthRollup.percent_hundredths))
        .where(OutletMonthRollup.month.between(period.first, period.last), among(OutletMonthRollup.outlet_id, outlet_ids))
        .group_by(OutletMonthRollup.outlet_id, OutletMonthRollup.kind))
    result: dict[int, dict] = defaultdict(dict)
    for outlet_id, kind, count, hundredths in rows:
        if count:
            result[outlet_id][kind] = (average_percent(hundredths, count), int(count))
    return result


@dataclass
class Trend:
    months: list[Period]
    outlets: list[Row[tuple[int, str, str]]]
    by_outlet: dict[int, list[float | None]]
    by_kind: dict[str, list[float | None]]


def trend(months: list[Period], values=None, outlet_ids: set[int] | None = None) -> Trend:
    """Each outlet's score by month and each kind's average over those outlets (`outlet_ids`: only those)."""
    values = values or rules.current()
    weights = rules.kind_weights(values)
    outlets = [o for o in league_outlets() if outlet_ids is None or o.id in outlet_ids]
    ids = [outlet_id for outlet_id, _, _ in outlets]
    by_outlet: dict[int, list] = {outlet_id: [] for outlet_id in ids}
    by_kind: dict[str, list] = {kind: [] for kind in rules.KINDS}
    for month in months:
        averages = kind_averages(month, ids)
        for outlet_id in ids:
            by_outlet[outlet_id].append(weighted_score(averages.get(outlet_id, {}), weights))
        for kind in rules.KINDS:
            pairs = [per_kind[kind] for per_kind in averages.values() if kind in per_kind]
            count = sum(n for _, n in pairs)
            by_kind[kind].append(round(sum(a * n for a, n in pairs) / count, 2) if count else None)
    return Trend(months, outlets, by_outlet, by_kind)


def section_labels(kind: str) -> list[tuple[str, str]]:
    """(key, label) of the sections of the newest published checklist of a kind, in checklist order."""
    labels: list[tuple[str, str]] = []
    for version in current_versions((kind,)):
        for section in checklist_of(version).sections:
            if all(key != section.key for key, _ in labels):
                labels.append((section.key, section.label.get("en" if english() else "zh")))
    return labels


def section_averages(period: Period, kind: str, within=None) -> dict[int, dict[str, float]]:
    """Per outlet and section, from the monthly rollups; `within` (a subquery of outlet ids) keeps a node's
    outlets only."""
    plan_each_query()
    query = (select(SectionMonthRollup.outlet_id, SectionMonthRollup.section_key, func.sum(SectionMonthRollup.scored),
                    func.sum(SectionMonthRollup.percent_hundredths))
             .where(SectionMonthRollup.kind == kind, SectionMonthRollup.month.between(period.first, period.last))
             .group_by(SectionMonthRollup.outlet_id, SectionMonthRollup.section_key))
    if within is not None:
        query = query.where(SectionMonthRollup.outlet_id.in_(within))
    result: dict[int, dict[str, float]] = defaultdict(dict)
    for outlet_id, key, count, hundredths in db.session.execute(query):
        if count:
            result[outlet_id][key] = float((Decimal(int(hundredths)) / (100 * int(count)))
                                           .quantize(Decimal("0.1"), ROUND_HALF_UP))
    return result


def _columns(kind: str, averages: dict[int, dict[str, float]]) -> list[tuple[str, str]]:
    seen = {key for per_outlet in averages.values() for key in per_outlet}
    known = [(key, label) for key, label in section_labels(kind) if key in seen]
    return known + [(key, key) for key in sorted(seen - {key for key, _ in known})]


def heat_map(period: Period, kind: str, outlet_ids: set[int] | None = None, within=None):
    """Outlets by section; `outlet_ids` narrows the rows to those outlets, `within` the figures to a node's."""
    averages = section_averages(period, kind, within)
    columns = _columns(kind, averages)
    outlets = [o for o in league_outlets() if o.id in averages and (outlet_ids is None or o.id in outlet_ids)]
    if not columns or not outlets:
        return None
    values = [[averages[outlet_id].get(key) for key, _ in columns] for outlet_id, _, _ in outlets]
    title = _("%(kind)s by outlet and section, %(period)s (%%)", kind=kind_name(kind), period=month_label(period))
    return charts.heat_map([name for _, _, name in outlets], [label for _, label in columns], values, title=title)


def radars_7s(period: Period, size: int = 250, outlet_ids: set[int] | None = None, within=None) -> list:
    """A radar of the 7S sections per outlet (or only those of `outlet_ids`), against the average of the
    outlets `within` a node (all of them without one)."""
    averages = section_averages(period, "7s", within)
    columns = _columns("7s", averages)
    if not columns:
        return []
    branch = []
    for key, _label in columns:
        present = [per[key] for per in averages.values() if key in per]
        branch.append(round(sum(present) / len(present), 1) if present else None)
    low, _high = charts.percent_range(v for per in averages.values() for v in per.values())
    return [charts.radar_chart([label for _, label in columns],
                               [(name, [averages[outlet_id].get(key) for key, _ in columns]),
                                (_("Branch average"), branch)],
                               title=name, size=size, low=low)
            for outlet_id, _code, name in league_outlets()
            if outlet_id in averages and (outlet_ids is None or outlet_id in outlet_ids)]


def trend_charts(months: list[Period], values=None, outlet_ids: set[int] | None = None,
                 within: set[int] | None = None) -> tuple:
    """The outlets' scores by month (only those of `outlet_ids`, when given) and the kinds' averages over the
    outlets `within` a node (all of them without one)."""
    data = trend(months, values, within)
    categories = [f"{m.year % 100:02d}/{m.number:02d}" for m in months]
    by_outlet = charts.line_chart(categories, [(name, data.by_outlet[outlet_id]) for outlet_id, _, name in data.outlets
                                               if outlet_ids is None or outlet_id in outlet_ids],
                                  title=_("Outlet score by month"))
    by_kind = charts.line_chart(categories, [(kind_name(kind), data.by_kind[kind]) for kind in rules.KINDS],
                                title=_("Average score by inspection kind"))
    return by_outlet, by_kind
