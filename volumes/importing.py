"""The monthly import of the core banking report: every row checked, all saved or nothing; the months a file
names are replaced whole, so a corrected report is simply imported again."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from sqlalchemy import delete, select

from core import audit
from core.errors import OperationError
from core.extensions import db
from core.spreadsheets import text_cells_as_strings
from org.importing import read_rows
from org.models import Staff, User
from volumes import months
from volumes.models import ERRORS, TRANSACTIONS, TellerCount

# Column key, its Chinese heading in the template, and the English name also accepted.
COLUMNS = (("month", "月份"), ("employee_no", "工号"), ("measure", "类别"), ("label", "项目"), ("count", "笔数"))
HEADINGS = {heading: key for key, heading in COLUMNS} | {key: key for key, _heading in COLUMNS}
COLUMN_LABELS = {"month": _l("Month"), "employee_no": _l("Employee number"), "measure": _l("Category"),
                 "label": _l("Item"), "count": _l("Count")}
MEASURE_WORDS = {"业务量": TRANSACTIONS, "transactions": TRANSACTIONS, "差错": ERRORS, "errors": ERRORS}
MAX_COUNT = 10_000_000
EXAMPLE = (("2026-10", "A01-1", "业务量", "个人存取款", 1200), ("2026-10", "A01-1", "业务量", "对公结算", 310),
           ("2026-10", "A01-1", "差错", "操作差错", 2))


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _cell(number: int, key: str, problem: str) -> str:
    heading, label = dict(COLUMNS)[key], str(COLUMN_LABELS[key])
    return _("Row %(row)d, column %(column)s: %(problem)s", row=number,
             column=heading if label == heading else f"{label} ({heading})", problem=problem)


def _count(value) -> int | None:
    text = _text(value)
    return int(text) if text.isdigit() or (text.startswith("-") and text[1:].isdigit()) else None


def _check(number: int, record: dict, tellers: dict[str, Staff]) -> tuple[list[str], tuple | None]:
    problems = []
    month = months.parse(record["month"])
    if month is None:
        problems.append(_cell(number, "month", _("Not a month; write it as 2026-10.")))
    employee_no = _text(record["employee_no"])
    staff = tellers.get(employee_no.lower())
    if staff is None:
        problems.append(_cell(number, "employee_no", _("There is no teller with the employee number “%(code)s”.",
                                                       code=employee_no)))
    measure = MEASURE_WORDS.get(_text(record["measure"]).lower())
    if measure is None:
        problems.append(_cell(number, "measure", _("Write 业务量 (business volume) or 差错 (service errors).")))
    label = _text(record["label"])
    if not label or len(label) > 60:
        problems.append(_cell(number, "label", _("Name the business type or error kind (at most 60 characters).")))
    count = _count(record["count"])
    if count is None or count < 0 or count > MAX_COUNT:
        problems.append(_cell(number, "count", _("A whole number from 0 is needed.")))
    if problems:
        return problems, None
    return [], (month, staff, measure, label, count)


def _records(filename: str, content: bytes):
    header, rows = read_rows(filename, content)
    keys = [HEADINGS.get(name) for name in header]
    missing = [heading for key, heading in COLUMNS if key not in keys]
    if missing:
        raise OperationError(_("Missing columns: %(names)s", names="、".join(missing)), status=400,
                             problem="import_columns_invalid")
    for number, row in rows:
        cells = list(row) + [None] * (len(keys) - len(row))
        yield number, {key: cells[index] for index, key in enumerate(keys) if key}


def import_counts(filename: str, content: bytes, actor: User) -> dict:
    tellers = {staff.employee_no.lower(): staff for staff in
               db.session.execute(select(Staff).where(Staff.position == "teller")).scalars()}
    errors: dict[str, list[str]] = {}
    counts: dict[tuple, tuple[int, int]] = {}
    for number, record in _records(filename, content):
        problems, checked = _check(number, record, tellers)
        if checked is not None:
            month, staff, measure, label, count = checked
            key = (month, staff.id, measure, label)
            if key in counts:
                problems.append(_cell(number, "label", _("“%(value)s” repeats row %(other)d.", value=label,
                                                         other=counts[key][0])))
            counts.setdefault(key, (number, count))
        if problems:
            errors[f"row {number}"] = problems
    if errors:
        raise OperationError(_("%(count)d row(s) have errors; nothing was imported.", count=len(errors)), errors,
                             problem="import_rows_invalid")
    if not counts:
        raise OperationError(_("The file is empty."), status=400, problem="file_unreadable")
    return _replace(counts, filename, actor)


def _replace(counts: dict, filename: str, actor: User) -> dict:
    named = sorted({month for month, *_rest in counts})
    replaced = db.session.execute(select(TellerCount.id).where(TellerCount.month.in_(named))).scalars().all()
    db.session.execute(delete(TellerCount).where(TellerCount.month.in_(named)))
    db.session.add_all(TellerCount(month=month, staff_id=staff_id, measure=measure, label=label, count=count)
                       for (month, staff_id, measure, label), (_number, count) in counts.items())
    result = {"months": [months.text(month) for month in named], "rows": len(counts), "replaced": len(replaced)}
    audit.record("teller_count.import", actor=actor, object_type="teller_count",
                 details={"file": filename[:120], **result})
    db.session.flush()
    return result


def template_workbook() -> bytes:
    """The sheet to fill in: the Chinese headings and three example rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "业务量与差错"
    sheet.append([heading for _key, heading in COLUMNS])
    for row in EXAMPLE:
        sheet.append(list(row))
    for column, width in zip("ABCDE", (10, 12, 10, 16, 10), strict=True):
        sheet.column_dimensions[column].width = width
    text_cells_as_strings(book)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
