"""BSC points of a period as an XLSX workbook (a sheet for staff, one for outlets) or as CSV."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook

from core.spreadsheets import csv_bytes, text_cells_as_strings, write_sheet  # noqa: F401  (shared with the other exports)
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


