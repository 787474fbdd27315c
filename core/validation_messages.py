"""marshmallow's own field messages ("Missing data for required field.") in the reader's language.

Its messages are English text formatted before they reach us; they are recognised here by their shape and
said again through the catalog, numbers and choices kept. Our own messages pass through unchanged."""
from __future__ import annotations

import re

from flask_babel import gettext as _

_FIXED = {
    "Missing data for required field.": lambda: _("Missing data for required field."),
    "Field may not be null.": lambda: _("Field may not be null."),
    "Unknown field.": lambda: _("Unknown field."),
    "Invalid value.": lambda: _("Invalid value."),
    "Invalid input type.": lambda: _("Invalid input type."),
    "Invalid type.": lambda: _("Invalid type."),
    "Invalid input.": lambda: _("Invalid input."),
    "Not a valid integer.": lambda: _("Not a valid integer."),
    "Not a valid number.": lambda: _("Not a valid number."),
    "Not a valid string.": lambda: _("Not a valid string."),
    "Not a valid boolean.": lambda: _("Not a valid boolean."),
    "Not a valid list.": lambda: _("Not a valid list."),
    "Not a valid mapping type.": lambda: _("Not a valid mapping type."),
    "Not a valid date.": lambda: _("Not a valid date."),
    "Not a valid datetime.": lambda: _("Not a valid datetime."),
    "Not a valid UUID.": lambda: _("Not a valid UUID."),
    "Not a valid email address.": lambda: _("Not a valid email address."),
    "Number too large.": lambda: _("Number too large."),
    "Special numeric values (nan or infinity) are not permitted.": lambda: _("Not a finite number."),
    "String does not match expected pattern.": lambda: _("String does not match expected pattern."),
}
_SHAPED = [
    (re.compile(r"^Length must be between (?P<min>\S+) and (?P<max>\S+)\.$"),
     lambda m: _("Length must be between %(min)s and %(max)s.", **m)),
    (re.compile(r"^Shorter than minimum length (?P<min>\S+)\.$"), lambda m: _("Shorter than minimum length %(min)s.", **m)),
    (re.compile(r"^Longer than maximum length (?P<max>\S+)\.$"), lambda m: _("Longer than maximum length %(max)s.", **m)),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.$"),
     lambda m: _("Must be between %(min)s and %(max)s.", **m)),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+)\.$"), lambda m: _("Must be at least %(min)s.", **m)),
    (re.compile(r"^Must be less than or equal to (?P<max>\S+)\.$"), lambda m: _("Must be at most %(max)s.", **m)),
    (re.compile(r"^Must be one of: (?P<choices>.+)\.$"), lambda m: _("Must be one of: %(choices)s.", **m)),
]


def translated_text(text: str) -> str:
    if text in _FIXED:
        return _FIXED[text]()
    for shape, say in _SHAPED:
        if match := shape.match(text):
            return say(match.groupdict())
    return text


def translated(messages):
    """The messages (a string, or lists and dicts of them, as marshmallow gives them) in the reader's language."""
    if isinstance(messages, str):
        return translated_text(messages)
    if isinstance(messages, dict):
        return {key: translated(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translated(value) for value in messages]
    return messages
