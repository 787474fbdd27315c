"""What every request must be before any view sees it, checked once for all endpoints (before login too):
ids within the database's integer range, JSON that is neither too deep nor holding numbers Python or the
database cannot keep, and text without NUL, control characters or lone surrogates."""
from __future__ import annotations

import json
import re

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from core.errors import OperationError

# Primary keys are INTEGER on PostgreSQL (and SQLite refuses anything past 64 bits): the smaller bound holds.
MAX_ID = 2**31 - 1
MAX_JSON_DEPTH = 32
# Tab, newline and carriage return are text; every other control character, and half of a surrogate pair
# (which no encoding can store), is not.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: an id past the column's range matches no route (404) instead of
    overflowing the database driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class MalformedJSON(ValueError):
    """A body that is JSON by its syntax but not one this service can hold (Flask answers ValueError with 400)."""


def _reject_constant(name: str):
    raise MalformedJSON(f"{name} is not a number JSON allows")


def check_depth(value) -> None:
    """Raises MalformedJSON for a parsed document (JSON, YAML) nested deeper than MAX_JSON_DEPTH."""
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise MalformedJSON("nested too deeply")
        if isinstance(node, dict):
            pending.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            pending.extend((child, depth + 1) for child in node)


def strict_json_loads(text: str | bytes, **kwargs):
    """json.loads refusing NaN/Infinity, nesting past MAX_JSON_DEPTH, and integers too long to convert."""
    kwargs.setdefault("parse_constant", _reject_constant)
    try:
        value = json.loads(text, **kwargs)
    except RecursionError as error:
        raise MalformedJSON("nested too deeply") from error
    check_depth(value)
    return value


class StrictJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs):
        return strict_json_loads(s, **kwargs)


TEXT_PROBLEM = _l("Text may not contain control characters or incomplete Unicode characters.")


def unstorable_text(value: str) -> bool:
    return FORBIDDEN_CHARACTERS.search(value) is not None


def _text_errors(value, path: str, errors: dict) -> None:
    pending = [(value, path)]
    while pending:
        node, where = pending.pop()
        if isinstance(node, str):
            if unstorable_text(node):
                errors.setdefault(where or "body", []).append(TEXT_PROBLEM)
        elif isinstance(node, dict):
            for key, child in node.items():
                child_path = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and unstorable_text(key):
                    errors.setdefault(where or "body", []).append(TEXT_PROBLEM)
                pending.append((child, child_path))
        elif isinstance(node, list):
            pending.extend((child, f"{where}.{index}" if where else str(index)) for index, child in enumerate(node))


def check_request_input() -> None:
    """before_request: a malformed JSON body is a 400, text no one can store a 422 naming the field."""
    raw = request.get_data(cache=True) if request.is_json else b""
    body = None
    if raw.strip():
        try:
            body = strict_json_loads(raw)
        except ValueError as error:
            raise OperationError(_("The request body is not valid JSON, is nested too deeply, or holds a "
                                   "number that cannot be stored."), status=400, problem="malformed_body") from error
    errors: dict[str, list[str]] = {}
    _text_errors(body, "", errors)
    for source in (request.args, request.form):
        for key, values in source.lists():
            _text_errors({key: values if len(values) > 1 else values[0]}, "", errors)
    if errors:
        raise OperationError(_("Some fields are not valid; see errors for each field."), errors=errors)


def init_app(app: Flask) -> None:
    """Before blueprints are registered: routes bind their converters when they are added."""
    app.json = StrictJSONProvider(app)
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(check_request_input)
