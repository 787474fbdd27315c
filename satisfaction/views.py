"""The satisfaction page under /reports/satisfaction: the segments against the target, every result in
pages, the admin's import and its template."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.bodies import body_limit
from core.paging import PageArgs, one_page, page_args
from core.permissions import authorize, can
from core.refusals import refused_form
from reports.api import XLSX, file_response
from reports.labels import template_helpers
from satisfaction import importing, presenting
from satisfaction.labels import period_label, segment_label

blp = Blueprint("satisfaction_pages", __name__, url_prefix="/reports/satisfaction")
PAGE_SIZE = 30


@blp.context_processor
def _template_helpers():
    return {**template_helpers(), "may": lambda action, obj=None: can(current_user, action, obj),
            "survey_period": period_label, "segment_label": segment_label}


@blp.route("", methods=["GET", "POST"])
@login_required
@body_limit("IMPORT_MAX_BYTES")
def page():
    authorize("satisfaction.view")
    errors, status = {}, 200
    if request.method == "POST":
        authorize("satisfaction.import")
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors, status = {"file": [_("Choose a .csv or .xlsx file.")]}, 400
        else:
            with refused_form() as refusal:
                result = importing.import_results(upload.filename, upload.read(), current_user)
                flash(_("Imported: %(created)d new, %(replaced)d replaced.", **result), "ok")
                return redirect(url_for(".page"))
            errors, status = refusal.by_field, refusal.status
    args = page_args(PageArgs())
    results = one_page(presenting.results_query(), args["page"], PAGE_SIZE)
    return render_template("reports/satisfaction.html", segments=presenting.segments(), results=results,
                           outlets=presenting.outlet_names(results.items), target=presenting.TARGET_RANK,
                           import_errors=errors), status


@blp.get("/template.xlsx")
@login_required
def template():
    authorize("satisfaction.import")
    return file_response(importing.template_xlsx(), XLSX, "satisfaction-template.xlsx")
