"""Import of outlets and staff from CSV or XLSX: every row checked, all saved or nothing."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import get_locale
from flask_babel import gettext as _
from marshmallow import ValidationError
from openpyxl import load_workbook
from sqlalchemy import select

from core import audit
from core.errors import OperationError
from core.extensions import db
from org.models import POSITIONS, Branch, Counter, Outlet, Staff, User
from org.policies import scope_outlets
from org.schemas import OutletSchema, StaffSchema
from org.scope import narrow_nodes, reaches

MAX_IMPORT_ROWS = 5000

# People fill these sheets in Chinese; both the keys and the Chinese labels are accepted.
POSITION_ALIASES = {
    "柜员": "teller", "大堂经理": "lobby_manager", "理财经理": "wealth_manager",
    "客户经理": "account_manager", "网点负责人": "outlet_manager", "网点主任": "outlet_manager",
}
TRUE_WORDS = {"1", "true", "yes", "y", "是", "在职"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "离职"}


def read_rows(filename: str, content: bytes) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """Header and numbered data rows (numbered as a spreadsheet user sees them)."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise OperationError(_("The file is not a readable XLSX workbook (%(problem)s).",
                                   problem=type(error).__name__), status=400,
                                 problem="file_unreadable") from error
        rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise OperationError(_("The CSV file must be UTF-8 encoded."), status=400,
                                 problem="file_unreadable") from error
        rows = list(csv.reader(io.StringIO(text)))
    else:
        raise OperationError(_("Upload a .csv or .xlsx file."), status=415, problem="file_type_not_allowed")
    if not rows:
        raise OperationError(_("The file is empty."), status=400, problem="file_unreadable")
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    numbered = [(index, row) for index, row in enumerate(rows[1:], start=2)
                if any(str(cell or "").strip() for cell in row)]
    if len(numbered) > MAX_IMPORT_ROWS:
        raise OperationError(_("At most %(count)d rows per file.", count=MAX_IMPORT_ROWS), status=413,
                             problem="file_too_large")
    return header, iter(numbered)


def _records(header, rows, required: set[str], optional: set[str]):
    missing = sorted(required - set(header))
    if missing:
        raise OperationError(_("Missing columns: %(names)s", names=", ".join(missing)),
                             {"header": [_("Missing column %(name)s.", name=repr(name)) for name in missing]},
                             status=400, problem="import_columns_invalid")
    unknown = sorted(set(header) - required - optional - {""})
    if unknown:
        raise OperationError(_("Unknown columns: %(names)s", names=", ".join(unknown)),
                             {"header": [_("Unknown column %(name)s.", name=repr(name)) for name in unknown]},
                             status=400, problem="import_columns_invalid")
    for number, row in rows:
        cells = list(row) + [None] * (len(header) - len(row))
        yield number, {key: cells[i] for i, key in enumerate(header) if key}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value):
    text = _text(value)
    return float(text) if text else None


def _flag(value) -> bool:
    text = _text(value).lower()
    if text == "" or text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(text)


# The schema's fields by the column they are read from.
COLUMNS = {"branch_id": "branch_code", "outlet_id": "outlet_code", "counter_id": "counter_number"}


def _cell(number: int, column: str, problem: str) -> str:
    return _("Row %(row)d, column %(column)s: %(problem)s", row=number, column=COLUMNS.get(column, column),
             problem=problem)


def _schema_problems(number: int, error: ValidationError) -> list[str]:
    return [_cell(number, field, " ".join(map(str, messages))) for field, messages in error.messages.items()]


def _fail(errors: dict) -> None:
    count = len(errors)
    raise OperationError(_("%(count)d row(s) have errors; nothing was imported.", count=count), errors,
                         problem="import_rows_invalid")


def _save(objects: list, created: int, kind: str, filename: str, actor: User) -> dict:
    for obj in objects:
        db.session.add(obj)
    result = {"created": created, "updated": len(objects) - created}
    audit.record(f"{kind}.import", actor=actor, object_type=kind, details={"file": filename[:120], **result})
    db.session.flush()
    return result


def _outside_scope(code) -> str:
    return _("“%(value)s” belongs to a part of the bank outside yours.", value=_text(code))


def import_outlets(filename: str, content: bytes, actor: User) -> dict:
    header, rows = read_rows(filename, content)
    branches = {b.code.lower(): b for b in db.session.execute(narrow_nodes(actor, select(Branch))).scalars()}
    existing = {o.code.lower(): o for o in db.session.execute(select(Outlet)).scalars()}
    errors, seen, objects, created = {}, {}, [], 0
    schema = OutletSchema()
    records = _records(header, rows, {"code", "name", "branch_code"}, {"address", "latitude", "longitude"})
    for number, record in records:
        row_errors = []
        branch = branches.get(_text(record["branch_code"]).lower())
        if branch is None:
            row_errors.append(_cell(number, "branch_code", _("There is no branch with the code “%(code)s”.",
                                                             code=_text(record["branch_code"]))))
        try:
            data = schema.load({
                "branch_id": branch.id if branch else 0, "code": _text(record["code"]),
                "name": _text(record["name"]), "address": _text(record.get("address")),
                "latitude": _number(record.get("latitude")), "longitude": _number(record.get("longitude")),
            })
        except ValidationError as error:
            row_errors += _schema_problems(number, error)
            data = None
        except ValueError:
            row_errors.append(_cell(number, "latitude/longitude", _("Not a number.")))
            data = None
        code = _text(record["code"]).lower()
        if code and code in seen:
            row_errors.append(_cell(number, "code", _("“%(value)s” repeats row %(other)d.", value=_text(record["code"]),
                                                      other=seen[code])))
        seen.setdefault(code, number)
        if row_errors:
            errors[f"row {number}"] = row_errors
            continue
        outlet = existing.get(code)
        if outlet is not None and not reaches(actor, outlet):
            errors[f"row {number}"] = [_cell(number, "code", _outside_scope(record["code"]))]
            continue
        if outlet is None:
            outlet, created = Outlet(), created + 1
        for key, value in data.items():
            setattr(outlet, key, value)
        objects.append(outlet)
    if errors:
        _fail(errors)
    return _save(objects, created, "outlet", filename, actor)


def _position_names() -> str:
    if str(get_locale() or "zh").startswith("en"):
        return ", ".join(POSITIONS)
    return "、".join(name for name in POSITION_ALIASES if name != "网点主任")


def _position(value) -> str:
    text = _text(value)
    return POSITION_ALIASES.get(text, text.lower())


def import_staff(filename: str, content: bytes, actor: User) -> dict:
    header, rows = read_rows(filename, content)
    outlets = {o.code.lower(): o for o in db.session.execute(scope_outlets(actor, select(Outlet), Outlet.id)).scalars()}
    counters = {(c.outlet_id, c.number): c for c in db.session.execute(select(Counter)).scalars()}
    existing = {s.employee_no.lower(): s for s in db.session.execute(select(Staff)).scalars()}
    errors, seen, objects, created = {}, {}, [], 0
    schema = StaffSchema()
    records = _records(header, rows, {"employee_no", "name", "position", "outlet_code"},
                       {"counter_number", "active"})
    for number, record in records:
        row_errors = []
        outlet = outlets.get(_text(record["outlet_code"]).lower())
        if outlet is None:
            row_errors.append(_cell(number, "outlet_code", _("There is no outlet with the code “%(code)s”.",
                                                             code=_text(record["outlet_code"]))))
        counter_id = None
        counter_text = _text(record.get("counter_number"))
        if counter_text and outlet is not None:
            counter = counters.get((outlet.id, int(counter_text))) if counter_text.isdigit() else None
            if counter is None:
                row_errors.append(_cell(number, "counter_number", _("The outlet has no counter number “%(number)s”.",
                                                                     number=counter_text)))
            else:
                counter_id = counter.id
        try:
            active = _flag(record.get("active"))
        except ValueError as error:
            row_errors.append(_cell(number, "active", _("“%(value)s” is not yes or no", value=error)))
            active = True
        position = _position(record["position"])
        try:
            data = schema.load({
                "outlet_id": outlet.id if outlet else 0, "employee_no": _text(record["employee_no"]),
                "name": _text(record["name"]), "position": position, "counter_id": counter_id,
            })
        except ValidationError as error:
            messages = dict(error.messages)
            if "position" in messages:
                messages["position"] = [_("Use one of: %(values)s.", values=_position_names())]
            row_errors += _schema_problems(number, ValidationError(messages))
            data = None
        key = _text(record["employee_no"]).lower()
        if key and key in seen:
            row_errors.append(_cell(number, "employee_no", _("“%(value)s” repeats row %(other)d.",
                                                             value=_text(record["employee_no"]), other=seen[key])))
        seen.setdefault(key, number)
        if row_errors:
            errors[f"row {number}"] = row_errors
            continue
        staff = existing.get(key)
        if staff is not None and not reaches(actor, staff):
            errors[f"row {number}"] = [_cell(number, "employee_no", _outside_scope(record["employee_no"]))]
            continue
        if staff is None:
            staff, created = Staff(), created + 1
        for field, value in {**data, "active": active}.items():
            setattr(staff, field, value)
        objects.append(staff)
    if errors:
        _fail(errors)
    return _save(objects, created, "staff", filename, actor)
