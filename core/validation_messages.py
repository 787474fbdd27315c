"""marshmallow's own messages ("Missing data for required field.", "Length must be between 1 and 60.") in the
reader's language. marshmallow formats every message with str.format when it raises; a message that is a
`TranslatedWhenFormatted` looks up its translation at that moment, so the text follows the request's locale."""
from __future__ import annotations

import marshmallow
from flask import has_app_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

# Range fills in its operator words once, when a schema is declared; those are not yet a person's message.
_DECLARATION_KEYS = {"min_op", "max_op"}


class TranslatedWhenFormatted(str):
    def format(self, *args, **kwargs) -> str:
        if kwargs and set(kwargs) <= _DECLARATION_KEYS:
            return TranslatedWhenFormatted(str.format(self, *args, **kwargs))
        template = gettext(str(self)) if has_app_context() else str(self)
        return str.format(template, *args, **kwargs)


_m = TranslatedWhenFormatted  # `make messages` extracts its arguments (-k _m)

FIELD_MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {"required": _m("Missing data for required field."), "null": _m("Field may not be null."),
                   "validator_failed": _m("Invalid value.")},
    fields.String: {"invalid": _m("Not a valid string."), "invalid_utf8": _m("Not a valid utf-8 string.")},
    fields.Number: {"invalid": _m("Not a valid number."), "too_large": _m("Number too large.")},
    fields.Integer: {"invalid": _m("Not a valid integer.")},
    fields.Float: {"special": _m("Special numeric values (nan or infinity) are not permitted.")},
    fields.Decimal: {"special": _m("Special numeric values (nan or infinity) are not permitted.")},
    fields.Boolean: {"invalid": _m("Not a valid boolean.")},
    fields.DateTime: {"invalid": _m("Not a valid date or time."), "invalid_awareness": _m("Not a valid date or time."),
                      "format": _m("\"{input}\" cannot be formatted as a date or time.")},
    fields.Date: {"invalid": _m("Not a valid date."), "format": _m("\"{input}\" cannot be formatted as a date.")},
    fields.List: {"invalid": _m("Not a valid list.")},
    fields.Tuple: {"invalid": _m("Not a valid tuple.")},
    fields.Mapping: {"invalid": _m("Not a valid mapping type.")},
    fields.Nested: {"type": _m("Invalid type.")},
    fields.UUID: {"invalid_uuid": _m("Not a valid UUID.")},
    fields.Email: {"invalid": _m("Not a valid email address.")},
    fields.Url: {"invalid": _m("Not a valid URL.")},
    fields.Enum: {"unknown": _m("Must be one of: {choices}.")},
}

VALIDATOR_MESSAGES: dict[type[validate.Validator], dict[str, str]] = {
    validate.Length: {"message_min": _m("Shorter than minimum length {min}."),
                      "message_max": _m("Longer than maximum length {max}."),
                      "message_all": _m("Length must be between {min} and {max}."),
                      "message_equal": _m("Length must be {equal}.")},
    validate.Range: {"message_min": _m("Must be {min_op} {{min}}."), "message_max": _m("Must be {max_op} {{max}}."),
                     "message_all": _m("Must be {min_op} {{min}} and {max_op} {{max}}."),
                     "message_gte": _m("greater than or equal to"), "message_gt": _m("greater than"),
                     "message_lte": _m("less than or equal to"), "message_lt": _m("less than")},
    validate.OneOf: {"default_message": _m("Must be one of: {choices}.")},
    validate.NoneOf: {"default_message": _m("Invalid input.")},
    validate.Regexp: {"default_message": _m("String does not match expected pattern.")},
    validate.Email: {"default_message": _m("Not a valid email address.")},
    validate.URL: {"default_message": _m("Not a valid URL.")},
    validate.Equal: {"default_message": _m("Must be equal to {other}.")},
    validate.ContainsOnly: {"default_message": _m("One or more of the choices you made was not in: {choices}.")},
}

# The sentences Range composes from the words above, named so that the catalog keeps their translations.
RANGE_SENTENCES = (
    _m("Must be greater than or equal to {min}."), _m("Must be greater than {min}."),
    _m("Must be less than or equal to {max}."), _m("Must be less than {max}."),
    _m("Must be greater than or equal to {min} and less than or equal to {max}."),
    _m("Must be greater than {min} and less than {max}."),
    _m("Must be greater than or equal to {min} and less than {max}."),
    _m("Must be greater than {min} and less than or equal to {max}."),
)

# A schema stores these as they are, without formatting them: lazily translated instead.
SCHEMA_MESSAGES = {"type": _l("Invalid input type."), "unknown": _l("Unknown field.")}


def install() -> None:
    """Once, before any schema is declared (Range words its messages when it is built)."""
    for field_class, messages in FIELD_MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}
    for validator_class, messages in VALIDATOR_MESSAGES.items():
        for name, message in messages.items():
            setattr(validator_class, name, message)
    marshmallow.Schema._default_error_messages = {**marshmallow.Schema._default_error_messages, **SCHEMA_MESSAGES}
