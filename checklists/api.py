"""Checklists under /api/v1: what phones download, and the admin's import, export and publish."""
from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from checklists import operations, presenting, textio, xlsx_io
from checklists.models import ChecklistTemplate, ChecklistVersion
from checklists.policies import usable_kinds
from checklists.schemas import (
    ChecklistQuerySchema,
    ExportQuerySchema,
    TemplateSchema,
    UploadSchema,
    VersionSchema,
    VersionSummarySchema,
)
from checklists.store import checklist_of, current_versions
from core.errors import OperationError
from core.extensions import db
from core.permissions import authorize, can
from org.operations import get_or_404
from org.scope import settings_in_line

blp = Blueprint("checklists", __name__, url_prefix="/api/v1",
                description="Checklist versions: the published ones to fill in, and their management.")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _version(ident: int, action: str = "checklist.use") -> ChecklistVersion:
    # Management is by role: a non-admin gets 403 whether or not the version exists or is visible to them.
    authorize("checklist.list" if action == "checklist.use" else action)
    version = get_or_404(ChecklistVersion, ident, "Checklist version")
    authorize(action, version, conceal=True)
    return version


@blp.route("/checklists")
@blp.arguments(ChecklistQuerySchema, location="query")
@blp.response(200, VersionSummarySchema(many=True))
def list_checklists(args):
    """The newest published version of each checklist the caller works with."""
    authorize("checklist.list")
    kinds = usable_kinds(current_user)
    if args.get("kind"):
        kinds = tuple(k for k in kinds if k == args["kind"])
    return [presenting.summary(v) for v in current_versions(kinds) if can(current_user, "checklist.use", v)]


@blp.route("/checklists/<int:ident>")
@blp.response(200, VersionSchema)
def get_checklist(ident):
    """One version whole: sections, items, options, conditions, grades."""
    version = _version(ident)
    return presenting.version_document(version, checklist_of(version))


@blp.route("/checklists/<int:ident>/export")
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(200, description="YAML, JSON or XLSX file")
def export_checklist(args, ident):
    """Download a version in its canonical text form or as an Excel workbook."""
    version = _version(ident, "checklist.manage")
    name = f"{version.template.code}-v{version.version}"
    if args["format"] == "xlsx":
        body, mimetype = xlsx_io.export(version.definition), XLSX_TYPE
    elif args["format"] == "json":
        body, mimetype = textio.dump_json(version.definition), "application/json"
    else:
        body, mimetype = textio.dump_yaml(version.definition), "application/yaml"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={name}.{args['format']}"})


@blp.route("/checklists/<int:ident>/publish", methods=["POST"])
@blp.response(200, VersionSummarySchema)
def publish_checklist(ident):
    """Freeze a draft: from now on inspections may pin it, and it never changes."""
    version = _version(ident, "checklist.manage")
    return presenting.summary(operations.publish(version, current_user))


@blp.route("/checklists/<int:ident>/definition", methods=["PUT"])
@blp.response(200, VersionSummarySchema)
def replace_definition(ident):
    """Replace a draft's whole definition (the canonical JSON form)."""
    version = _version(ident, "checklist.manage")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise OperationError(_("Send the checklist definition as a JSON object."), status=400, problem="malformed_body")
    return presenting.summary(operations.save_draft(version, data, current_user))


@blp.route("/checklist-templates")
class Templates(MethodView):
    @blp.response(200, TemplateSchema(many=True))
    def get(self):
        """Every template with its versions (admin)."""
        authorize("checklist.manage")
        templates = db.session.execute(select(ChecklistTemplate).where(
            settings_in_line(current_user, ChecklistTemplate.node_id)).order_by(ChecklistTemplate.code)).scalars()
        return [presenting.template_document(t) for t in templates]


@blp.route("/checklist-templates/import", methods=["POST"])
@blp.arguments(UploadSchema, location="files")
@blp.response(201, VersionSummarySchema)
def import_template(files):
    """Upload a .yaml, .json or .xlsx checklist: a new template, or a new draft of an existing one."""
    authorize("checklist.manage")
    upload = files["file"]
    data = operations.read_upload(upload.filename, upload.read())
    return presenting.summary(operations.import_checklist(data, current_user))


@blp.route("/checklist-templates/<int:ident>/draft", methods=["POST"])
@blp.response(201, VersionSummarySchema)
def start_draft(ident):
    """Start (or return) the draft version that edits follow from."""
    authorize("checklist.manage")
    template = get_or_404(ChecklistTemplate, ident, "Checklist template")
    return presenting.summary(operations.start_draft(template, current_user))
