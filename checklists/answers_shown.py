"""An answer as a person reads it: options by their label, scales out of their maximum, durations with a unit."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from checklists.document import Item


def _locale() -> str:
    return "en" if str(get_locale()) == "en" else "zh"


def duration_text(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    if not minutes:
        return _("%(seconds)d s", seconds=rest)
    if not rest:
        return _("%(minutes)d min", minutes=minutes)
    return _("%(minutes)d min %(seconds)d s", minutes=minutes, seconds=rest)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def answer_text(item: Item, value: object) -> str:
    """What an answer to `item` says; the caller shows pass and fail marks of its own."""
    if value is None:
        return "—"
    if value == "na":
        return _("Not applicable")
    if item.type == "check":
        return {"pass": _("Pass"), "fail": _("Fail")}.get(str(value), str(value))
    if item.type == "choice":
        labels = {option.key: option.label.get(_locale()) for option in item.options}
        chosen = value if isinstance(value, list) else [value]
        return "、".join(labels.get(str(key), str(key)) for key in chosen)
    if item.type == "scale" and isinstance(value, (int, float)):
        return f"{_number(value)} / {item.scale_max}"
    if item.type == "duration" and isinstance(value, (int, float)):
        return duration_text(value)
    if isinstance(value, (int, float)):
        return _number(value)
    return str(value)
