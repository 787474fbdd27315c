"""The ledger's files under /complaints/ledger.<xlsx|csv|pdf>, with the ledger page's filters (the same query
string) and the reader's scope; the customer is masked in every one."""
from __future__ import annotations

from flask import Blueprint, Response
from flask_babel import gettext as _
from flask_login import current_user, login_required

from complaints import exports, labels, ledger
from core.extensions import db
from core.paging import count, page_args
from core.permissions import authorize

blp = Blueprint("complaint_exports", __name__, url_prefix="/complaints")
TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv",
         "pdf": "application/pdf"}


def _title(filters: dict) -> str:
    parts = [_("Complaint ledger")]
    if filters.get("level"):
        parts = [labels.label(labels.LEVELS, filters["level"])]
    if filters.get("period"):
        parts.append(f"{filters['period'].first} – {filters['period'].last}")
    return " ".join(parts)


@blp.route("/ledger.<any(xlsx, csv, pdf):extension>")
@login_required
def ledger_file(extension: str):
    authorize("complaint.list")
    filters = page_args(ledger.LedgerFilters())
    query = ledger.complaints(current_user, filters)
    exports.refuse_if_too_many(count(query))
    rows = db.session.execute(query).scalars().all()
    title = _title(filters)
    data = exports.pdf(rows, title) if extension == "pdf" else exports.xlsx(rows, title) \
        if extension == "xlsx" else exports.csv(rows)
    response = Response(data, mimetype=TYPES[extension])
    response.headers["Content-Disposition"] = f"attachment; filename=complaints.{extension}"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
