"""The month's figures as the API gives them, and the arguments the page and the API take."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

from core.paging import PageArgs, whole_number
from core.schemas import Schema
from volumes import months


def _a_month(value: str) -> None:
    if months.parse(value) is None:
        raise ValidationError(str(_l("Not a month; write it as 2026-10.")))


class MonthFilter(Schema):
    month = fields.String(validate=_a_month, metadata={"label": _l("Month"), "description": "YYYY-MM"})


class TellerFilter(MonthFilter):
    outlet_id = whole_number(_l("Outlet"))


class PageFilter(TellerFilter, PageArgs):
    pass


class TellerFiguresSchema(Schema):
    staff_id = fields.Integer()
    employee_no = fields.String()
    name = fields.String()
    outlet_id = fields.Integer()
    outlet_name = fields.String()
    volume = fields.Integer(metadata={"description": "Transactions in the month, all business types."})
    errors = fields.Integer(metadata={"description": "Service errors in the month, all kinds."})
    rate = fields.Float(allow_none=True, metadata={"description": "Errors per 10,000 transactions."})
    rank = fields.Integer(metadata={"description": "Place within the outlet, most errors first."})
    transactions_by_type = fields.Dict(keys=fields.String(), values=fields.Integer())
    errors_by_kind = fields.Dict(keys=fields.String(), values=fields.Integer())
    month = fields.String(metadata={"description": "YYYY-MM"})


class OutletFiguresSchema(Schema):
    outlet_id = fields.Integer()
    outlet_name = fields.String()
    tellers = fields.Integer()
    volume = fields.Integer()
    errors = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={"description": "Errors per 10,000 transactions."})
    rank = fields.Integer(metadata={"description": "Place among outlets, highest error rate first."})
    month = fields.String(metadata={"description": "YYYY-MM"})
