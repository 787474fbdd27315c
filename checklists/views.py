"""Admin pages for checklists: list, preview, edit a draft, publish, import, export."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from checklists import kinds, operations, textio, xlsx_io
from checklists.api import XLSX_TYPE
from checklists.definition import CRITICAL_RULES, ITEM_TYPES, SEVERITIES
from checklists.forms import ItemForm, NewSectionForm, item_path
from checklists.models import ChecklistTemplate, ChecklistVersion
from checklists.store import checklist_of
from core.bodies import body_limit
from core.extensions import db
from core.permissions import authorize
from core.refusals import refused_form
from org.scope import settings_in_line

blp = Blueprint("checklists_admin", __name__, url_prefix="/admin/checklists")

EDIT_STEPS = {"update_section", "move_section", "remove_section", "move_item", "remove_item"}


def _version(ident: int, action: str = "checklist.manage") -> ChecklistVersion:
    version = db.get_or_404(ChecklistVersion, ident)
    authorize(action, version)
    return version


@blp.get("/")
@login_required
def index():
    authorize("checklist.manage")
    templates = db.session.execute(
        select(ChecklistTemplate).where(settings_in_line(current_user, ChecklistTemplate.node_id))
        .order_by(ChecklistTemplate.kind, ChecklistTemplate.code)).scalars().all()
    return render_template("checklists/index.html", templates=templates)


@blp.route("/import", methods=["POST"])
@login_required
@body_limit("IMPORT_MAX_BYTES")
def import_file():
    authorize("checklist.manage")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a .yaml, .json or .xlsx file."), "error")
        return redirect(url_for(".index"))
    with refused_form() as refusal:
        version = operations.import_checklist(operations.read_upload(upload.filename, upload.read()), current_user)
        flash(_("Imported as draft version %(version)d.", version=version.version), "ok")
        return redirect(url_for(".version", ident=version.id))
    templates = db.session.execute(select(ChecklistTemplate).order_by(ChecklistTemplate.code)).scalars().all()
    return render_template("checklists/index.html", templates=templates, import_error=refusal.failure), refusal.status


@blp.get("/versions/<int:ident>")
@login_required
def version(ident: int):
    version = _version(ident)
    return render_template("checklists/version.html", version=version, checklist=checklist_of(version),
                           item_types=ITEM_TYPES)


@blp.get("/versions/<int:ident>/export")
@login_required
def export(ident: int):
    version = _version(ident)
    fmt = request.args.get("format", "yaml")
    name = f"{version.template.code}-v{version.version}"
    if fmt == "xlsx":
        body, mimetype = xlsx_io.export(version.definition), XLSX_TYPE
    elif fmt == "json":
        body, mimetype = textio.dump_json(version.definition), "application/json"
    elif fmt == "yaml":
        body, mimetype = textio.dump_yaml(version.definition), "application/yaml"
    else:
        abort(404)
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})


@blp.post("/versions/<int:ident>/publish")
@login_required
def publish(ident: int):
    operations.publish(_version(ident), current_user)
    flash(_("Published. Inspections started from now on use this version."), "ok")
    return redirect(url_for(".version", ident=ident))


@blp.post("/versions/<int:ident>/discard")
@login_required
def discard(ident: int):
    operations.discard_draft(_version(ident), current_user)
    flash(_("Draft discarded."), "ok")
    return redirect(url_for(".index"))


@blp.post("/templates/<int:ident>/draft")
@login_required
def start_draft(ident: int):
    authorize("checklist.manage")
    template = db.get_or_404(ChecklistTemplate, ident)
    draft = operations.start_draft(template, current_user)
    return redirect(url_for(".version", ident=draft.id))


@blp.post("/versions/<int:ident>/step")
@login_required
def edit_step(ident: int):
    """Small edits from the preview page: rename, move or remove a section or item."""
    version = _version(ident)
    change = request.form.get("change", "")
    if change not in EDIT_STEPS:
        abort(400, description=_("Unknown editing step."))
    arguments = {"key": request.form.get("key", "")}
    if change.startswith("move"):
        arguments["direction"] = request.form.get("direction", "")
    if change == "update_section":
        arguments["label"] = {"zh": request.form.get("label_zh", ""), "en": request.form.get("label_en", "")}
    with refused_form() as refusal:
        operations.edit_draft(version, change, current_user, **arguments)
    if refusal:
        flash("; ".join(refusal.lines), "error")
    return redirect(url_for(".version", ident=ident) + f"#{arguments['key']}")


@blp.route("/versions/<int:ident>/items/<key>", methods=["GET", "POST"])
@blp.route("/versions/<int:ident>/sections/<section>/new-item", methods=["GET", "POST"],
           defaults={"key": None})
@blp.route("/versions/<int:ident>/new-section", methods=["GET", "POST"], defaults={"key": None, "section": None})
@login_required
def item_form(ident: int, key: str | None, section: str | None = None):
    version = _version(ident)
    new_section = key is None and section is None
    if key is not None:
        located = [(s["key"], item) for s in version.definition["sections"] for item in s["items"] if item["key"] == key]
        if not located:
            abort(404)
        section = located[0][0]
        form = ItemForm.of_item(*located[0])
    else:
        form = NewSectionForm() if new_section else ItemForm()
    with refused_form(form, form.field_for(*item_path(version.definition, key, section))) as refusal:
        if form.validate_on_submit():
            item = form.item()
            if key is not None:
                operations.edit_draft(version, "update_item", current_user, key=key, item=item)
            elif new_section:
                operations.edit_draft(version, "add_section", current_user, key=form.section_key.data,
                                      label=form.section_label(), first_item=item)
            else:
                operations.edit_draft(version, "add_item", current_user, section=section, item=item)
            flash(_("Saved."), "ok")
            return redirect(url_for(".version", ident=ident) + f"#{item['key']}")
    return render_template("checklists/item_form.html", version=version, form=form, key=key, section=section,
                           new_section=new_section, item_types=ITEM_TYPES, severities=SEVERITIES,
                           critical_rules=CRITICAL_RULES), refusal.status


@blp.app_context_processor
def _labels():
    return {"kind_label": kinds.kind_name, "type_label": kinds.type_name, "flag_label": kinds.flag_name,
            "severity_name": kinds.severity_name, "critical_name": kinds.critical_name, "limit_label": kinds.limit_name}
