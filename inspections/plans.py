"""Plan changes from the admin form or the API."""
from __future__ import annotations

from checklists.models import ChecklistTemplate
from core import audit
from core.errors import OperationError
from core.extensions import db
from inspections.kinds import kind_of
from inspections.models import Plan
from org.models import User, Vendor

CADENCES = ("monthly", "cycle", "quarterly")


def _int(form, name: str, errors: dict, low: int, high: int, default: int | None = None) -> int | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        if default is None:
            errors[name] = ["required"]
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors[name] = [f"a whole number from {low} to {high}"]
        return default
    return int(raw)


def save_plan(plan: Plan | None, form, actor: User) -> Plan:
    errors: dict[str, list[str]] = {}
    name = (form.get("name") or "").strip()
    if not 1 <= len(name) <= 100:
        errors["name"] = ["1 to 100 characters"]
    template = db.session.get(ChecklistTemplate, _int(form, "template_id", errors, 1, 10**9) or 0)
    if template is None:
        errors.setdefault("template_id", ["no such checklist"])
    cadence = form.get("cadence")
    if cadence not in CADENCES:
        errors["cadence"] = [f"one of {', '.join(CADENCES)}"]
    visits = _int(form, "visits_per_period", errors, 1, 12, 1)
    cycle_days = _int(form, "cycle_days", errors, 1, 31, 2)
    window_days = _int(form, "window_days", errors, 1, 92, 7)
    assignee_id = _int(form, "assignee_id", errors, 1, 10**9, 0) or None
    vendor_id = _int(form, "vendor_id", errors, 1, 10**9, 0) or None
    if assignee_id and db.session.get(User, assignee_id) is None:
        errors["assignee_id"] = ["no such user"]
    if vendor_id and db.session.get(Vendor, vendor_id) is None:
        errors["vendor_id"] = ["no such vendor"]
    declared = kind_of(template.kind) if template is not None else None
    if declared is not None and declared.by_vendor and not vendor_id:
        errors["vendor_id"] = ["a mystery plan is commissioned from a vendor"]
    if declared is not None and declared.runs_in_cycles and cadence != "cycle":
        errors["cadence"] = ["remote checks run in cycles"]
    if errors:
        raise OperationError("Some fields are not valid.", errors)
    before = audit.snapshot(plan) if plan else None
    if plan is None:
        plan = Plan()
        db.session.add(plan)
    plan.name, plan.template_id, plan.kind, plan.cadence = name, template.id, template.kind, cadence
    plan.visits_per_period, plan.cycle_days, plan.window_days = visits, cycle_days, window_days
    plan.assignee_id, plan.vendor_id = assignee_id, vendor_id
    # An unticked checkbox sends nothing, so a missing "active" means inactive.
    plan.active = form.get("active") in ("yes", "on", "1", "true")
    audit.record("plan.save", plan, actor=actor, before=before, after=audit.snapshot(plan))
    db.session.commit()
    return plan
