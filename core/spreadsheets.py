"""Cells a client's text fills in an export: never a live formula when the file is opened in a spreadsheet
(OWASP CSV injection). CSV text that a spreadsheet would read as a formula gets a leading apostrophe; XLSX
text is typed as a string, which no spreadsheet evaluates, and keeps its exact value."""
from __future__ import annotations

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
