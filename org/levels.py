"""The levels of the bank's tree, highest first, from the ORG_LEVELS setting, and their names."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

DEFAULT_LEVELS = ("head_office", "province", "city", "sub_branch")

LABELS = {
    "head_office": _l("Head office"),
    "province": _l("Province branch"),
    "city": _l("City branch"),
    "sub_branch": _l("Sub-branch"),
}


def configured() -> tuple[str, ...]:
    return tuple(current_app.config.get("ORG_LEVELS") or DEFAULT_LEVELS)


def rank(level: str) -> int:
    """0 for the highest level; a key no longer configured counts as the lowest."""
    levels = configured()
    return levels.index(level) if level in levels else len(levels)


def label(level: str) -> str:
    return str(LABELS.get(level, level))


def choices() -> list[tuple[str, str]]:
    return [(level, label(level)) for level in configured()]
