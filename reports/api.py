"""Reports under /api/v1/reports: scorecards, red/black lists, league tables, coverage, BSC points, the
quarterly analysis. Handlers parse, authorize, call one operation or query, and shape the answer."""
from __future__ import annotations

from flask import Response, jsonify
from flask_login import current_user
from flask_smorest import Blueprint

from core.permissions import authorize
from org.scope import outlet_id_list
from reports import analysis, dashboards, exports, level_tables, operations, presenting
from reports.schemas import (
    AreaLeagueSchema,
    BscFileArgs,
    BscSchema,
    ConfirmationInSchema,
    ConfirmationSchema,
    CoverageListSchema,
    EntryPatchSchema,
    EntrySchema,
    LeagueSchema,
    LevelLeagueArgs,
    ListCreateSchema,
    ListPatchSchema,
    ListQueryArgs,
    MonthArgs,
    NodeLeagueSchema,
    PeriodArgs,
    RuleSchema,
    RulesUpdateSchema,
    ScorecardListSchema,
    ScorecardSchema,
    ServiceListSchema,
    SummarySchema,
)

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports",
                description="Staff scorecards, red/black lists, outlet league tables, remote-cycle coverage, "
                            "BSC points and the quarterly analysis, read from the stored score rows.")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_FIELDS = tuple(SummarySchema().fields)


def file_response(data: bytes, mimetype: str, filename: str, *, inline: bool = False) -> Response:
    response = Response(data, mimetype=mimetype)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{filename}"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blp.route("/rules", methods=["GET"])
@blp.response(200, RuleSchema(many=True))
def get_rules():
    """The rule set: scorecard points, list sizes, league weights and target rank, BSC factors."""
    authorize("report.rules.view")
    return presenting.rule_rows(user=current_user)


@blp.route("/rules", methods=["PATCH"])
@blp.arguments(RulesUpdateSchema)
@blp.response(200, RuleSchema(many=True))
@blp.alt_response(422, description="A rule unknown or out of range; nothing was changed.")
def patch_rules(data):
    """Change some rules (admin). Scorecards and league tables follow at once; published lists do not."""
    return presenting.rule_rows(operations.update_rules(data["values"], current_user))


@blp.route("/scorecards")
@blp.arguments(MonthArgs, location="query")
@blp.response(200, ScorecardListSchema)
def list_scorecards(args):
    """Every staff member's points for a month (an outlet manager: the own outlet's staff only)."""
    figures = presenting.scorecard_list(current_user, presenting.month_arg(args["month"]), args["outlet_id"])
    # Thousands of rows: shaped straight from the fields the schema declares, at a tenth of marshmallow's cost.
    return jsonify({**figures, "staff": [{name: getattr(row, name) for name in SUMMARY_FIELDS}
                                         for row in figures["staff"]]})


@blp.route("/scorecards/<int:staff_id>")
@blp.arguments(MonthArgs, location="query")
@blp.response(200, ScorecardSchema)
def get_scorecard(args, staff_id):
    """One person's scorecard: every line with its points, inspection and finding (links included)."""
    return presenting.scorecard(current_user, staff_id, presenting.month_arg(args["month"]))


@blp.route("/league")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, LeagueSchema)
def get_league(args):
    """The outlet league table of a month or quarter (an outlet manager: the own outlet's row only)."""
    return presenting.league(current_user, presenting.period_arg(args["period"]), args["branch_id"])


@blp.route("/league/area")
@blp.arguments(LevelLeagueArgs, location="query")
@blp.response(200, AreaLeagueSchema)
def get_area_league(args):
    """全辖: the outlet league over every outlet below a node (none: the whole bank), ranked among themselves."""
    return level_tables.area_table(current_user, presenting.period_arg(args["period"]), args["node_id"])


@blp.route("/league/nodes")
@blp.arguments(LevelLeagueArgs, location="query")
@blp.response(200, NodeLeagueSchema)
def get_node_league(args):
    """The nodes directly below a node (none: the top nodes), e.g. the sub-branches within a city branch, ranked
    by their outlets' summed figures (sums and counts, not averages of averages)."""
    return level_tables.node_table(current_user, presenting.period_arg(args["period"]), args["node_id"])


@blp.route("/coverage")
@blp.arguments(MonthArgs, location="query")
@blp.response(200, CoverageListSchema)
def get_coverage(args):
    """Remote-cycle coverage per outlet: tellers × completed two-day cycles, and how many were checked."""
    return presenting.coverage(current_user, presenting.month_arg(args["month"]))


@blp.route("/lists", methods=["GET"])
@blp.arguments(ListQueryArgs, location="query")
@blp.response(200, ServiceListSchema(many=True, exclude=("entries",)))
def list_lists(args):
    """Red/black lists the caller may see (an outlet manager: the own outlet's published lists)."""
    return presenting.service_lists(current_user, args["month"])


@blp.route("/lists", methods=["POST"])
@blp.arguments(ListCreateSchema)
@blp.response(201, ServiceListSchema)
@blp.alt_response(200, schema=ServiceListSchema, description="The month's draft existed and was computed again.")
@blp.alt_response(409, description="The month's list is already published.")
def prepare_list(data):
    """Compute a month's draft list for an outlet or the branch (admin)."""
    service_list, created = operations.prepare_list(data["month"], data["scope"], data["outlet_id"],
                                                    data["branch_id"], current_user)
    return presenting.list_view(service_list, current_user), 201 if created else 200


@blp.route("/lists/<int:list_id>", methods=["GET"])
@blp.response(200, ServiceListSchema)
def get_list(list_id):
    """One list with its entries."""
    return presenting.list_view(operations.load_list(list_id, current_user), current_user)


@blp.route("/lists/<int:list_id>", methods=["PATCH"])
@blp.arguments(ListPatchSchema)
@blp.response(200, ServiceListSchema)
@blp.alt_response(409, description="Published lists are frozen.")
def patch_list(data, list_id):
    """The list's appeal note (admin, draft only)."""
    return presenting.list_view(operations.set_appeal_note(list_id, data["appeal_note"], current_user), current_user)


@blp.route("/lists/<int:list_id>/refresh", methods=["POST"])
@blp.response(200, ServiceListSchema)
@blp.alt_response(409, description="Published lists are frozen.")
def refresh_list(list_id):
    """Compute a draft again from the current data and rules; appeal notes are kept."""
    return presenting.list_view(operations.refresh_list(list_id, current_user), current_user)


@blp.route("/lists/<int:list_id>/entries/<int:entry_id>", methods=["PATCH"])
@blp.arguments(EntryPatchSchema)
@blp.response(200, EntrySchema)
@blp.alt_response(409, description="Published lists are frozen.")
def patch_entry(data, list_id, entry_id):
    """Record a person's appeal; `withdrawn: true` upholds it and takes them off the list."""
    return operations.set_entry_appeal(list_id, entry_id, data["appeal_note"], data["withdrawn"], current_user)


@blp.route("/lists/<int:list_id>/publish", methods=["POST"])
@blp.response(200, ServiceListSchema)
@blp.alt_response(409, description="Already published, or the month is not over.")
def publish_list(list_id):
    """The admin's sign-off: publish the list as it stands; it is frozen from then on."""
    return presenting.list_view(operations.publish_list(list_id, current_user), current_user)


@blp.route("/mystery-confirmations", methods=["GET"])
@blp.response(200, ConfirmationSchema(many=True))
def list_confirmations():
    """Admins' confirmations of mystery-visit evidence about a person."""
    return presenting.confirmations()


@blp.route("/mystery-confirmations", methods=["POST"])
@blp.arguments(ConfirmationInSchema)
@blp.response(201, ConfirmationSchema)
@blp.alt_response(200, schema=ConfirmationSchema, description="Confirmed before.")
def confirm_mystery(data):
    """Confirm that a published mystery visit's findings about a person stand on their own (admin), so the
    visit alone may put them on the black list."""
    confirmation, created = operations.confirm_mystery(data["inspection_uuid"], data["staff_id"], data["note"],
                                                       current_user)
    return confirmation, 201 if created else 200


@blp.route("/bsc")
@blp.arguments(BscFileArgs, location="query")
@blp.response(200, BscSchema)
def get_bsc(args):
    """BSC service points (of 4) of every staff member and outlet for a month or quarter."""
    return presenting.bsc_figures(current_user, presenting.period_arg(args["period"]))


@blp.route("/bsc.xlsx")
@blp.arguments(BscFileArgs, location="query")
@blp.response(200, description="A workbook with a staff sheet and an outlet sheet.")
def get_bsc_xlsx(args):
    """BSC service points as XLSX."""
    figures = presenting.bsc_figures(current_user, presenting.period_arg(args["period"]))
    return file_response(exports.xlsx(presenting.period_arg(args["period"]), figures["staff"], figures["outlets"]),
                         XLSX, f"bsc-{figures['period']}.xlsx")


@blp.route("/bsc.csv")
@blp.arguments(BscFileArgs, location="query")
@blp.response(200, description="UTF-8 CSV (with a byte-order mark for Excel), staff or outlet rows.")
def get_bsc_csv(args):
    """BSC service points as CSV."""
    figures = presenting.bsc_figures(current_user, presenting.period_arg(args["period"]))
    table = exports.staff_table(figures["staff"]) if args["scope"] == "staff" else \
        exports.outlet_table(figures["outlets"])
    return file_response(exports.csv_bytes(*table), "text/csv", f"bsc-{args['scope']}-{figures['period']}.csv")


@blp.route("/trends")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, description="Monthly scores of the six months up to the period, per outlet and per kind.")
def get_trends(args):
    """The dashboard's trend lines as data."""
    authorize("report.dashboard")
    months = dashboards.trailing_months(presenting.period_arg(args["period"]), 6)
    data = dashboards.trend(months, outlet_ids=set(ids) if (ids := outlet_id_list(current_user)) is not None else None)
    return {"months": [m.label for m in months],
            "outlets": [{"outlet_id": i, "code": code, "name": name, "scores": data.by_outlet[i]}
                        for i, code, name in data.outlets],
            "kinds": data.by_kind}


@blp.route("/analysis.pdf")
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, description="The quarterly service-quality analysis (PDF, Chinese).")
def get_analysis_pdf(args):
    """The quarterly analysis for the service leading group's meeting: charts, league table, most frequent
    findings, closure rates. `period` names the quarter (a month picks its quarter)."""
    authorize("report.analysis")
    quarter = presenting.quarter_arg(args["period"])
    return file_response(analysis.pdf(quarter), "application/pdf", f"analysis-{quarter.label}.pdf", inline=True)
