"""Monthly business volume and service errors per teller under /api/v1/volumes. Handlers parse, authorize and
shape the answer."""
from __future__ import annotations

from flask_login import current_user

from core.paging import Blueprint
from core.permissions import authorize
from volumes import presenting
from volumes.schemas import MonthFilter, OutletFiguresSchema, TellerFiguresSchema, TellerFilter

blp = Blueprint("volumes", __name__, url_prefix="/api/v1/volumes",
                description="Business volume and service errors per teller and outlet, per month, from the core "
                            "banking system's report as the admin imported it.")


@blp.route("/tellers")
@blp.arguments(TellerFilter, location="query")
@blp.response(200, TellerFiguresSchema(many=True))
@blp.paginate(page_size=100, max_page_size=500)
def list_tellers(args, pagination_parameters):
    """The month's figures per teller (`month` YYYY-MM; by default the newest imported), grouped by outlet and
    ranked within it, most errors first; an outlet manager sees only the own outlet. X-Pagination holds the
    total."""
    authorize("volumes.view")
    month = presenting.chosen_month(args.get("month"))
    rows = presenting.teller_rows(current_user, month, args.get("outlet_id"))
    pagination_parameters.item_count = len(rows)
    first = pagination_parameters.first_item
    return presenting.api_rows(rows[first:first + pagination_parameters.page_size], month)


@blp.route("/outlets")
@blp.arguments(MonthFilter, location="query")
@blp.response(200, OutletFiguresSchema(many=True))
@blp.paginate(page_size=100, max_page_size=500)
def list_outlets(args, pagination_parameters):
    """The outlets compared for the month: volume, errors, errors per 10,000 transactions and rank, the
    highest rate first. X-Pagination holds the total."""
    authorize("volumes.view")
    rows = presenting.outlet_rows(presenting.chosen_month(args.get("month")))
    pagination_parameters.item_count = len(rows)
    first = pagination_parameters.first_item
    return rows[first:first + pagination_parameters.page_size]
