"""Lists in pages: the rows of one page and the count of all, two queries whatever the list's length;
the query arguments a list page accepts, refused in the reader's language; and the API's page through
flask-smorest's pagination (its X-Pagination header)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import flask_smorest
from flask import Flask, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate
from sqlalchemy import Select, func, select
from webargs.flaskparser import FlaskParser

from core.errors import OperationError
from core.extensions import db
from core.inputs import MAX_ID
from core.schemas import Schema

PAGE_SIZE = 50
NOT_OFFERED = _l("Not one of the values offered.")
NOT_A_NUMBER = _l("Not a whole number.")
NOT_YES_OR_NO = _l("Give 1 or 0.")


def choice(values: Iterable[str] | Callable[[], Iterable[str]], label, **kwargs) -> fields.String:
    """One of `values`, or of what `values()` returns when asked (a registry that fills as the app starts)."""

    def offered(value: str) -> None:
        if value not in (values() if callable(values) else values):
            raise ValidationError(str(NOT_OFFERED))

    return fields.String(validate=offered, metadata={"label": label}, **kwargs)


def whole_number(label, minimum: int = 1, maximum: int = MAX_ID, **kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(minimum, maximum, error=_l("Out of range.")),
                          error_messages={"invalid": NOT_A_NUMBER}, metadata={"label": label}, **kwargs)


def yes_or_no(label) -> fields.Boolean:
    return fields.Boolean(error_messages={"invalid": NOT_YES_OR_NO}, metadata={"label": label})


class PageArgs(Schema):
    """What every list page takes besides its filters; a page past the last shows no rows."""

    page = whole_number(_l("Page"), load_default=1)


@dataclass
class Page:
    items: list
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def count(query: Select) -> int:
    return db.session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()


def one_page(query: Select, number: int, size: int = PAGE_SIZE) -> Page:
    """`query` must be ordered (ties broken by a unique column) for pages not to overlap. A page past
    the last is empty without asking the database (whose offsets stop at 64 bits)."""
    total = count(query)
    offset = (number - 1) * size
    rows = db.session.execute(query.limit(size).offset(offset)).scalars().all() if offset < total else []
    return Page(list(rows), number, size, total)


PAGE_PARAMETER_PROBLEMS = {"page": _l("Pages are numbered from 1."),
                           "page_size": _l("Not a page size this list allows.")}


class PageParser(FlaskParser):
    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        error.messages = {location: {name: [str(PAGE_PARAMETER_PROBLEMS.get(name, NOT_OFFERED))] for name in problems}
                          for location, problems in error.messages.items()}
        super().handle_error(error, req, schema, error_status_code=error_status_code, error_headers=error_headers)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's, refusing a page number or size in the reader's language."""

    PAGINATION_ARGUMENTS_PARSER = PageParser()


def api_page(query: Select, pagination_parameters) -> list:
    """The rows of one page for a view under `@blp.paginate()`; the total goes to its X-Pagination header."""
    page = one_page(query, pagination_parameters.page, pagination_parameters.page_size)
    pagination_parameters.item_count = page.total
    return page.items


def page_args(schema: Schema) -> dict[str, Any]:
    """The list page's query arguments, checked by `schema` (a PageArgs); a field left empty in the
    filter form is as if not given. Anything else not acceptable is refused with 400."""
    given = {key: value for key, value in request.args.items() if value != "" and key in schema.fields}
    try:
        return schema.load(given)
    except ValidationError as error:
        raise OperationError(_("This list cannot be shown with these filters; change them and try again."),
                             {_label(schema, key): [str(message) for message in messages]
                              for key, messages in error.normalized_messages().items()}, status=400,
                             problem="bad_filter") from error


def _label(schema: Schema, key: str) -> str:
    field = schema.fields.get(key)
    return str(field.metadata.get("label", key)) if field is not None else key


def init_app(app: Flask) -> None:
    app.add_template_global(link_args, "paging_args")


def link_args(page: int | None = None) -> dict[str, str]:
    """The current filters (empty ones dropped) with another page number, for `url_for`."""
    args = {key: value for key, value in request.args.items() if value != "" and key != "page"}
    if page and page > 1:
        args["page"] = str(page)
    return args
