"""BSC points of a period as an XLSX workbook (a sheet for staff, one for outlets) or as CSV; the sheet and CSV
writers that the other exports share."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.spreadsheets import csv_cell, text_cells_as_strings
from org.forms import CHOICE_LABELS
from reports.bsc import BSC_MAX, OutletPoints, StaffPoints
from reports.periods import Period

MAX_TEXT = f"{BSC_MAX:g}"


def staff_table(rows: list[StaffPoints]) -> tuple[list[str], list[list]]:
    header = [_("Employee number"), _("Name"), _("Outlet code"), _("Outlet"), _("Position"), _("Remote checks"),
              _("Passed remote checks"), _("Critical findings"), _("Major findings"), _("Minor findings"),
              _("Service errors"), _("Upheld complaints"), _("Points deducted"), _("BSC points (of %(max)s)", max=MAX_TEXT)]
    body = [[s.employee_no, s.name, s.outlet_code, s.outlet_name, str(CHOICE_LABELS.get(s.position, s.position)),
             s.remote_checks, s.remote_passed, s.critical, s.major, s.minor,
             s.service_errors, s.complaints, s.deductions, row.points] for row in rows for s in (row.summary,)]
    return header, body


def outlet_table(rows: list[OutletPoints]) -> tuple[list[str], list[list]]:
    header = [_("Outlet code"), _("Outlet"), _("Rank"), _("Score"), _("Inspections"), _("Findings"),
              _("Closure rate (%)"), _("BSC points (of %(max)s)", max=MAX_TEXT)]
    body = [[r.row.code, r.row.name, r.row.rank, r.row.score, r.row.inspections, r.row.closure.total,
             r.closure_rate, r.points] for r in rows]
    return header, body


def write_sheet(sheet, title: str, header: list[str], body: list[list]) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append(row)
    sheet.freeze_panes = "A3"
    for index, label in enumerate(header, start=1):
        width = max([len(str(label))] + [len(str(row[index - 1])) for row in body[:200] if row[index - 1] is not None])
        sheet.column_dimensions[get_column_letter(index)].width = min(40, max(8, width * 1.6 + 2))


def xlsx(period: Period, staff: list[StaffPoints], outlets: list[OutletPoints]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Staff")
    write_sheet(sheet, _("BSC service points, staff, %(period)s", period=period.label), *staff_table(staff))
    write_sheet(workbook.create_sheet(_("Outlets")), _("BSC service points, outlets, %(period)s", period=period.label),
           *outlet_table(outlets))
    text_cells_as_strings(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list[str], body: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in body)
    # The byte-order mark makes Excel read the Chinese as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
