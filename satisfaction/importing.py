"""Import of survey results from CSV or XLSX: every row checked, all saved or nothing; a result already
stored for the same period, segment and scope is replaced."""
from __future__ import annotations

import io
import math
import re

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import delete, select

from core import audit
from core.errors import OperationError
from core.extensions import db
from core.spreadsheets import text_cells_as_strings
from org.importing import read_rows
from org.models import Outlet, User
from satisfaction.labels import SEGMENT_ALIASES, parse_period, segment_names
from satisfaction.models import SurveyResult

# The column headings of the template (Chinese, as the bank's sheets have them), by field; English keys work too.
HEADINGS = {"period": "期间", "segment": "客户类别", "outlet_code": "网点编码", "score": "满意度得分",
            "system_rank": "系统内排名", "ranked_units": "参评单位数", "peer_rank": "同业排名",
            "worst_items": "客户反映最差事项"}
FIELDS = {**{heading: field for field, heading in HEADINGS.items()}, **{field: field for field in HEADINGS}}
REQUIRED = ("period", "segment", "score", "system_rank", "ranked_units")
ITEM_SEPARATORS = re.compile(r"[;；、\n]+")
MAX_ITEMS, MAX_ITEM_LENGTH = 10, 80


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "客户满意度测评"
    sheet.append(list(HEADINGS.values()))
    sheet.append(["2026-Q3", "对公客户", "", 92.5, 5, 40, 2, "等候时间长；停车不便"])
    sheet.append(["2026-Q3", "厅堂", "", 88, 9, 40, "", "叫号不清"])
    for column in "ABCDEFGH":
        sheet.column_dimensions[column].width = 16
    sheet.column_dimensions["H"].width = 40
    text_cells_as_strings(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _columns(header: list[str]) -> dict[str, int]:
    columns = {FIELDS[name]: index for index, name in enumerate(header) if name in FIELDS}
    missing = [HEADINGS[field] for field in REQUIRED if field not in columns]
    if missing:
        raise OperationError(_("Missing columns: %(names)s", names="、".join(missing)),
                             {"header": [_("Missing column %(name)s.", name=repr(name)) for name in missing]},
                             status=400, problem="import_columns_invalid")
    return columns


class _Row:
    """One data row read field by field; each problem names the row and the column's heading."""

    def __init__(self, number: int, cells: list, columns: dict[str, int]):
        self.number, self.cells, self.columns, self.problems = number, cells, columns, []

    def raw(self, field: str):
        index = self.columns.get(field)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def refuse(self, field: str, problem: str) -> None:
        self.problems.append(_("Row %(row)d, column %(column)s: %(problem)s", row=self.number,
                               column=HEADINGS[field], problem=problem))

    def number_in(self, field: str, low: float, high: float | None, *, whole: bool, required: bool = True):
        text = _text(self.raw(field))
        if not text:
            if required:
                self.refuse(field, _("Missing value."))
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.refuse(field, _("Not a number."))
            return None
        if whole and not value.is_integer():
            self.refuse(field, _("Enter a whole number."))
            return None
        if value < low or (high is not None and value > high):
            self.refuse(field, _("Must be between %(low)s and %(high)s.", low=f"{low:g}",
                                 high=f"{high:g}" if high is not None else "∞"))
            return None
        return int(value) if whole else value


def _read(row: _Row, outlets: dict[str, Outlet]) -> dict:
    period = parse_period(row.raw("period"))
    if period is None:
        row.refuse("period", _("“%(value)s” is not a quarter such as 2026-Q3 or a month such as 2026-09.",
                               value=_text(row.raw("period"))))
    segment = SEGMENT_ALIASES.get(_text(row.raw("segment")), SEGMENT_ALIASES.get(_text(row.raw("segment")).lower()))
    if segment is None:
        row.refuse("segment", _("Use one of: %(values)s.", values=segment_names()))
    code = _text(row.raw("outlet_code"))
    outlet = outlets.get(code.lower()) if code else None
    if code and outlet is None:
        row.refuse("outlet_code", _("There is no outlet with the code “%(code)s”.", code=code))
    score = row.number_in("score", 0, 100, whole=False)
    units = row.number_in("ranked_units", 1, 10000, whole=True)
    rank = row.number_in("system_rank", 1, units, whole=True)
    peer_rank = row.number_in("peer_rank", 1, 10000, whole=True, required=False)
    items = [item.strip()[:MAX_ITEM_LENGTH] for item in ITEM_SEPARATORS.split(_text(row.raw("worst_items")))
             if item.strip()][:MAX_ITEMS]
    return {"period": period, "segment": segment, "outlet_id": outlet.id if outlet else None, "score": score,
            "system_rank": rank, "ranked_units": units, "peer_rank": peer_rank, "worst_items": items}


def _fail(errors: dict) -> None:
    raise OperationError(_("%(count)d row(s) have errors; nothing was imported.", count=len(errors)), errors,
                         problem="import_rows_invalid")


def import_results(filename: str, content: bytes, actor: User) -> dict:
    header, rows = read_rows(filename, content)
    columns = _columns(header)
    outlets = {o.code.lower(): o for o in db.session.execute(select(Outlet)).scalars()}
    errors, seen, results = {}, {}, []
    for number, cells in rows:
        row = _Row(number, list(cells), columns)
        data = _read(row, outlets)
        key = (data["period"], data["segment"], data["outlet_id"])
        if not row.problems and key in seen:
            row.refuse("period", _("The same period, segment and scope as row %(other)d.", other=seen[key]))
        seen.setdefault(key, number)
        if row.problems:
            errors[f"row {number}"] = row.problems
        else:
            results.append(data)
    if errors:
        _fail(errors)
    if not results:
        raise OperationError(_("The file has no data rows."), status=400, problem="file_unreadable")
    replaced = 0
    for data in results:
        outlet_match = (SurveyResult.outlet_id == data["outlet_id"] if data["outlet_id"]
                        else SurveyResult.outlet_id.is_(None))
        replaced += db.session.execute(delete(SurveyResult).where(
            SurveyResult.period == data["period"], SurveyResult.segment == data["segment"], outlet_match)).rowcount
        db.session.add(SurveyResult(**data, imported_by_id=actor.id if actor else None))
    result = {"created": len(results) - replaced, "replaced": replaced}
    audit.record("satisfaction.import", actor=actor, object_type="survey_result",
                 details={"file": (filename or "")[:120], **result,
                          "periods": sorted({data["period"] for data in results})})
    db.session.flush()
    return result
