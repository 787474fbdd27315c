"""YAML and JSON, the canonical text forms of a checklist."""
from __future__ import annotations

import json

import yaml
from flask_babel import gettext as _

from core.errors import OperationError
from core.inputs import check_depth, strict_json_loads

MAX_TEXT_BYTES = 1_000_000


class _AliasRefused(yaml.composer.ComposerError):
    pass


class _NoAliasLoader(yaml.SafeLoader):
    """Anchors and aliases are refused: they are how a small YAML file expands into a huge one."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasRefused(None, None, "aliases (*name) are not allowed", event.start_mark)
        return super().compose_node(parent, index)


def load(text: str | bytes, fmt: str) -> dict:
    if isinstance(text, bytes):
        if len(text) > MAX_TEXT_BYTES:
            raise OperationError(_("The checklist file is larger than %(size)d MB.", size=1), status=413,
                                 problem="file_too_large")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise OperationError(_("The file must be UTF-8 text."), status=400, problem="file_unreadable") from error
    try:
        if fmt == "json":
            data = strict_json_loads(text)
        else:
            data = yaml.load(text, Loader=_NoAliasLoader)
            check_depth(data)
    except json.JSONDecodeError as error:
        # The parser's own words are English: the place is what a person needs to find the mistake.
        raise OperationError(_("Not valid JSON: look at line %(line)d, column %(column)d.", line=error.lineno,
                               column=error.colno), status=400, problem="file_unreadable") from error
    except (RecursionError, ValueError) as error:  # past MAX_JSON_DEPTH, NaN, a number too long to convert
        raise OperationError(_("The file is nested too deeply or holds a number that cannot be stored."),
                             status=400, problem="file_unreadable") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        message = _("Not valid YAML: look at line %(line)d, column %(column)d.", line=mark.line + 1,
                    column=mark.column + 1) if mark else _("Not valid YAML.")
        if isinstance(error, _AliasRefused):
            message = " ".join((message, _("Anchors and aliases (&name, *name) are not allowed.")))
        raise OperationError(message, status=400, problem="file_unreadable") from error
    if not isinstance(data, dict):
        raise OperationError(_("The file must hold one checklist (a mapping with kind, code, name, sections)."),
                             status=400, problem="file_unreadable")
    return data


def dump_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def dump_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
