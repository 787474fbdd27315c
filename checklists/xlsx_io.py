"""XLSX form of a checklist for people who write checklists in Excel (after XLSForm's layout).

Sheets: `settings` (field, value), `sections` (key, label_zh, label_en), `items` (one row per item),
`grades` (grade, min, label_zh, label_en). Choice options and scale labels sit in the item's
`options` cell, one per line: `key | 中文 | English | points [| fail]` or `0 | 中文 | English`.
"""
from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from checklists import definition
from core.errors import OperationError
from core.spreadsheets import text_cells_as_strings

ITEM_COLUMNS = [
    "section", "key", "type", "label_zh", "label_en", "guidance_zh", "guidance_en", "requirement_zh", "requirement_en",
    "points", "severity", "critical", "cap_grade", "photo_on_fail", "attribute_to_staff", "allow_na", "required",
    "condition", "options", "multiple", "min", "max", "pass_min", "pass_max", "max_length", "min_photos", "reference_photo",
]
REQUIRED_ITEM_COLUMNS = {"section", "key", "type", "label_zh", "label_en", "points"}
BOOLEAN_COLUMNS = {"photo_on_fail", "attribute_to_staff", "allow_na", "required", "multiple"}
NUMBER_COLUMNS = {"points", "min", "max", "pass_min", "pass_max", "max_length", "min_photos"}
TEXT_COLUMNS = {"label_zh", "label_en", "guidance_zh", "guidance_en", "requirement_zh", "requirement_en"}
SECTION_COLUMNS = ["key", "label_zh", "label_en"]
GRADE_COLUMNS = ["grade", "min", "label_zh", "label_en"]
SETTINGS = ["kind", "code", "name_zh", "name_en", "description_zh", "description_en"]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def split_option_line(line: str) -> list[str]:
    """One line of an `options` cell (or of the item form's options box) cut at its unescaped `|`."""
    parts, current, escaped = [], "", False
    for char in line:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            escaped = True
        elif char == "|":
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _number_text(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def export(data: dict) -> bytes:
    book = Workbook()
    settings = book.active
    settings.title = "settings"
    settings.append(["field", "value"])
    description = data.get("description") or {}
    for name, value in (("kind", data["kind"]), ("code", data["code"]), ("name_zh", data["name"]["zh"]),
                        ("name_en", data["name"]["en"]), ("description_zh", description.get("zh", "")),
                        ("description_en", description.get("en", ""))):
        settings.append([name, value])
    sections = book.create_sheet("sections")
    sections.append(SECTION_COLUMNS)
    items = book.create_sheet("items")
    items.append(ITEM_COLUMNS)
    for section in data["sections"]:
        sections.append([section["key"], section["label"]["zh"], section["label"]["en"]])
        for item in section["items"]:
            items.append(list(item_to_row(section["key"], item).values()))
    if "grades" in data:
        grades = book.create_sheet("grades")
        grades.append(GRADE_COLUMNS)
        for grade in data["grades"]:
            grades.append([grade["grade"], grade["min"], grade["label"]["zh"], grade["label"]["en"]])
    text_cells_as_strings(book)
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 14
    for row in items.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _item_cell(section_key: str, item: dict, column: str):
    if column == "section":
        return section_key
    if column in TEXT_COLUMNS:
        field, lang = column.rsplit("_", 1)
        return (item.get(field) or {}).get(lang, "")
    if column == "options":
        if item["type"] == "choice":
            return "\n".join(
                " | ".join([_escape(o["key"]), _escape(o["label"]["zh"]), _escape(o["label"]["en"]),
                            _number_text(o.get("points", 0))] + (["fail"] if o.get("fail") else []))
                for o in item["options"])
        if item["type"] == "scale":
            return "\n".join(f"{point} | {_escape(label['zh'])} | {_escape(label['en'])}"
                             for point, label in enumerate(item["scale"]["labels"]))
        return None
    value = item.get(column)
    if column == "multiple" and item["type"] != "choice":
        return None
    if column in BOOLEAN_COLUMNS:
        default = column in ("allow_na", "required")
        return "yes" if (default if value is None else value) else "no"
    return value


def _place(sheet: str, row: int, column: str | None = None, item: str | None = None) -> str:
    """Where a cell is, as a person finds it in Excel: sheet, row, the row's item, column."""
    if item and column:
        return _("Sheet %(sheet)s, row %(row)d (item “%(item)s”), column %(column)s", sheet=sheet, row=row,
                 item=item, column=column)
    if item:
        return _("Sheet %(sheet)s, row %(row)d (item “%(item)s”)", sheet=sheet, row=row, item=item)
    if column:
        return _("Sheet %(sheet)s, row %(row)d, column %(column)s", sheet=sheet, row=row, column=column)
    return _("Sheet %(sheet)s, row %(row)d", sheet=sheet, row=row)


def _problem(place: str, problem: str) -> str:
    return _("%(place)s: %(problem)s", place=place, problem=problem)


class _Rows:
    """Sheet rows as dicts, remembering the row number each came from."""

    def __init__(self, book, name: str, required: set[str], known: list[str], problems: list[str]):
        self.rows: list[tuple[int, dict]] = []
        if name not in book.sheetnames:
            if required:
                problems.append(_("The sheet %(sheet)s is missing.", sheet=name))
            return
        values = list(book[name].iter_rows(values_only=True))
        if not values:
            problems.append(_("The sheet %(sheet)s is empty.", sheet=name))
            return
        header = [str(c or "").strip().lower() for c in values[0]]
        for column in sorted(required - set(header)):
            problems.append(_problem(_place(name, 1), _("the column %(column)s is missing", column=column)))
        for column in header:
            if column and column not in known:
                problems.append(_problem(_place(name, 1), _("unknown column %(column)s", column=column)))
        for number, row in enumerate(values[1:], start=2):
            if not any(c not in (None, "") for c in row):
                continue
            self.rows.append((number, {h: row[i] for i, h in enumerate(header) if h and i < len(row)}))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _bool(value, where: str, problems: list[str]):
    text = _text(value).lower()
    if text == "":
        return None
    if text in ("yes", "y", "true", "1", "是"):
        return True
    if text in ("no", "n", "false", "0", "否"):
        return False
    problems.append(_problem(where, _("“%(value)s” is not yes or no", value=value)))
    return None


def _number(value, where: str, problems: list[str]):
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        problems.append(_problem(where, _("“%(value)s” is not a number", value=value)))
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        number = float(_text(value))
    except ValueError:
        problems.append(_problem(where, _("“%(value)s” is not a number", value=value)))
        return None
    return int(number) if number.is_integer() else number


def _options(item: dict, cell, where: str, problems: list[str]) -> None:
    lines = [line for line in _text(cell).splitlines() if line.strip()]
    if item.get("type") == "choice":
        options = []
        for line in lines:
            parts = split_option_line(line)
            if len(parts) not in (4, 5) or (len(parts) == 5 and parts[4].lower() != "fail"):
                problems.append(_problem(where, _("the option line “%(line)s” must be “%(shape)s”", line=line,
                                                  shape="key | 中文 | English | points [| fail]")))
                continue
            points = _number(parts[3], where, problems)
            option = {"key": parts[0], "label": {"zh": parts[1], "en": parts[2]}, "points": points or 0}
            if len(parts) == 5:
                option["fail"] = True
            options.append(option)
        item["options"] = options
    elif item.get("type") == "scale":
        labels = []
        for expected, line in enumerate(lines):
            parts = split_option_line(line)
            if len(parts) != 3 or parts[0] != str(expected):
                problems.append(_problem(where, _("the scale line “%(line)s” must be “%(shape)s”", line=line,
                                                  shape=f"{expected} | 中文 | English")))
                continue
            labels.append({"zh": parts[1], "en": parts[2]})
        item["scale"] = {"max": len(lines) - 1, "labels": labels}
    elif lines:
        problems.append(_problem(where, _("only choice and rating items take options")))


def item_to_row(section_key: str, item: dict) -> dict:
    return {column: _item_cell(section_key, item, column) for column in ITEM_COLUMNS}


def _row_label(row: dict) -> str:
    """The row's item as a person knows it: its label in the reader's language, else its key."""
    first, second = ("label_en", "label_zh") if definition.reader_language() == "en" else ("label_zh", "label_en")
    return _text(row.get(first)) or _text(row.get(second)) or _text(row.get("key"))


def row_to_item(row: dict, number: int, problems: list[str]) -> dict:
    """One items-sheet row as an item dict."""
    item = {"key": _text(row.get("key")), "type": _text(row.get("type")),
            "label": {"zh": _text(row.get("label_zh")), "en": _text(row.get("label_en"))}}
    for name in ("guidance", "requirement"):
        if _text(row.get(f"{name}_zh")) or _text(row.get(f"{name}_en")):
            item[name] = {"zh": _text(row.get(f"{name}_zh")), "en": _text(row.get(f"{name}_en"))}
    label = _row_label(row)
    for column in ITEM_COLUMNS:
        value = row.get(column)
        if column in BOOLEAN_COLUMNS:
            value = _bool(value, _place("items", number, column, label), problems)
        elif column in NUMBER_COLUMNS:
            value = _number(value, _place("items", number, column, label), problems)
        elif column in ("severity", "critical", "cap_grade", "condition", "reference_photo"):
            value = _text(value) or None
        else:
            continue
        if column == "multiple" and item["type"] != "choice" and not value:
            continue  # the form's unticked box, meaningless for other types
        if value is not None:
            item[column] = value
    _options(item, row.get("options"), _place("items", number, "options", label), problems)
    return item


def read(content: bytes) -> dict:
    """Build the checklist dict from a workbook, then validate it; errors name sheet, row, item and column."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise OperationError(_("The file is not a readable XLSX workbook (%(problem)s).", problem=type(error).__name__),
                             status=400, problem="file_unreadable") from error
    problems: list[str] = []
    settings = {_text(r.get("field")).lower(): r.get("value")
                for _row_number, r in _Rows(book, "settings", {"field", "value"}, ["field", "value"], problems).rows}
    data: dict = {"kind": _text(settings.get("kind")), "code": _text(settings.get("code")),
                  "name": {"zh": _text(settings.get("name_zh")), "en": _text(settings.get("name_en"))}}
    if _text(settings.get("description_zh")) or _text(settings.get("description_en")):
        data["description"] = {"zh": _text(settings.get("description_zh")),
                               "en": _text(settings.get("description_en"))}
    section_rows = _Rows(book, "sections", set(SECTION_COLUMNS), SECTION_COLUMNS, problems).rows
    item_rows = _Rows(book, "items", REQUIRED_ITEM_COLUMNS, ITEM_COLUMNS, problems).rows
    grade_rows = _Rows(book, "grades", set(), GRADE_COLUMNS, problems).rows
    locations: dict[tuple, tuple[str, int, str | None]] = {}
    sections, by_key = [], {}
    for number, row in section_rows:
        section = {"key": _text(row.get("key")), "label": {"zh": _text(row.get("label_zh")),
                                                           "en": _text(row.get("label_en"))}, "items": []}
        locations[("sections", len(sections))] = ("sections", number, None)
        by_key.setdefault(section["key"], (len(sections), section))
        sections.append(section)
    for number, row in item_rows:
        section_key = _text(row.get("section"))
        if section_key not in by_key:
            problems.append(_problem(_place("items", number, "section", _row_label(row)),
                                     _("the section “%(section)s” is not in the sections sheet", section=section_key)))
            continue
        index, section = by_key[section_key]
        item = row_to_item(row, number, problems)
        locations[("sections", index, "items", len(section["items"]))] = ("items", number, _row_label(row))
        section["items"].append(item)
    data["sections"] = sections
    if grade_rows:
        data["grades"] = []
        for number, row in grade_rows:
            locations[("grades", len(data["grades"]))] = ("grades", number, None)
            data["grades"].append({"grade": _text(row.get("grade")),
                                   "min": _number(row.get("min"), _place("grades", number, "min"), problems),
                                   "label": {"zh": _text(row.get("label_zh")), "en": _text(row.get("label_en"))}})
    if problems:
        raise OperationError(_("%(count)d problem(s) in the workbook; nothing was saved.", count=len(problems)),
                             {"workbook": problems}, problem="import_rows_invalid")
    try:
        definition.parse(data)
    except definition.DefinitionError as error:
        raise OperationError(_("%(count)d problem(s) in the workbook; nothing was saved.", count=len(error.problems)),
                             {"workbook": [_locate(path, message, locations) for path, message in error.problems]},
                             problem="import_rows_invalid") from error
    return data


def _column(rest: tuple) -> str | None:
    """The column that holds the value at `rest` below a row (label.en → label_en, options[2].key → options)."""
    if not rest:
        return None
    if rest[0] in ("label", "guidance", "name", "description") and len(rest) > 1 and rest[1] in ("zh", "en"):
        return f"{rest[0]}_{rest[1]}"
    if rest[0] == "scale":
        return "options"
    return str(rest[0])


def _locate(path: tuple, message: str, locations: dict) -> str:
    for length in (4, 2):
        if len(path) >= length and path[:length] in locations:
            sheet, number, item = locations[path[:length]]
            return _problem(_place(sheet, number, _column(path[length:]), item), message)
    if path and path[0] in ("kind", "code", "name", "description"):
        return _problem(_("Sheet settings, field %(field)s", field=_column(path)), message)
    return _problem(_("Sheet %(sheet)s", sheet=path[0]), message) if path else message
