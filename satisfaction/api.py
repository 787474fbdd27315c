"""Survey results under /api/v1/satisfaction: the list for leadership, newest period first, in pages."""
from __future__ import annotations

from marshmallow import fields

from core.paging import Blueprint, api_page
from core.permissions import authorize
from core.schemas import Schema
from satisfaction.presenting import results_query

blp = Blueprint("satisfaction", __name__, url_prefix="/api/v1/satisfaction",
                description="Customer satisfaction survey results (客户满意度测评) by period, client segment "
                            "and scope, with the rank in the system. Admin and viewer read them.")


class SurveyResultSchema(Schema):
    id = fields.Integer()
    period = fields.String(metadata={"description": "2026-Q3 (a quarter) or 2026-09 (a month)"})
    segment = fields.String(metadata={"description": "corporate, high_end_personal or lobby"})
    outlet_id = fields.Integer(allow_none=True, metadata={"description": "empty: the sub-branch as a whole"})
    score = fields.Float(metadata={"description": "0 to 100"})
    system_rank = fields.Integer()
    ranked_units = fields.Integer()
    peer_rank = fields.Integer(allow_none=True)
    worst_items = fields.List(fields.String())
    imported_at = fields.DateTime()


@blp.route("/results", methods=["GET"])
@blp.response(200, SurveyResultSchema(many=True))
@blp.paginate(page_size=100, max_page_size=500)
def list_results(pagination_parameters):
    """Every survey result, the newest period first; the X-Pagination header holds the total."""
    authorize("satisfaction.view")
    return api_page(results_query(), pagination_parameters)
