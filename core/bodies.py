"""Request bodies: who may send one and how large, decided before a byte of it is read.

A body from a phone on a weak network may take many seconds to arrive. Nothing is parsed for a caller
who has not logged in, nothing beyond the endpoint's cap is read, and no database transaction (nor
pooled connection) is held while the body trickles in.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from core.errors import OperationError
from core.extensions import login_manager
from core.unit_of_work import end_read_transaction

# Multipart framing around a file: boundaries, headers and the CSRF field.
MULTIPART_ALLOWANCE = 64 * 1024


def body_limit(config_key: str, files: int = 1) -> Callable:
    """The endpoint accepts up to `files` uploads of the size named by `config_key` (bytes)."""
    def mark(view):
        view.body_limit = (config_key, files)
        return view
    return mark


def public_body(view):
    """The endpoint accepts a body from callers who have not logged in (logging in itself)."""
    view.public_body = True
    return view


def _limit_of(view) -> int:
    config_key, files = getattr(view, "body_limit", ("MAX_FORM_BYTES", 1))
    return (current_app.config[config_key] + MULTIPART_ALLOWANCE) * files


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


class LoginFirst(OperationError):
    status = 401


def guard_body():
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if view is None or not _has_body():
        return None
    if not getattr(view, "public_body", False) and not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            raise LoginFirst(_("Log in first: send a valid bearer token."))
        return login_manager.unauthorized()
    limit = _limit_of(view)
    request.max_content_length = limit  # also holds for a chunked body, which names no length
    if request.content_length and request.content_length > limit:
        raise RequestEntityTooLarge(_("The request is larger than %(mb).1f MB.", mb=limit / 1024 / 1024))
    end_read_transaction()
    return None


def init_app(app: Flask) -> None:
    # First of all before-request hooks: CSRF protection reads the form, and with it the body.
    app.before_request_funcs.setdefault(None, []).insert(0, guard_body)
