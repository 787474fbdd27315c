"""HTML forms described by the same marshmallow schemas the API uses: one set of rules."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError, fields, missing, validate
from sqlalchemy import select

from core.extensions import db
from core.refusals import refused_form
from core.schemas import Schema
from org import levels
from org.models import Branch, Counter, Outlet, Vendor
from org.policies import scope_outlets
from org.scope import narrow_nodes

LABELS = {
    "code": _l("Code"), "name": _l("Name"), "name_en": _l("English name"), "address": _l("Address"),
    "latitude": _l("Latitude"), "longitude": _l("Longitude"), "branch_id": _l("Branch"),
    "outlet_id": _l("Outlet"), "number": _l("Number"), "kind": _l("Kind"), "label": _l("Label"),
    "employee_no": _l("Employee number"), "position": _l("Position"), "counter_id": _l("Counter"),
    "contact": _l("Contact"), "username": _l("Username"), "display_name": _l("Display name"), "email": _l("Email"),
    "role": _l("Role"), "vendor_id": _l("Vendor"), "scope_node_id": _l("Node worked over"),
    "locale": _l("Language"), "password": _l("Password"),
    "active": _l("Active"), "notice_prefix": _l("Notice prefix"), "level": _l("Level"),
    "parent_id": _l("Parent node"), "parent": _l("Parent node"),
    "outlet": _l("Outlet"), "counter": _l("Counter"), "vendor": _l("Vendor"), "scope_node": _l("Node worked over"),
    "node": _l("Set at"),
}
# Columns whose values are keys shown by their label; every other value is data, shown as typed (a username).
CHOICE_COLUMNS = frozenset({"kind", "position", "role", "locale"})

CHOICE_LABELS = {
    "cash": _l("Cash window"), "vip": _l("VIP window"), "corporate": _l("Corporate window"),
    "teller": _l("Teller"), "lobby_manager": _l("Lobby manager"), "wealth_manager": _l("Wealth manager"),
    "account_manager": _l("Account manager"), "outlet_manager": _l("Outlet manager"),
    "admin": _l("Administrator"), "inspector": _l("Inspector"), "remote_monitor": _l("Remote monitor"),
    "mystery_shopper": _l("Mystery shopper"), "viewer": _l("Viewer (leadership)"),
    "zh": "中文", "en": "English",
}


def _reference_choices(name: str) -> list[tuple[str, str]] | None:
    user = current_user._get_current_object()
    if name == "level":
        return levels.choices()
    if name in ("branch_id", "parent_id", "scope_node_id"):
        rows = db.session.execute(narrow_nodes(user, select(Branch)).order_by(Branch.path)).scalars()
        return [(str(b.id), f"{'　' * (b.path.count('/') - 2)}{b.name} · {levels.label(b.level)}") for b in rows]
    if name == "outlet_id":
        rows = db.session.execute(scope_outlets(user, select(Outlet), Outlet.id)
                                  .where(Outlet.active.is_(True)).order_by(Outlet.code)).scalars()
        return [(str(o.id), f"{o.code} {o.name}") for o in rows]
    if name == "counter_id":
        rows = db.session.execute(scope_outlets(user, select(Counter).join(Outlet), Counter.outlet_id)
                                  .order_by(Outlet.code, Counter.number)).scalars()
        return [(str(c.id), f"{c.outlet.name} #{c.number}") for c in rows]
    if name == "vendor_id":
        rows = db.session.execute(select(Vendor).order_by(Vendor.code)).scalars()
        return [(str(v.id), v.name) for v in rows]
    return None


@dataclass
class FormField:
    name: str
    label: str
    kind: str  # text, number, select, password
    required: bool
    value: object = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def describe(schema: Schema, values: dict, errors: dict) -> list[FormField]:
    result = []
    for name, schema_field in schema.load_fields.items():
        choices = _reference_choices(name)
        one_of = next((v for v in schema_field.validators if isinstance(v, validate.OneOf)), None)
        if one_of is not None:
            choices = [(c, str(CHOICE_LABELS.get(c, c))) for c in one_of.choices]
        if choices is not None:
            kind = "select"
        elif name == "password":
            kind = "password"
        elif isinstance(schema_field, (fields.Integer, fields.Float)):
            kind = "number"
        else:
            kind = "text"
        value = values.get(name, "")
        result.append(FormField(
            name=name, label=str(LABELS.get(name, name)), kind=kind, required=schema_field.required,
            value="" if value is None or name == "password" else value, choices=choices or [],
            errors=list(errors.get(name, [])),
        ))
    return result


def parse(schema: Schema, form) -> dict:
    """Turn posted strings into the types the schema expects; blanks become absent or None."""
    data = {}
    for name, schema_field in schema.load_fields.items():
        raw = form.get(name)
        if raw is None:
            continue
        raw = raw.strip()
        if raw == "":
            if schema_field.allow_none:
                data[name] = None
            elif (not schema_field.required and isinstance(schema_field, fields.String) and name != "password"
                  and schema_field.load_default in ("", missing)):
                data[name] = ""  # a blank clears it; a field with a default of its own (locale) keeps that
            continue
        if isinstance(schema_field, fields.Integer):
            data[name] = int(raw) if raw.lstrip("-").isdigit() else raw
        elif isinstance(schema_field, fields.Float):
            try:
                data[name] = float(raw)
            except ValueError:
                data[name] = raw
        else:
            data[name] = raw
    return data


def submit(schema: Schema, values: dict, save: Callable[[dict], object]) -> tuple[dict, int, bool]:
    """A schema form's POST: the posted values (kept in `values` to show again), loaded and handed to `save`;
    invalid input and an operation's refusal become field errors. Returns (errors, status, saved)."""
    data = parse(schema, request.form)
    values.update(data)
    try:
        loaded = schema.load(data)
    except ValidationError as invalid:
        return invalid.messages, 422, False
    with refused_form() as refusal:
        save(loaded)
        return {}, 200, True
    return refusal.by_field, refusal.status, False
