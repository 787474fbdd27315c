"""Writing exports: a sheet with its title and header, and CSV that Excel reads as UTF-8. A client's text never
becomes a live formula when the file is opened in a spreadsheet (OWASP CSV injection): CSV text a spreadsheet would
read as a formula gets a leading apostrophe; XLSX text is typed as a string, which no spreadsheet evaluates, and
keeps its exact value."""
from __future__ import annotations

import csv
import io

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return "" if value is None else value


def text_cells_as_strings(workbook) -> None:
    """openpyxl stores a str starting with '=' as a formula: every text cell is made a plain string."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"


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


def csv_bytes(header: list[str], body: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in body)
    # The byte-order mark makes Excel read the Chinese as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
