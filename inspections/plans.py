"""Plan changes from the admin's plan form."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from checklists.models import ChecklistTemplate
from core import audit
from core.errors import OperationError
from core.extensions import db
from inspections.kinds import kind_of
from inspections.models import Plan
from org.models import User, Vendor
from org.scope import applies_below, manages_setting, setting_node_for

CADENCES = ("monthly", "cycle", "quarterly")


@dataclass(frozen=True)
class PlanSettings:
    """A plan as the admin sets it, each value already of its type and within its range."""

    name: str
    template_id: int
    cadence: str
    visits_per_period: int
    cycle_days: int
    window_days: int
    assignee_id: int | None
    vendor_id: int | None
    active: bool


def _refusals(settings: PlanSettings, template: ChecklistTemplate | None, node_id: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if template is None:
        errors["template_id"] = [_("No such checklist.")]
    elif not applies_below(template.node_id, node_id):
        errors["template_id"] = [_("This checklist is set at another node and does not apply here.")]
    if settings.assignee_id and db.session.get(User, settings.assignee_id) is None:
        errors["assignee_id"] = [_("No such user.")]
    vendor = db.session.get(Vendor, settings.vendor_id) if settings.vendor_id else None
    if settings.vendor_id and vendor is None:
        errors["vendor_id"] = [_("No such vendor.")]
    elif vendor is not None and not applies_below(vendor.node_id, node_id):
        errors["vendor_id"] = [_("This vendor is set at another node and does not serve here.")]
    declared = kind_of(template.kind) if template is not None else None
    if declared is not None and declared.by_vendor and not settings.vendor_id:
        errors["vendor_id"] = [_("A mystery plan is commissioned from a vendor.")]
    if declared is not None and declared.runs_in_cycles and settings.cadence != "cycle":
        errors["cadence"] = [_("Remote checks run in cycles.")]
    return errors


def save_plan(plan: Plan | None, settings: PlanSettings, actor: User) -> Plan:
    node_id = plan.node_id if plan is not None else setting_node_for(actor)  # set where its maker works
    if not manages_setting(actor, node_id):
        raise OperationError(_("This lies outside the part of the bank you work over."), status=403,
                             problem="outside_scope")
    template = db.session.get(ChecklistTemplate, settings.template_id)
    errors = _refusals(settings, template, node_id)
    if errors:
        raise OperationError(_("Some fields are not valid."), errors)
    before = audit.snapshot(plan) if plan else None
    if plan is None:
        plan = Plan(node_id=node_id)
        db.session.add(plan)
    plan.name, plan.template_id, plan.kind, plan.cadence = settings.name, template.id, template.kind, settings.cadence
    plan.visits_per_period, plan.cycle_days = settings.visits_per_period, settings.cycle_days
    plan.window_days, plan.assignee_id, plan.vendor_id = settings.window_days, settings.assignee_id, settings.vendor_id
    plan.active = settings.active
    audit.record("plan.save", plan, actor=actor, before=before, after=audit.snapshot(plan))
    db.session.flush()
    return plan
