"""The monthly publication page under the reports, and the admin's import of the month's report."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from core.bodies import body_limit
from core.extensions import db
from core.paging import PAGE_SIZE, Page, page_args
from core.pdf import render_pdf
from core.permissions import authorize, can
from core.refusals import refused_form
from org.models import Outlet
from volumes import importing, months, presenting
from volumes.policies import outlet_scope
from volumes.schemas import PageFilter

blp = Blueprint("volumes_pages", __name__, url_prefix="/reports/volumes")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.context_processor
def _template_helpers():
    # The reports' tabs, above this page too, show only what the user may open.
    return {"may": lambda action, obj=None: can(current_user, action, obj)}


@blp.get("")
@login_required
def publication():
    authorize("volumes.view")
    args = page_args(PageFilter())
    month = presenting.chosen_month(args.get("month"))
    rows = presenting.teller_rows(current_user, month, args.get("outlet_id"))
    first = (args["page"] - 1) * PAGE_SIZE
    page = Page(rows[first:first + PAGE_SIZE], args["page"], PAGE_SIZE, len(rows))
    scope = outlet_scope(current_user)
    outlets = db.session.execute(select(Outlet).where(Outlet.id.in_(scope) if scope is not None else True)
                                 .order_by(Outlet.name)).scalars().all()
    return render_template("volumes/publication.html", month=months.text(month), page=page, outlets=outlets,
                           outlet_id=args.get("outlet_id"), comparison=presenting.outlet_rows(month))


@blp.get("/<month_text>.pdf")
@login_required
def publication_pdf(month_text: str):
    """The month's figures as they are posted: every teller the reader may see, by outlet, and the outlets."""
    authorize("volumes.view")
    month = months.parse(month_text)
    if month is None:
        abort(404)
    html = render_template("pdf/volumes.html", month=month, rows=presenting.teller_rows(current_user, month, None),
                           comparison=presenting.outlet_rows(month))
    response = Response(render_pdf(html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''volumes-{months.text(month)}.pdf"
    return response


@blp.route("/import", methods=["GET", "POST"])
@login_required
@body_limit("IMPORT_MAX_BYTES")
def import_month():
    authorize("volumes.import")
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors, status = [_("Choose a .csv or .xlsx file.")], 400
        else:
            with refused_form() as refusal:
                result = importing.import_counts(upload.filename, upload.read(), current_user)
                flash(_("Imported %(rows)d rows for %(months)s; %(replaced)d earlier rows replaced.",
                        rows=result["rows"], months="、".join(result["months"]), replaced=result["replaced"]), "ok")
                return redirect(url_for(".publication", month=result["months"][-1]))
            errors, status = refusal.lines, refusal.status
    return render_template("volumes/import.html", errors=errors), status


@blp.get("/template.xlsx")
@login_required
def template():
    authorize("volumes.import")
    response = Response(importing.template_workbook(), mimetype=XLSX)
    response.headers["Content-Disposition"] = "attachment; filename*=UTF-8''volumes-template.xlsx"
    return response
