"""The reports' state changes, one transaction each: the rule set, red/black lists from draft to
sign-off, and admins' confirmations of mystery-visit evidence."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import audit, transitions
from core.db import utcnow
from core.errors import Conflict, NotFound, OperationError
from core.extensions import db
from core.permissions import authorize
from inspections.models import PUBLISHED as INSPECTION_PUBLISHED
from inspections.models import Inspection
from mystery.models import MysteryConfirmation
from org.models import Branch, Outlet, Staff, User
from org.scope import scope_node
from rectification.models import Finding
from reports import periods, rules, service_lists
from reports.models import DRAFT, PUBLISHED, ReportRule, ServiceList, ServiceListEntry

LIST_RULES = ("outlet_red_count", "outlet_black_count", "branch_red_count", "branch_black_count",
              "critical_means_black", "mystery_black_needs_confirmation", "base_points", "remote_pass_points",
              "deduct_minor", "deduct_major", "deduct_critical", "deduct_service_error", "deduct_complaint",
              "clean_cycle_bonus")


def update_rules(changes: dict, actor: User) -> dict[str, float]:
    authorize("report.rules.manage", user=actor)
    errors = rules.validation_errors(changes)
    if errors:
        raise OperationError(_("Some rules are not valid; nothing was changed."), errors)
    # Changed at the admin's node (the whole bank's for an unbound admin): they hold for everything below it.
    node = scope_node(actor)
    before = rules.current(node)
    after = {**before, **{key: float(value) for key, value in changes.items()}}
    if sum(rules.kind_weights(after).values()) <= 0:
        raise OperationError(_("At least one inspection kind needs a weight above 0."),
                             {f"weight_{kind}": [_("All weights are 0.")] for kind in rules.KINDS})
    node_id = node.id if node is not None else None
    at_node = ReportRule.node_id.is_(None) if node_id is None else ReportRule.node_id == node_id
    stored = {row.key: row for row in db.session.execute(select(ReportRule).where(at_node)).scalars()}
    # A value equal to the one inherited is not set again here, so a later change above still reaches below.
    changes = {key: value for key, value in changes.items()
               if key in stored or node_id is None or float(value) != before[key]}
    for key, value in changes.items():
        row = stored.get(key) or ReportRule(key=key, node_id=node_id)
        row.value, row.updated_by_id = float(value), actor.id
        db.session.add(row)
    audit.record("report.rules.update", actor=actor, object_type="report_rule", object_id="rules",
                 before=before, after=after)
    db.session.flush()
    return after


def load_list(list_id: int, actor: User) -> ServiceList:
    service_list = db.session.get(ServiceList, list_id)
    if service_list is None:
        raise NotFound(_("No red/black list with the number %(number)s.", number=list_id))
    authorize("report.list.view", service_list, conceal=True, user=actor)
    return service_list


def _scope(scope: str, outlet_id: int | None, branch_id: int | None) -> tuple[str, int, int | None]:
    if scope == "outlet":
        outlet = db.session.get(Outlet, outlet_id) if outlet_id else None
        if outlet is None or not outlet.active:
            raise OperationError(_("Name an active outlet for an outlet's list."),
                                 {"outlet_id": [_("No such active outlet.")]})
        return f"outlet:{outlet.id}", outlet.branch_id, outlet.id
    if scope != "branch":
        raise OperationError(_("A list is for an outlet or a branch."), {"scope": [_("Choose outlet or branch.")]})
    if branch_id is None:
        branches = db.session.execute(select(Branch.id).limit(2)).scalars().all()
        if len(branches) != 1:
            raise OperationError(_("Name the branch."),
                                 {"branch_id": [_("Required when there is more than one branch.")]})
        branch_id = branches[0]
    if db.session.get(Branch, branch_id) is None:
        raise OperationError(_("No such branch."), {"branch_id": [_("No such branch.")]})
    return f"branch:{branch_id}", branch_id, None


def _fill(service_list: ServiceList) -> None:
    # The list of an outlet or a node follows the rules that hold there.
    node_id = service_list.branch_id if service_list.scope != "outlet" else \
        db.session.get(Outlet, service_list.outlet_id).branch_id
    values = rules.current(db.session.get(Branch, node_id))
    month = periods.parse(service_list.month, default=None, quarters=False, field="month")
    if service_list.scope == "outlet":
        outlet_ids = [service_list.outlet_id]
        red, black = values["outlet_red_count"], values["outlet_black_count"]
    else:
        outlet_ids = list(db.session.execute(select(Outlet.id).where(Outlet.branch_id == service_list.branch_id,
                                                                     Outlet.active.is_(True))).scalars())
        red, black = values["branch_red_count"], values["branch_black_count"]
    kept = {entry.staff_id: (entry.appeal_note, entry.withdrawn) for entry in service_list.entries}
    service_list.entries.clear()
    db.session.flush()  # the old rows go before new ones for the same people arrive
    for position, candidate in enumerate(service_lists.compute(month, outlet_ids, int(red), int(black), values)):
        appeal_note, withdrawn = kept.get(candidate.summary.staff_id, ("", False))
        service_list.entries.append(ServiceListEntry(
            staff_id=candidate.summary.staff_id, colour=candidate.colour, position=position, rank=candidate.rank,
            points=candidate.points, reasons=candidate.reasons, appeal_note=appeal_note, withdrawn=withdrawn))
    service_list.rules = {key: values[key] for key in LIST_RULES}
    service_list.computed_at = utcnow()


def _prepare(month_text: str, scope: str, outlet_id: int | None, branch_id: int | None, actor: User
             ) -> tuple[ServiceList, bool]:
    month = periods.parse(month_text, default=None, quarters=False, field="month") if month_text else None
    if month is None:
        raise OperationError(_("Name the month."), {"month": [_("Required, as YYYY-MM.")]})
    if month.first > periods.local_today():
        raise OperationError(_("That month has not begun."), {"month": [_("In the future.")]})
    scope_key, branch_id, outlet_id = _scope(scope, outlet_id, branch_id)
    service_list = db.session.execute(select(ServiceList).where(ServiceList.month == month.label,
                                                                ServiceList.scope_key == scope_key)).scalar()
    created = service_list is None
    if created:
        service_list = ServiceList(month=month.label, scope=scope, scope_key=scope_key, branch_id=branch_id,
                                   outlet_id=outlet_id, status=DRAFT, created_by_id=actor.id)
        try:
            with db.session.begin_nested():
                db.session.add(service_list)
        except IntegrityError:
            # Prepared by a concurrent request at the same moment: compute that draft again instead.
            service_list = db.session.execute(select(ServiceList).where(
                ServiceList.month == month.label, ServiceList.scope_key == scope_key)).scalar_one()
            created = False
    if not created:
        _still_draft(service_list)
    _fill(service_list)
    audit.record("service_list.prepare" if created else "service_list.refresh", service_list, actor=actor,
                 after=audit.snapshot(service_list),
                 details={"entries": [[e.staff_id, e.colour] for e in service_list.entries]})
    return service_list, created


def prepare_list(month_text: str, scope: str, outlet_id: int | None, branch_id: int | None, actor: User
                 ) -> tuple[ServiceList, bool]:
    """A month's draft list, computed now; an existing draft is computed again. Returns (list, created)."""
    authorize("report.lists.manage", user=actor)
    result = _prepare(month_text, scope, outlet_id, branch_id, actor)
    db.session.flush()
    return result


def _signed_off() -> str:
    return _("This list is signed off and published; it no longer changes.")


def _still_draft(service_list: ServiceList) -> None:
    """Refuse a change to a list signed off since it was read (409); while a change is being made,
    the sign-off waits for it on PostgreSQL, and on SQLite the one write lock orders them."""
    transitions.move(service_list, DRAFT, _signed_off(), problem="list_published", status=DRAFT)


def _draft(list_id: int, actor: User) -> ServiceList:
    authorize("report.lists.manage", user=actor)
    service_list = load_list(list_id, actor)
    if service_list.is_published:
        raise Conflict(_signed_off(), problem="list_published")
    return service_list


def refresh_list(list_id: int, actor: User) -> ServiceList:
    service_list = _draft(list_id, actor)
    _prepare(service_list.month, service_list.scope, service_list.outlet_id, service_list.branch_id, actor)
    db.session.flush()
    return service_list


def set_appeal_note(list_id: int, note: str, actor: User) -> ServiceList:
    service_list = _draft(list_id, actor)
    _still_draft(service_list)
    before = audit.snapshot(service_list)
    service_list.appeal_note = (note or "").strip()[:4000]
    audit.record("service_list.appeal_note", service_list, actor=actor, before=before,
                 after=audit.snapshot(service_list))
    db.session.flush()
    return service_list


def set_entry_appeal(list_id: int, entry_id: int, note: str, withdrawn: bool, actor: User) -> ServiceListEntry:
    """Record a person's appeal; an upheld appeal (withdrawn) takes them off the list when it is published."""
    service_list = _draft(list_id, actor)
    entry = next((e for e in service_list.entries if e.id == entry_id), None)
    if entry is None:
        raise NotFound(_("No entry with the number %(number)s on this list.", number=entry_id))
    note = (note or "").strip()
    if withdrawn and not note:
        raise OperationError(_("Say why the appeal is upheld."),
                             {"appeal_note": [_("Required when the entry is withdrawn.")]}, problem="reason_required")
    _still_draft(service_list)
    before = audit.snapshot(entry)
    entry.appeal_note, entry.withdrawn = note[:2000], bool(withdrawn)
    audit.record("service_list.appeal", entry, actor=actor, before=before, after=audit.snapshot(entry),
                 details={"list": service_list.id})
    db.session.flush()
    return entry


def publish_list(list_id: int, actor: User) -> ServiceList:
    """The admin's sign-off: the list is published as it stands and frozen from then on."""
    service_list = _draft(list_id, actor)
    month = periods.parse(service_list.month, default=None, quarters=False)
    if not month.is_over(periods.local_today()):
        raise Conflict(_("The month is not over yet; sign the list off once it is."), problem="wrong_status")
    before = audit.snapshot(service_list)
    # One sign-off wins; the entries are read after it, with any appeal committed just before.
    transitions.move(service_list, DRAFT, _signed_off(), problem="list_published", status=PUBLISHED,
                     published_at=utcnow(), published_by_id=actor.id)
    db.session.expire(service_list, ["entries"])
    audit.record("service_list.publish", service_list, actor=actor, before=before, after=audit.snapshot(service_list),
                 details={"entries": [[e.staff_id, e.colour, e.withdrawn] for e in service_list.entries]})
    db.session.flush()
    return service_list


def _confirm(inspection_uuid: str, staff_id: int, note: str, actor: User) -> tuple[MysteryConfirmation, bool]:
    inspection = db.session.execute(select(Inspection).where(Inspection.uuid == inspection_uuid.lower())).scalar()
    if inspection is None or inspection.kind != "mystery" or inspection.status != INSPECTION_PUBLISHED:
        raise NotFound(_("No published mystery visit with that number."))
    named = db.session.execute(select(Finding.id).where(Finding.inspection_id == inspection.id,
                                                        Finding.staff_id == staff_id,
                                                        Finding.published.is_(True)).limit(1)).scalar()
    if named is None or db.session.get(Staff, staff_id) is None:
        raise OperationError(_("This visit's published findings do not name that person."),
                             {"staff_id": [_("Not named by the visit.")]})
    existing = db.session.execute(select(MysteryConfirmation).where(
        MysteryConfirmation.inspection_id == inspection.id, MysteryConfirmation.staff_id == staff_id)).scalar()
    if existing is not None:
        return existing, False
    confirmation = MysteryConfirmation(inspection_id=inspection.id, staff_id=staff_id, note=(note or "").strip()[:2000],
                                       confirmed_by_id=actor.id)
    db.session.add(confirmation)
    audit.record("mystery.confirm", confirmation, actor=actor, after=audit.snapshot(confirmation))
    return confirmation, True


def confirm_mystery(inspection_uuid: str, staff_id: int, note: str, actor: User) -> tuple[MysteryConfirmation, bool]:
    """An admin vouches for a published mystery visit's findings about one person. Returns (row, created)."""
    authorize("report.mystery.confirm", user=actor)
    result = _confirm(inspection_uuid, staff_id, note, actor)
    db.session.flush()
    return result


def confirm_mystery_on_list(list_id: int, inspection_uuid: str, staff_id: int, note: str, actor: User) -> ServiceList:
    """Confirm a held person's mystery visit from a draft list, and compute the draft again with it."""
    authorize("report.mystery.confirm", user=actor)
    service_list = _draft(list_id, actor)
    _confirm(inspection_uuid, staff_id, note, actor)
    _prepare(service_list.month, service_list.scope, service_list.outlet_id, service_list.branch_id, actor)
    db.session.flush()
    return service_list
