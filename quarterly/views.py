"""The pack as a file: /reports/quarterly/2026-Q3.pdf, shown in the browser like the analysis PDF."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_login import login_required

from core.permissions import authorize
from quarterly import pack
from reports import periods
from reports.api import file_response

blp = Blueprint("quarterly_pages", __name__, url_prefix="/reports/quarterly")


def quarter_named(text: str) -> periods.Period:
    match = periods.QUARTER.match(text)
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        abort(404, description=_("No such quarter: write it as YYYY-Qn, e.g. 2026-Q3."))
    return periods.quarter_period(int(match.group(1)), int(match.group(2)))


@blp.get("/<quarter_text>.pdf")
@login_required
def pack_pdf(quarter_text: str):
    authorize("quarterly.pack")
    quarter = quarter_named(quarter_text)
    return file_response(pack.pdf(quarter), "application/pdf", pack.filename(quarter), inline=True)
