"""Where in a checklist a problem is, in the reader's words: sections and items by their label (their key
where they have none yet), the file's own field names as written in it (docs/checklist-format.md)."""
from __future__ import annotations

from flask_babel import gettext as _

from checklists.definition import reader_language, render_path


def _entry(data, *steps):
    for step in steps:
        if isinstance(step, int) and isinstance(data, list) and 0 <= step < len(data):
            data = data[step]
        elif isinstance(step, str) and isinstance(data, dict):
            data = data.get(step)
        else:
            return None
    return data


def label_of(entry, number: int) -> str:
    """An entry's label in the reader's language, else its key, else its position."""
    if isinstance(entry, dict):
        label = entry.get("label")
        if isinstance(label, str) and label.strip():
            return label.strip()
        if isinstance(label, dict):
            text = label.get(reader_language()) or label.get("zh") or label.get("en")
            if isinstance(text, str) and text.strip():
                return text.strip()
        if isinstance(entry.get("key"), str) and entry["key"].strip():
            return entry["key"].strip()
    return _("no. %(number)d", number=number + 1)


def place(data, path: tuple) -> str:
    """`Item “greeting”, points` for ("sections", 0, "items", 2, "points"); "" for the whole checklist."""
    if len(path) >= 4 and path[0] == "sections" and path[2] == "items" and isinstance(path[3], int):
        where = _("Item “%(item)s”", item=label_of(_entry(data, "sections", path[1], "items", path[3]), path[3]))
        rest = path[4:]
    elif len(path) >= 2 and path[0] == "sections" and isinstance(path[1], int):
        where = _("Section “%(section)s”", section=label_of(_entry(data, "sections", path[1]), path[1]))
        rest = path[2:]
    elif len(path) >= 2 and path[0] == "grades" and isinstance(path[1], int):
        grade = _entry(data, "grades", path[1], "grade")
        where = _("Grade %(grade)s", grade=grade if isinstance(grade, str) and grade else path[1] + 1)
        rest = path[2:]
    else:
        return render_path(path)
    return _("%(place)s, %(field)s", place=where, field=render_path(rest)) if rest else where


def located(data, problems: list[tuple[tuple, str]]) -> dict[str, list[str]]:
    """The problems by path (for programs), each message saying where it is (for people)."""
    result: dict[str, list[str]] = {}
    for path, message in problems:
        where = place(data, path)
        result.setdefault(render_path(path) or "(top)", []).append(
            _("%(place)s: %(problem)s", place=where, problem=message) if where else message)
    return result
