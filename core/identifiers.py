"""Client-made identifiers: every object a phone creates is named by a UUID, checked here before it
reaches a query or a storage path."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from core.errors import OperationError

UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
UUID_TEXT = validate.Regexp(UUID_PATTERN.pattern, flags=re.IGNORECASE, error=_l("Not a UUID."))


def path_uuid(value: str, name: str = "uuid") -> str:
    """A UUID from a URL path, lower-cased, or a 422 that says what a UUID looks like."""
    value = value.lower()
    if not UUID_PATTERN.match(value):
        raise OperationError(_("“%(value)s” in the address is not a UUID; a UUID looks like "
                               "6f1c2a9e-2b1d-4c55-9a57-0c7d1e2f3a4b.", value=value[:40]),
                             {name: [_("Not a UUID.")]}, problem="not_a_uuid")
    return value
