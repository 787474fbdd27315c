"""What a user may see of each report, shaped once for the API and the pages."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from core.errors import NotFound
from core.extensions import db
from core.permissions import authorize, can
from mystery.models import MysteryConfirmation
from org.models import Staff, User
from org.scope import scope_node
from reports import bsc, periods, rankings, rules, scorecards
from reports.models import BLACK, RED, ServiceList
from reports.policies import outlet_scope


def month_arg(text: str | None) -> periods.Period:
    return periods.parse(text, default=periods.last_complete_month(), quarters=False, field="month")


def period_arg(text: str | None, *, field: str = "period") -> periods.Period:
    return periods.parse(text, default=periods.last_complete_month(), field=field)


def quarter_arg(text: str | None) -> periods.Period:
    quarter = periods.parse(text, default=periods.last_complete_quarter(), field="quarter")
    if quarter.kind != "quarter":
        quarter = periods.quarter_period(quarter.year, (quarter.number - 1) // 3 + 1)
    return quarter


def rule_rows(values: dict[str, float] | None = None, user: User | None = None) -> list[dict]:
    """The rules as they hold where the reader works (its node's, else the whole bank's)."""
    values = values or rules.current(scope_node(user) if user is not None else None)
    return [{"key": s.key, "value": values[s.key], "default": float(s.default), "low": s.low, "high": s.high,
             "integer": s.integer, "yes_no": rules.is_yes_no(s), "group": s.group, "label": str(s.label),
             "shown": rules.rule_value(s.key, values[s.key]), "default_shown": rules.rule_value(s.key, s.default)}
            for s in rules.RULES]


def _scope_outlets(user: User, outlet_id: int | None) -> list[int] | None:
    allowed = outlet_scope(user)
    if outlet_id is None:
        return allowed
    if allowed is not None and outlet_id not in allowed:
        raise NotFound(_("No such outlet, or it is not yours to see."))
    return [outlet_id]


def scorecard_list(user: User, month: periods.Period, outlet_id: int | None = None) -> dict:
    authorize("report.scorecards", user=user)
    # Each person settled by the rules where they work; the base shown is that of the reader's node.
    staff = scorecards.summaries(month, outlet_ids=_scope_outlets(user, outlet_id))
    return {"month": month.label, "base_points": rules.current(scope_node(user))["base_points"], "staff": staff}


def scorecard(user: User, staff_id: int, month: periods.Period) -> dict:
    authorize("report.scorecards", user=user)
    staff = db.session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(_("No staff member with the number %(number)s.", number=staff_id))
    authorize("report.scorecard.view", staff, conceal=True, user=user)
    card = scorecards.card(staff, month)
    return {"month": month.label, "base": card.base, "total": card.total, "summary": card.summary,
            "lines": card.lines, "staff": staff}


def league(user: User, period: periods.Period, branch_id: int | None = None) -> dict:
    authorize("report.league", user=user)
    if scope_node(user) is not None:  # a node-bound user's league is its node's 全辖
        from reports.level_tables import area_table
        return area_table(user, period, branch_id)
    values = rules.current()
    rows = rankings.league(period, branch_id=branch_id, values=values)
    if not can(user, "report.league.all"):
        rows = [row for row in rows if row.outlet_id == user.outlet_id]
    return {"period": period.label, "previous_period": period.previous().label,
            "target_rank": int(values["target_rank"]), "rows": rows, "period_object": period}


def coverage(user: User, month: periods.Period) -> dict:
    authorize("report.coverage", user=user)
    outlets = rankings.league_outlets()
    allowed = outlet_scope(user)
    if allowed is not None:
        outlets = [o for o in outlets if o.id in allowed]
    figures = rankings.coverage(month, [o.id for o in outlets])
    rows = [{"outlet_id": outlet_id, "code": code, "name": name, "tellers": figures[outlet_id].tellers,
             "cycles": figures[outlet_id].cycles, "covered": figures[outlet_id].covered,
             "excused": figures[outlet_id].excused, "missing": figures[outlet_id].missing,
             "expected": figures[outlet_id].expected, "percent": figures[outlet_id].percent}
            for outlet_id, code, name in outlets]
    # Most urgent first: the lowest coverage, then the most checks missing; outlets with nothing expected last.
    rows.sort(key=lambda row: (row["percent"] is None, row["percent"] or 0, -row["missing"], row["code"]))
    return {"month": month.label, "rows": rows}


def service_lists(user: User, month_text: str | None = None) -> list[ServiceList]:
    authorize("report.lists", user=user)
    query = select(ServiceList).order_by(ServiceList.month.desc(), ServiceList.scope, ServiceList.outlet_id)
    if month_text:
        query = query.where(ServiceList.month == month_arg(month_text).label)
    return [s for s in db.session.execute(query).scalars() if can(user, "report.list.view", s)]


def visible_entries(service_list: ServiceList, user: User) -> list:
    """Leadership sees every entry with its appeal; others the published list as it stands."""
    if can(user, "report.list.all_entries"):
        return list(service_list.entries)
    return [e for e in service_list.entries if e.colour in (RED, BLACK) and not e.withdrawn]


def list_view(service_list: ServiceList, user: User) -> dict:
    shaped = {column: getattr(service_list, column) for column in (
        "id", "month", "scope", "branch_id", "outlet_id", "outlet", "status", "appeal_note", "rules", "computed_at",
        "published_at", "published_by", "is_published", "branch")}
    shaped["entries"] = visible_entries(service_list, user)
    return shaped


def confirmations() -> list[MysteryConfirmation]:
    authorize("report.mystery.confirm")
    return db.session.execute(select(MysteryConfirmation).order_by(MysteryConfirmation.id.desc())).scalars().all()


def bsc_figures(user: User, period: periods.Period) -> dict:
    authorize("report.bsc", user=user)
    values = rules.current()
    return {"period": period.label, "max_points": bsc.BSC_MAX, "staff": bsc.staff_points(period, values),
            "outlets": bsc.outlet_points(period, values)}

