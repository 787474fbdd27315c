"""What the pages' Flask-WTF forms share: numbers typed as text (what was typed is shown again when it is
not a number), ids chosen in a select, and checks whose messages are in the user's language."""
from __future__ import annotations

import math
import re

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import StopValidation, ValidationError

WHOLE_NUMBER = re.compile(r"[0-9]{1,12}")
LARGEST_NUMBER = 1e12
CHECKBOX_OFF = (False, "", "false", "no", "off", "0")  # an unticked box sends nothing at all
# For what a person cannot have typed or chosen on the page: a hidden field, a button, an option not offered.
NOT_FROM_THIS_PAGE = _l("This form does not come from this page; reload the page and try again.")


def stripped(value):
    return value.strip() if isinstance(value, str) else value


def optional_id(value) -> int | None:
    """A select's value: blank is None, else a row's id (ValueError for anything else)."""
    if value is None or value == "":
        return None
    if isinstance(value, int) or WHOLE_NUMBER.fullmatch(str(value)):
        return int(value)
    raise ValueError(value)


def is_hidden(field) -> bool:
    return getattr(field.widget, "input_type", None) == "hidden"


class _TypedTextField(StringField):
    """Blank is `blank` (None unless told); anything else is parsed by `parse`, which raises ValueError
    with `self.invalid`, the message for text that is not of the field's type."""

    invalid = _l("Enter a number.")

    def __init__(self, label=None, validators=None, blank=None, invalid=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.blank = blank
        self.invalid = invalid or self.invalid

    def parse(self, text: str):
        raise NotImplementedError

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        text = valuelist[0].strip()
        self.data = self.parse(text) if text else self.blank

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class WholeNumberField(_TypedTextField):
    """Digits only: no sign, no decimals, no other script's digits."""

    invalid = _l("Enter a whole number.")

    def parse(self, text: str) -> int:
        if not WHOLE_NUMBER.fullmatch(text):
            raise ValueError(self.invalid)
        return int(text)


class NumberField(_TypedTextField):
    """A finite number; a whole one comes back as an int."""

    def parse(self, text: str) -> int | float:
        try:
            number = float(text)
        except ValueError:
            raise ValueError(self.invalid) from None
        if not math.isfinite(number) or abs(number) > LARGEST_NUMBER:
            raise ValueError(self.invalid)
        return int(number) if number.is_integer() else number


class Required:
    """A blank field stops here with `message`; one that could not be read has said so already."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.process_errors:
            raise StopValidation()
        if field.data is None or field.data == "":
            raise StopValidation(self.message)


class Between:
    """`message` names the bounds as %(min)s and %(max)s; a blank field passes (Required says if it may not)."""

    def __init__(self, low, high, message):
        self.low, self.high, self.message = low, high, message

    def __call__(self, form, field):
        if field.data is not None and not self.low <= field.data <= self.high:
            raise ValidationError(self.message % {"min": self.low, "max": self.high})
