"""The ledger as a file: XLSX and CSV to work with, a PDF to file or hand to the regulator. Every export shows the
customer masked, whoever asks: a file leaves the system, and the handler reads the customer whole on the page."""
from __future__ import annotations

import io

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook

from complaints import labels, lifecycle, masking
from complaints.models import Complaint
from core.clock import local_today, local_zone
from core.errors import OperationError
from core.pdf import render_pdf
from core.spreadsheets import csv_bytes, text_cells_as_strings, write_sheet

MAX_ROWS = 5000  # a bigger ledger is exported in parts (by month or outlet), never cut short


def refuse_if_too_many(count: int) -> None:
    if count > MAX_ROWS:
        raise OperationError(_("%(count)d complaints match: export at most %(max)d at a time; narrow the filters "
                               "(received from/until, outlet).", count=count, max=MAX_ROWS),
                             status=400, problem="bad_filter")


def _day(moment) -> str:
    return moment.astimezone(local_zone()).date().isoformat() if moment else ""


def table(rows: list[Complaint]) -> tuple[list[str], list[list]]:
    today = local_today()
    header = [_("Number"), _("Received on"), _("Ledger"), _("Outlet"), _("Channel"), _("Category"), _("Severity"),
              _("Customer"), _("Phone"), _("Staff involved"), _("What the customer asks for"), _("Status"),
              _("Step deadline"), _("Resolution deadline"), _("Overdue"), _("Upheld"), _("Closed on"), _("Handler")]
    body = [[c.number, c.received_on.isoformat(), labels.label(labels.LEVELS, c.level), c.outlet.name,
             labels.label(labels.CHANNELS, c.channel), labels.label(labels.CATEGORIES, c.category),
             labels.label(labels.SEVERITIES, c.severity), masking.mask_name(c.customer_name),
             masking.mask_phone(c.customer_phone), c.staff.name if c.staff else "", c.request,
             labels.label(labels.STATUSES, c.status), c.step_due_on.isoformat(), c.due_on.isoformat(),
             _("Yes") if lifecycle.is_overdue(c.status, c.step_due_on, today) else _("No"),
             "" if c.upheld is None else (_("Yes") if c.upheld else _("No")), _day(c.closed_at),
             (c.handler.display_name or c.handler.username) if c.handler else ""] for c in rows]
    return header, body


def xlsx(rows: list[Complaint], title: str) -> bytes:
    workbook = Workbook()
    write_sheet(workbook.active, title, *table(rows))
    workbook.active.title = _("Complaint ledger")
    text_cells_as_strings(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv(rows: list[Complaint]) -> bytes:
    return csv_bytes(*table(rows))


def pdf(rows: list[Complaint], title: str) -> bytes:
    """The ledger to file, always in Chinese, one row per complaint, the customer masked."""
    with force_locale("zh"):
        header, body = table(rows)
        html = render_template("pdf/complaint_ledger.html", title=title, header=header, body=body,
                               printed=local_today())
    return render_pdf(html)
