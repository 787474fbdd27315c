"""A month's red/black list as it is posted: a print-ready PDF, an XLSX workbook or CSV. Only the red and
the black list proper: people held for a confirmation or taken off by an upheld appeal are not posted."""
from __future__ import annotations

import io

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook

from core.clock import local_zone
from core.pdf import render_pdf
from core.spreadsheets import text_cells_as_strings
from org.forms import CHOICE_LABELS
from reports import dashboards, exports, labels, periods
from reports.models import BLACK, RED, ServiceList, ServiceListEntry

COLOURS = (RED, BLACK)


def posted_entries(service_list: ServiceList) -> dict[str, list[ServiceListEntry]]:
    """The red and the black list, each in its order."""
    return {colour: [e for e in service_list.entries if e.colour == colour and not e.withdrawn] for colour in COLOURS}


def scope_name(service_list: ServiceList) -> str:
    return service_list.outlet.name if service_list.outlet else service_list.branch.name


def month_name(service_list: ServiceList) -> str:
    year, month = service_list.month.split("-")
    return dashboards.month_label(periods.month_period(int(year), int(month)))


def title(service_list: ServiceList) -> str:
    return _("%(scope)s service red/black list, %(month)s", scope=scope_name(service_list),
             month=month_name(service_list))


def table(service_list: ServiceList) -> tuple[list[str], list[list]]:
    header = [_("List"), _("Rank"), _("Name"), _("Employee number"), _("Outlet"), _("Position"), _("Points"),
              _("Why")]
    body = [[labels.colour_label(colour), entry.rank, entry.staff.name, entry.staff.employee_no,
             entry.staff.outlet.name, str(CHOICE_LABELS.get(entry.staff.position, entry.staff.position)),
             round(entry.points, 1), "；".join(labels.reason_label(reason) for reason in entry.reasons)]
            for colour, entries in posted_entries(service_list).items() for entry in entries]
    return header, body


def xlsx(service_list: ServiceList) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Service red/black list")
    heading = title(service_list) if service_list.is_published else f"{title(service_list)} ({_('draft')})"
    exports.write_sheet(sheet, heading, *table(service_list))
    text_cells_as_strings(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv(service_list: ServiceList) -> bytes:
    return exports.csv_bytes(*table(service_list))


def pdf(service_list: ServiceList) -> bytes:
    """The sheet to post on the notice board, always in Chinese."""
    with force_locale("zh"):
        html = render_template(
            "pdf/service_list.html", l=service_list, title=title(service_list), month=month_name(service_list),
            entries=posted_entries(service_list),
            published=service_list.published_at.astimezone(local_zone()) if service_list.published_at else None,
            colour_label=labels.colour_label, reason_label=labels.reason_label,
            position_label=lambda value: str(CHOICE_LABELS.get(value, value)))
    return render_pdf(html)


def filename(service_list: ServiceList, extension: str) -> str:
    scope = service_list.outlet.code if service_list.outlet else "branch"
    return f"red-black-list-{service_list.month}-{scope}.{extension}"
