"""The pages' forms read into the API's schemas, so a page and the API accept and refuse alike."""
from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from core.errors import OperationError
from core.schemas import Schema
from meetings.schemas import ActionItemInSchema, MeetingInSchema


def _load(schema: Schema, given: dict) -> dict:
    try:
        return schema.load(given)
    except ValidationError as error:
        raise OperationError(_("Some fields are not valid; see the note beside each."),
                             {key: [str(message) for message in (messages if isinstance(messages, list)
                                                                 else [messages])]
                              for key, messages in error.normalized_messages().items()}) from error


def meeting_data(form: MultiDict) -> dict:
    given = {name: form.get(name, "") for name in ("quarter", "held_on", "place", "chair", "points", "decisions")}
    given = {name: value for name, value in given.items() if value != "" or name not in ("quarter", "held_on")}
    given["attendees"] = [line.strip() for line in form.get("attendees", "").splitlines() if line.strip()]
    given["recorded"] = form.get("action") == "record"
    return _load(MeetingInSchema(), given)


def item_data(form: MultiDict) -> dict:
    given = {name: form.get(name, "") for name in ("text", "deadline", "owner_user_id", "owner_outlet_id")}
    given = {name: value for name, value in given.items() if value != "" or name == "text"}
    return _load(ActionItemInSchema(), given)
