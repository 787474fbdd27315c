"""Every change to checklists: one function per use case, one transaction each."""
from __future__ import annotations

import copy

from flask_babel import gettext as _
from sqlalchemy import select

from checklists import definition, editing, problem_places, textio, xlsx_io
from checklists.kinds import kind_name
from checklists.models import DRAFT, PUBLISHED, ChecklistTemplate, ChecklistVersion
from checklists.store import draft_of, latest_version
from core import audit
from core.audit import content_hash
from core.db import utcnow
from core.errors import Conflict, OperationError
from core.extensions import db
from org.models import User
from org.scope import manages_setting, setting_node_for


def _validated(data: dict) -> definition.Checklist:
    try:
        return definition.parse(data)
    except definition.DefinitionError as error:
        raise OperationError(_("%(count)d problem(s) in the checklist; nothing was saved.", count=len(error.problems)),
                             problem_places.located(data, error.problems), problem="checklist_invalid") from error


def read_upload(filename: str, content: bytes) -> dict:
    name = (filename or "").lower()
    if len(content) > textio.MAX_TEXT_BYTES:  # every format, the workbook (a zip) included
        raise OperationError(_("The checklist file is larger than %(size)d MB.", size=1), status=413,
                             problem="file_too_large")
    if name.endswith(".xlsx"):
        return xlsx_io.read(content)
    if name.endswith((".yaml", ".yml")):
        return textio.load(content, "yaml")
    if name.endswith(".json"):
        return textio.load(content, "json")
    raise OperationError(_("Upload a .yaml, .yml, .json or .xlsx checklist."), status=415, problem="file_type_not_allowed")


def _template_name(template: ChecklistTemplate) -> str:
    return (template.name_en if definition.reader_language() == "en" else "") or template.name or template.code


def _store(version: ChecklistVersion, checklist: definition.Checklist) -> None:
    canonical = definition.dump(checklist)
    version.definition = canonical
    version.content_hash = content_hash(canonical)
    version.item_count = len(checklist.items_by_key)


def import_checklist(data: dict, actor: User | None) -> ChecklistVersion:
    """A new template, or a new draft (replacing an unpublished one) of the template with that code."""
    checklist = _validated(data)
    template = db.session.execute(
        select(ChecklistTemplate).where(ChecklistTemplate.code == checklist.code)).scalar()
    if template is None:  # set where its maker works: at a node-bound admin's node, else the whole bank's
        node = {"node_id": node_id} if (node_id := setting_node_for(actor)) is not None else {}
        template = ChecklistTemplate(code=checklist.code, kind=checklist.kind, **node)
        db.session.add(template)
    elif not manages_setting_of(template, actor):
        raise OperationError(_("This lies outside the part of the bank you work over."), status=403,
                             problem="outside_scope")
    elif template.kind != checklist.kind:
        raise Conflict(_("The checklist “%(name)s” (code %(code)s) is a %(kind)s checklist; an import cannot make it a "
                         "%(other)s checklist.", name=_template_name(template), code=checklist.code, kind=kind_name(template.kind),
                         other=kind_name(checklist.kind)),
                       {"kind": [_("Must stay %(value)s.", value=template.kind)]}, problem="checklist_kind_fixed")
    template.name, template.name_en = checklist.name.zh, checklist.name.en
    db.session.flush()
    version = draft_of(template)
    before = audit.snapshot(version) if version else None
    if version is None:
        latest = latest_version(template)
        version = ChecklistVersion(template_id=template.id, version=(latest.version + 1) if latest else 1,
                                   status=DRAFT, created_by_id=getattr(actor, "id", None))
        db.session.add(version)
    _store(version, checklist)
    audit.record("checklist.import", version, actor=actor, before=before, after=audit.snapshot(version))
    db.session.flush()
    return version


def manages_setting_of(template: ChecklistTemplate, actor: User | None) -> bool:
    return actor is None or manages_setting(actor, template.node_id)


def _require_manageable(template: ChecklistTemplate, actor: User | None) -> None:
    """A checklist set above a node-bound admin's node is used there but changed only where it is set."""
    if not manages_setting_of(template, actor):
        raise OperationError(_("This lies outside the part of the bank you work over."), status=403,
                             problem="outside_scope")


def _require_draft(version: ChecklistVersion) -> None:
    if version.status != DRAFT:
        raise Conflict(_("This version is published and never changes; start a new draft to edit it."),
                       problem="checklist_published")


def save_draft(version: ChecklistVersion, data: dict, actor: User) -> ChecklistVersion:
    _require_manageable(version.template, actor)
    _require_draft(version)
    checklist = _validated(data)
    if checklist.code != version.template.code or checklist.kind != version.template.kind:
        raise OperationError(_("A draft keeps its template's code and kind."),
                             {"code": [_("Must stay %(value)s.", value=version.template.code)],
                              "kind": [_("Must stay %(value)s.", value=version.template.kind)]},
                             problem="checklist_kind_fixed")
    before = audit.snapshot(version)
    _store(version, checklist)
    version.template.name, version.template.name_en = checklist.name.zh, checklist.name.en
    audit.record("checklist.edit", version, actor=actor, before=before, after=audit.snapshot(version))
    db.session.flush()
    return version


def edit_draft(version: ChecklistVersion, change: str, actor: User, **arguments) -> ChecklistVersion:
    """One editing step from the admin page (add, change, move or remove a section or item)."""
    _require_manageable(version.template, actor)
    _require_draft(version)
    data = copy.deepcopy(version.definition)
    try:
        getattr(editing, change)(data, **arguments)
    except editing.EditError as error:
        raise OperationError(str(error), error.errors) from error
    return save_draft(version, data, actor)


def publish(version: ChecklistVersion, actor: User | None) -> ChecklistVersion:
    _require_manageable(version.template, actor)
    _require_draft(version)
    _validated(version.definition)
    before = audit.snapshot(version)
    version.status = PUBLISHED
    version.published_at = utcnow()
    version.published_by_id = getattr(actor, "id", None)
    audit.record("checklist.publish", version, actor=actor, before=before, after=audit.snapshot(version))
    db.session.flush()
    return version


def start_draft(template: ChecklistTemplate, actor: User) -> ChecklistVersion:
    """Editing a published template starts here: a new draft version copied from the newest one."""
    _require_manageable(template, actor)
    existing = draft_of(template)
    if existing is not None:
        return existing
    latest = latest_version(template)
    if latest is None:
        raise OperationError(_("This template has no version to start from."), status=409)
    version = ChecklistVersion(template_id=template.id, version=latest.version + 1, status=DRAFT,
                               definition=copy.deepcopy(latest.definition), content_hash=latest.content_hash,
                               item_count=latest.item_count, created_by_id=getattr(actor, "id", None))
    db.session.add(version)
    audit.record("checklist.draft", version, actor=actor, after=audit.snapshot(version))
    db.session.flush()
    return version


def discard_draft(version: ChecklistVersion, actor: User) -> None:
    _require_manageable(version.template, actor)
    _require_draft(version)
    audit.record("checklist.discard", version, actor=actor, before=audit.snapshot(version))
    db.session.delete(version)
    db.session.flush()


def set_template_active(template: ChecklistTemplate, active: bool, actor: User) -> ChecklistTemplate:
    _require_manageable(template, actor)
    before = audit.snapshot(template)
    template.active = active
    audit.record("checklist_template." + ("activate" if active else "deactivate"), template, actor=actor,
                 before=before, after=audit.snapshot(template))
    db.session.flush()
    return template


def import_and_publish_default(data: dict, actor: User | None = None) -> ChecklistVersion | None:
    """Seed step: publish a default unless its template already has this exact content."""
    checklist = _validated(data)
    canonical_hash = content_hash(definition.dump(checklist))
    template = db.session.execute(
        select(ChecklistTemplate).where(ChecklistTemplate.code == checklist.code)).scalar()
    if template is not None and any(v.content_hash == canonical_hash for v in template.versions):
        return None
    return publish(import_checklist(data, actor), actor)
