"""HTML pages under /reports/: dashboard, league table, scorecards, red/black lists, coverage, rules, BSC."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from core.errors import OperationError
from core.extensions import db
from core.permissions import authorize, can
from core.refusals import Refusal, refused_form
from org import hierarchy
from org import levels as org_levels
from org.models import Outlet
from org.scope import outlet_id_list, outlets_in_scope, scope_node
from reports import (
    analysis,
    dashboards,
    exports,
    labels,
    level_tables,
    list_exports,
    operations,
    periods,
    presenting,
    rankings,
    rules,
)
from reports.api import XLSX, file_response
from reports.node_league import area_league

blp = Blueprint("reports_pages", __name__, url_prefix="/reports")


@blp.context_processor
def _template_helpers():
    return {**labels.template_helpers(), "may": lambda action, obj=None: can(current_user, action, obj)}


@blp.get("/")
@login_required
def index():
    """Each role's way in: leadership the dashboard, others the one report they may see."""
    for action, endpoint in (("report.dashboard", ".dashboard"), ("report.league.all", ".league"),
                             ("report.scorecards", ".scorecard_list"), ("report.coverage", ".coverage")):
        if can(current_user, action):
            return redirect(url_for(endpoint))
    abort(403, description=_("Your role may not see reports."))


@blp.get("/dashboard")
@login_required
def dashboard():
    authorize("report.dashboard")
    month = presenting.month_arg(request.args.get("month"))
    # A node-bound reader's dashboard is its node's: its outlets ranked among themselves, its figures, its rules.
    node, within = scope_node(current_user), outlets_in_scope(current_user)
    values = rules.current(node)
    ids = set(outlet_id_list(current_user) or []) if node is not None else None
    league = area_league(month, node, values=values)
    by_outlet, by_kind = dashboards.trend_charts(dashboards.trailing_months(month, 6), values, ids, ids)
    return render_template("reports/dashboard.html", month=month, league=league, node=node,
                           kinds=analysis.kind_figures(month, within),
                           findings=analysis.finding_figures(month, within=within),
                           trend_by_outlet=by_outlet, trend_by_kind=by_kind,
                           heat_onsite=dashboards.heat_map(month, "onsite", within=within),
                           heat_remote=dashboards.heat_map(month, "remote", within=within),
                           radars=dashboards.radars_7s(month, within=within))


@blp.get("/league")
@login_required
def league():
    """The outlet league; with a node, its 全辖 (every outlet below it); by nodes, the nodes directly below."""
    period = presenting.period_arg(request.args.get("period"))
    node_id, by = request.args.get("node_id", type=int), request.args.get("by")
    if by == "nodes":
        table = level_tables.node_table(current_user, period, node_id)
        return render_template("reports/node_league.html", period=period, table=table,
                               levels=_level_choices(table["node"], by), level_label=org_levels.label,
                               with_children={n.parent_id for n in hierarchy.tree(current_user) if n.parent_id})
    if node_id is not None:
        table = level_tables.area_table(current_user, period, node_id)
    else:
        table = presenting.league(current_user, period, request.args.get("branch_id", type=int))
    levels = _level_choices(table.get("node"), by) if can(current_user, "report.league.all") else None
    return render_template("reports/league.html", period=period, table=table, levels=levels)


def _level_choices(node, by) -> dict:
    return {"nodes": hierarchy.tree(current_user), "depth": hierarchy.depth, "node": node, "by": by}


@blp.get("/coverage")
@login_required
def coverage():
    month = presenting.month_arg(request.args.get("month"))
    return render_template("reports/coverage.html", month=month, figures=presenting.coverage(current_user, month))


@blp.get("/scorecards")
@login_required
def scorecard_list():
    month = presenting.month_arg(request.args.get("month"))
    outlet_id = request.args.get("outlet_id", type=int)
    figures = presenting.scorecard_list(current_user, month, outlet_id)
    scope = presenting.outlet_scope(current_user)
    outlets = [o for o in rankings.league_outlets() if scope is None or o.id in scope]
    return render_template("reports/scorecards.html", month=month, figures=figures, outlets=outlets,
                           outlet_id=outlet_id)


@blp.get("/scorecards/<int:staff_id>")
@login_required
def scorecard(staff_id: int):
    month = presenting.month_arg(request.args.get("month"))
    return render_template("reports/scorecard.html", month=month,
                           card=presenting.scorecard(current_user, staff_id, month))


@blp.route("/lists", methods=["GET", "POST"])
@login_required
def list_index():
    refusal = Refusal()
    if request.method == "POST":
        with refused_form() as refusal:
            service_list, _created = operations.prepare_list(
                request.form.get("month", ""), request.form.get("scope", ""),
                request.form.get("outlet_id", type=int), None, current_user)
            flash(_("Draft list computed."), "ok")
            return redirect(url_for(".list_page", list_id=service_list.id))
    lists = presenting.service_lists(current_user, request.args.get("month"))
    outlets = db.session.execute(select(Outlet).where(Outlet.active.is_(True)).order_by(Outlet.code)).scalars()
    return render_template("reports/lists.html", lists=lists, outlets=list(outlets), errors=refusal.lines,
                           default_month=periods.last_complete_month()), refusal.status


LIST_ACTIONS = {
    "appeal_note": lambda list_id, form: operations.set_appeal_note(list_id, form.get("appeal_note", ""), current_user),
    "entry_appeal": lambda list_id, form: operations.set_entry_appeal(
        list_id, form.get("entry_id", type=int) or 0, form.get("appeal_note", ""), form.get("withdrawn") == "1",
        current_user),
    "refresh": lambda list_id, form: operations.refresh_list(list_id, current_user),
    "publish": lambda list_id, form: operations.publish_list(list_id, current_user),
    "confirm": lambda list_id, form: operations.confirm_mystery_on_list(
        list_id, form.get("inspection_uuid", ""), form.get("staff_id", type=int) or 0, form.get("note", ""),
        current_user),
}


@blp.route("/lists/<int:list_id>", methods=["GET", "POST"])
@login_required
def list_page(list_id: int):
    authorize("report.lists")
    refusal = Refusal()
    if request.method == "POST":
        action = LIST_ACTIONS.get(request.form.get("action", ""))
        if action is None:
            abort(400, description=_("Unknown action."))
        with refused_form() as refusal:
            action(list_id, request.form)
            flash(_("Saved."), "ok")
            return redirect(url_for(".list_page", list_id=list_id))
    service_list = operations.load_list(list_id, current_user)
    return render_template("reports/list.html", service_list=presenting.list_view(service_list, current_user),
                           errors=refusal.lines, may_manage=can(current_user, "report.lists.manage")), refusal.status


LIST_FILES = {"pdf": (list_exports.pdf, "application/pdf"), "xlsx": (list_exports.xlsx, XLSX),
              "csv": (list_exports.csv, "text/csv")}


@blp.get("/lists/<int:list_id>.<any(pdf, xlsx, csv):extension>")
@login_required
def list_file(list_id: int, extension: str):
    """The list as it is posted: a print-ready PDF, or a workbook or CSV of it."""
    authorize("report.lists")
    service_list = operations.load_list(list_id, current_user)
    render, mimetype = LIST_FILES[extension]
    return file_response(render(service_list), mimetype, list_exports.filename(service_list, extension),
                         inline=extension == "pdf")


@blp.route("/rules", methods=["GET", "POST"])
@login_required
def rule_page():
    authorize("report.rules.view")
    errors: dict = {}
    if request.method == "POST":
        changes = {}
        for spec in rules.RULES:
            raw = request.form.get(spec.key, "").strip()
            try:
                changes[spec.key] = float(raw)
            except ValueError:
                errors[spec.key] = [_("Enter a number.")]
        with refused_form() as refusal:
            if errors:
                raise OperationError(_("Some rules are not valid; nothing was changed."), errors)
            operations.update_rules(changes, current_user)
            flash(_("Rules saved. Scorecards and league tables follow at once; published lists keep theirs."), "ok")
            return redirect(url_for(".rule_page"))
        errors = refusal.by_field
    return render_template("reports/rules.html", rows=presenting.rule_rows(user=current_user), groups=rules.GROUPS,
                           errors=errors,
                           form=request.form, may_manage=can(current_user, "report.rules.manage")), \
        422 if errors else 200


@blp.get("/bsc")
@login_required
def bsc_page():
    period = presenting.period_arg(request.args.get("period"))
    return render_template("reports/bsc.html", period=period, figures=presenting.bsc_figures(current_user, period))


@blp.get("/bsc.xlsx")
@login_required
def bsc_xlsx():
    period = presenting.period_arg(request.args.get("period"))
    figures = presenting.bsc_figures(current_user, period)
    return file_response(exports.xlsx(period, figures["staff"], figures["outlets"]), XLSX, f"bsc-{period.label}.xlsx")


@blp.get("/bsc.csv")
@login_required
def bsc_csv():
    period = presenting.period_arg(request.args.get("period"))
    figures = presenting.bsc_figures(current_user, period)
    scope = "outlet" if request.args.get("scope") == "outlet" else "staff"
    table = exports.staff_table(figures["staff"]) if scope == "staff" else exports.outlet_table(figures["outlets"])
    return file_response(exports.csv_bytes(*table), "text/csv", f"bsc-{scope}-{period.label}.csv")


@blp.get("/analysis.pdf")
@login_required
def analysis_pdf():
    authorize("report.analysis")
    quarter = presenting.quarter_arg(request.args.get("quarter"))
    return file_response(analysis.pdf(quarter), "application/pdf", f"analysis-{quarter.label}.pdf", inline=True)
