"""Errors a person can act on: JSON under /api/, an HTML page everywhere else."""
from __future__ import annotations

import logging
import sqlite3

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


class OperationError(Exception):
    """Raised by operations for input that is well-formed but not acceptable; nothing is written."""

    status = 422

    def __init__(self, message: str, errors: dict | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        if status is not None:
            self.status = status


class Conflict(OperationError):
    status = 409


class NotFound(OperationError):
    status = 404


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _payload(status: int, name: str, message: str, errors=None) -> dict:
    body = {"code": status, "status": name, "message": message}
    if errors:
        body["errors"] = errors
    return body


def _respond(status: int, name: str, message: str, errors=None, headers=None):
    response: Response | str
    if wants_json():
        response = jsonify(_payload(status, name, message, errors))
    else:
        response = render_template(
            "errors/error.html", status=status, name=name, message=message, errors=errors
        )
    return response, status, headers or {}


def handle_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    message = data.get("message") or error.description or error.name
    if errors and message == error.description and error.code == 422:
        message = _("Some fields are not valid; see errors for each field.")
    headers = dict(data.get("headers") or {})
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return _respond(error.code or 500, error.name, message, errors, headers)


def handle_operation_error(error: OperationError):
    from core.extensions import db

    db.session.rollback()
    names = {401: "Unauthorized", 404: "Not Found", 409: "Conflict", 413: "Payload Too Large",
             415: "Unsupported Media Type", 429: "Too Many Requests",
             503: "Service Unavailable"}
    name = names.get(error.status, "Unprocessable Entity" if error.status == 422 else "Bad Request")
    retry_after = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return _respond(error.status, name, error.message, error.errors, headers)


def handle_busy_database(error: Exception):
    """SQLite's writers queue for at most BUSY_TIMEOUT_SECONDS; past that the caller may try again."""
    if "database is locked" not in str(getattr(error, "orig", error)):
        raise error
    from core.extensions import db

    db.session.rollback()
    log.warning("database busy on %s %s", request.method, request.path)
    return _respond(503, "Service Unavailable", _("The service is busy; please try again in a moment."),
                    headers={"Retry-After": "2"})


def handle_unexpected(error: Exception):
    from core.extensions import db

    db.session.rollback()
    log.exception("unhandled error on %s %s", request.method, request.path)
    server_error = InternalServerError()
    return _respond(500, server_error.name, "An unexpected error occurred; it has been logged.")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationError, handle_operation_error)
    app.register_error_handler(OperationalError, handle_busy_database)
    app.register_error_handler(sqlite3.OperationalError, handle_busy_database)  # from the writer queue
    if not app.testing or app.config.get("HANDLE_UNEXPECTED_IN_TESTS"):
        app.register_error_handler(Exception, handle_unexpected)
