"""The ledger's HTML forms read into what the operations take: ids as numbers, days as dates, yes/no as booleans.
What cannot be read is refused beside its field, in the reader's language, before anything is written; what can
is checked by the operation itself (complaints.operations, complaints.contact_operations)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from core.errors import OperationError
from core.form_fields import NOT_FROM_THIS_PAGE, optional_id
from core.identifiers import UUID_PATTERN

INTAKE_TEXTS = ("channel", "category", "severity", "customer_name", "customer_phone", "description", "request")


def _id(form: MultiDict, field: str, errors: dict) -> int | None:
    try:
        return optional_id(form.get(field))
    except ValueError:
        errors[field] = [_("Choose one of the offered values.")]
        return None


def _day(form: MultiDict, field: str, errors: dict) -> date | None:
    text = (form.get(field) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = [_("Enter a date as 2026-11-30.")]
        return None


def _yes_or_no(form: MultiDict, field: str) -> bool | None:
    return {"1": True, "0": False}.get(form.get(field, ""))


def _refuse_if(errors: dict, message: str) -> None:
    if errors:
        raise OperationError(message, errors, problem="validation_failed")


def intake(form: MultiDict, fixed_outlet_id: int | None) -> tuple[dict, str]:
    """(the intake form as operations.receive takes it, the form's own UUID); an outlet manager's outlet is theirs
    whatever was sent."""
    client_uuid = (form.get("client_uuid") or "").lower()
    if not UUID_PATTERN.match(client_uuid):
        raise OperationError(str(NOT_FROM_THIS_PAGE), status=400)
    errors: dict[str, list[str]] = {}
    data: dict = {field: form.get(field, "") for field in INTAKE_TEXTS}
    data["outlet_id"] = fixed_outlet_id if fixed_outlet_id is not None else _id(form, "outlet_id", errors)
    data["staff_id"] = _id(form, "staff_id", errors)
    data["received_on"] = _day(form, "received_on", errors)
    if form.get("level"):
        data["level"] = form["level"]
    _refuse_if(errors, _("The complaint could not be recorded: see the marked fields."))
    return data, client_uuid


def step(form: MultiDict) -> dict:
    """A step's note and, as the step asks, whether the complaint is upheld or the customer satisfied."""
    return {"note": form.get("note", ""), "upheld": _yes_or_no(form, "upheld"),
            "satisfied": _yes_or_no(form, "satisfied")}


def handler(form: MultiDict) -> int | None:
    errors: dict[str, list[str]] = {}
    ident = _id(form, "handler_id", errors)
    _refuse_if(errors, _("Choose an active user who may handle this complaint."))
    return ident


def ledger_of(form: MultiDict) -> tuple[int, int | None]:
    """(branch id, outlet id or None for the sub-branch's own line) of a contact line's form."""
    try:
        branch_id, outlet_id = optional_id(form.get("branch_id")), optional_id(form.get("outlet_id"))
    except ValueError:
        branch_id = outlet_id = None
    if branch_id is None:
        raise OperationError(str(NOT_FROM_THIS_PAGE), status=400)
    return branch_id, outlet_id


def contact_line(form: MultiDict) -> dict:
    errors: dict[str, list[str]] = {}
    data = {"a_user_id": _id(form, "a_user_id", errors), "b_user_id": _id(form, "b_user_id", errors),
            "a_phone": form.get("a_phone", ""), "b_phone": form.get("b_phone", ""),
            "a_away_until": _day(form, "a_away_until", errors)}
    _refuse_if(errors, _("The contact line could not be saved: see the marked fields."))
    return data


def finding(form: MultiDict) -> dict:
    """A finding the complaint opens: the rectification loop checks its values and names the fields it refuses."""
    errors: dict[str, list[str]] = {}
    due_date = _day(form, "due_date", errors)
    staff_id = _id(form, "staff_id", errors) if form.get("staff_id") else None
    _refuse_if(errors, _("The finding could not be opened: see the marked fields."))
    return {"severity": form.get("severity", ""), "title": form.get("title", ""),
            "requirement": form.get("requirement", ""), "due_date": due_date, "staff_id": staff_id}
