"""Errors a person can act on: JSON under /api/, an HTML page everywhere else."""
from __future__ import annotations

import logging
import sqlite3

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from core.problems import problem_for

log = logging.getLogger(__name__)


class OperationError(Exception):
    """Raised by operations for input that is well-formed but not acceptable; nothing is written.
    `problem` is the stable code a program reads (core.problems); by default the status's own."""

    status = 422
    problem: str | None = None

    def __init__(self, message: str, errors: dict | None = None, status: int | None = None,
                 problem: str | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        if status is not None:
            self.status = status
        if problem is not None:
            self.problem = problem


class Conflict(OperationError):
    status = 409


class NotFound(OperationError):
    status = 404


# What a person reads for each status, in their language; the JSON body's "status" stays the stable English name.
STATUS_TITLES = {400: _l("Bad request"), 401: _l("Not logged in"), 403: _l("Not allowed"), 404: _l("Not found"),
                 405: _l("Not possible here"), 409: _l("Changed by someone else"), 413: _l("Too large"),
                 415: _l("Unsupported file type"), 422: _l("Cannot be accepted"), 429: _l("Too many attempts"),
                 500: _l("Something went wrong"), 503: _l("Temporarily unavailable")}
# Said instead of the framework's English description when no one gave a message of their own.
STATUS_MESSAGES = {400: _l("The request could not be understood."),
                   401: _l("Log in first."),
                   403: _l("Your role may not open this page or do this."),
                   404: _l("There is nothing at this address. It may have been removed, or the link is mistyped."),
                   405: _l("This address does not accept that kind of request."),
                   413: _l("What was sent is too large."),
                   415: _l("This type of file is not accepted."),
                   429: _l("Too many attempts; wait a moment and try again."),
                   500: _l("Something went wrong on our side; try again later."),
                   503: _l("The service is busy; try again in a moment.")}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _payload(status: int, name: str, message: str, errors=None, problem: str | None = None) -> dict:
    body = {"code": status, "status": name, "problem": problem_for(status, problem), "message": str(message)}
    if errors:
        body["errors"] = errors
    return body


def _respond(status: int, name: str, message: str, errors=None, headers=None, problem: str | None = None):
    response: Response | str
    if wants_json():
        response = jsonify(_payload(status, name, message, errors, problem))
    else:
        response = render_template(
            "errors/error.html", status=status, name=str(STATUS_TITLES.get(status, name)), message=message,
            errors=errors)
    return response, status, headers or {}


def handle_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    message = data.get("message") or error.description or error.name
    if message == type(error).description and error.code in STATUS_MESSAGES:
        message = str(STATUS_MESSAGES[error.code])
    if errors and message == error.description and error.code == 422:
        message = _("Some fields are not valid; see errors for each field.")
    headers = dict(data.get("headers") or {})
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return _respond(error.code or 500, error.name, message, errors, headers, data.get("problem"))


def handle_operation_error(error: OperationError):
    from core.extensions import db

    db.session.rollback()
    names = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 413: "Payload Too Large",
             415: "Unsupported Media Type", 429: "Too Many Requests",
             503: "Service Unavailable"}
    name = names.get(error.status, "Unprocessable Entity" if error.status == 422 else "Bad Request")
    retry_after = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return _respond(error.status, name, error.message, error.errors, headers, error.problem)


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
    return _respond(500, server_error.name, _("An unexpected error occurred; it has been logged."))


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationError, handle_operation_error)
    app.register_error_handler(OperationalError, handle_busy_database)
    app.register_error_handler(sqlite3.OperationalError, handle_busy_database)  # from the writer queue
    if not app.testing or app.config.get("HANDLE_UNEXPECTED_IN_TESTS"):
        app.register_error_handler(Exception, handle_unexpected)
