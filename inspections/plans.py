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


def _refusals(settings: PlanSettings, template: ChecklistTemplate | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if template is None:
        errors["template_id"] = [_("No such checklist.")]
    if settings.assignee_id and db.session.get(User, settings.assignee_id) is None:
        errors["assignee_id"] = [_("No such user.")]
    if settings.vendor_id and db.session.get(Vendor, settings.vendor_id) is None:
        errors["vendor_id"] = [_("No such vendor.")]
    declared = kind_of(template.kind) if template is not None else None
    if declared is not None and declared.by_vendor and not settings.vendor_id:
        errors["vendor_id"] = [_("A mystery plan is commissioned from a vendor.")]
    if declared is not None and declared.runs_in_cycles and settings.cadence != "cycle":
        errors["cadence"] = [_("Remote checks run in cycles.")]
    return errors


def save_plan(plan: Plan | None, settings: PlanSettings, actor: User) -> Plan:
    template = db.session.get(ChecklistTemplate, settings.template_id)
    errors = _refusals(settings, template)
    if errors:
        raise OperationError(_("Some fields are not valid."), errors)
    before = audit.snapshot(plan) if plan else None
    if plan is None:
        plan = Plan()
        db.session.add(plan)
    plan.name, plan.template_id, plan.kind, plan.cadence = settings.name, template.id, template.kind, settings.cadence
    plan.visits_per_period, plan.cycle_days = settings.visits_per_period, settings.cycle_days
    plan.window_days, plan.assignee_id, plan.vendor_id = settings.window_days, settings.assignee_id, settings.vendor_id
    plan.active = settings.active
    audit.record("plan.save", plan, actor=actor, before=before, after=audit.snapshot(plan))
    db.session.flush()
    return plan
