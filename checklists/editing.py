"""Editing steps on a draft's definition dict; the result is validated whole before it is saved."""
from __future__ import annotations

from flask_babel import gettext as _

from checklists.definition import reader_language


class EditError(ValueError):
    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}


def _label(entry: dict) -> str:
    label = entry.get("label") or {}
    return label.get(reader_language()) or label.get("zh") or label.get("en") or entry["key"]


def _section(data: dict, key: str) -> dict:
    for section in data["sections"]:
        if section["key"] == key:
            return section
    raise EditError(_("There is no section with the key “%(key)s”.", key=key), {"section": [_("Unknown section.")]})


def _locate_item(data: dict, key: str) -> tuple[dict, int]:
    for section in data["sections"]:
        for index, item in enumerate(section["items"]):
            if item["key"] == key:
                return section, index
    raise EditError(_("There is no item with the key “%(key)s”.", key=key), {"key": [_("Unknown item.")]})


def _move(sequence: list, index: int, direction: str) -> None:
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down"):
        raise EditError(_("Move up or down."))
    if 0 <= target < len(sequence):
        sequence[index], sequence[target] = sequence[target], sequence[index]


def add_section(data: dict, key: str, label: dict, first_item: dict) -> None:
    for section in data["sections"]:
        if section["key"] == key:
            raise EditError(_("The section “%(label)s” has the key “%(key)s” already.", label=_label(section), key=key),
                            {"key": [_("Already used.")]})
    data["sections"].append({"key": key, "label": label, "items": [first_item]})


def update_section(data: dict, key: str, label: dict) -> None:
    _section(data, key)["label"] = label


def move_section(data: dict, key: str, direction: str) -> None:
    keys = [section["key"] for section in data["sections"]]
    if key not in keys:
        raise EditError(_("There is no section with the key “%(key)s”.", key=key))
    _move(data["sections"], keys.index(key), direction)


def remove_section(data: dict, key: str) -> None:
    section = _section(data, key)
    data["sections"].remove(section)


def add_item(data: dict, section: str, item: dict) -> None:
    _section(data, section)["items"].append(item)


def update_item(data: dict, key: str, item: dict) -> None:
    section, index = _locate_item(data, key)
    section["items"][index] = item


def move_item(data: dict, key: str, direction: str) -> None:
    section, index = _locate_item(data, key)
    items = section["items"]
    at_edge = (index == 0 and direction == "up") or (index == len(items) - 1 and direction == "down")
    if not at_edge:
        _move(items, index, direction)
        return
    # At a section's edge the item crosses into the neighbouring section.
    position = data["sections"].index(section)
    neighbour = position - 1 if direction == "up" else position + 1
    if 0 <= neighbour < len(data["sections"]) and len(items) > 1:
        moved = items.pop(index)
        target = data["sections"][neighbour]["items"]
        target.append(moved) if direction == "up" else target.insert(0, moved)


def remove_item(data: dict, key: str) -> None:
    section, index = _locate_item(data, key)
    section["items"].pop(index)
