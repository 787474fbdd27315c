"""The base of every marshmallow schema: numbers, dates and text are bounded to what the database keeps,
for every field of every API schema, form and import, declared once here."""
from __future__ import annotations

import math
from datetime import UTC, date, datetime

import marshmallow
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from core import validation_messages
from core.inputs import MAX_ID, TEXT_PROBLEM, unstorable_text

validation_messages.install()  # before any schema below or elsewhere declares its fields

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _text(value) -> None:
    if isinstance(value, str) and unstorable_text(value):
        raise ValidationError(str(TEXT_PROBLEM))  # a lazy text would be read as a list of characters


def _finite(value) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(str(_l("Not a finite number.")))


def _in_service_years(value) -> None:
    if isinstance(value, datetime):
        within = EARLIEST <= (value if value.tzinfo else value.replace(tzinfo=UTC)) < LATEST
    else:
        within = isinstance(value, date) and EARLIEST.year <= value.year < LATEST.year
    if not within:
        raise ValidationError(str(_l("The date must lie between 2000 and 2100.")))


def _has_range(field: fields.Field) -> bool:
    return any(isinstance(validator, validate.Range) for validator in field.validators)


def _add(field: fields.Field, check) -> None:
    # A schema's instances copy their fields shallowly and share the validators list: a new list each
    # time, and each check once, or every instance would add its checks again to all the others.
    if check not in field.validators:
        field.validators = [*field.validators, check]


def bound(field: fields.Field) -> None:
    """Adds the bounds a field lacks, then walks into the fields it contains."""
    if isinstance(field, fields.String):
        _add(field, _text)
    elif isinstance(field, fields.Integer) and not _has_range(field):
        _add(field, validate.Range(min=-MAX_ID, max=MAX_ID))
    elif isinstance(field, (fields.Float, fields.Decimal)):
        _add(field, _finite)
    elif isinstance(field, fields.DateTime):  # Date is a DateTime here
        _add(field, _in_service_years)
    inner = [getattr(field, "inner", None), getattr(field, "key_field", None), getattr(field, "value_field", None),
             *getattr(field, "tuple_fields", ())]
    for child in inner:
        if isinstance(child, fields.Field):
            bound(child)


class Schema(marshmallow.Schema):
    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        bound(field_obj)
        super().on_bind_field(field_name, field_obj)
