"""The admin's plan form and the remote monitor's desk form: what a browser posts, read into typed values
with messages in the user's language. The operations decide what is allowed; a form only reads."""
from __future__ import annotations

import re
import uuid as uuid_module
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import Length, Regexp, ValidationError

from checklists.definition import Checklist, Item
from core.form_fields import CHECKBOX_OFF, NOT_FROM_THIS_PAGE, Between, Required, WholeNumberField, stripped
from core.identifiers import UUID_PATTERN
from inspections.plans import CADENCES, PlanSettings
from inspections.validation import NA, value_problem

SNAPSHOTS_PER_CHECK = 3


def _days_or_visits(low: int, high: int, blank: int) -> WholeNumberField:
    return WholeNumberField(default=blank, blank=blank,
                            validators=[Between(low, high, _l("Enter a whole number from %(min)s to %(max)s."))])


class PlanForm(FlaskForm):
    name = StringField(filters=[stripped], validators=[
        Required(_l("Name the plan.")), Length(max=100, message=_l("At most %(max)d characters."))])
    template_id = WholeNumberField(validators=[Required(_l("Choose a checklist."))])
    cadence = SelectField(choices=CADENCES, invalid_choice_message=_l("Choose one of the cadences offered."))
    visits_per_period = _days_or_visits(1, 12, blank=1)
    cycle_days = _days_or_visits(1, 31, blank=2)
    window_days = _days_or_visits(1, 92, blank=7)
    assignee_id = WholeNumberField()
    vendor_id = WholeNumberField()
    active = BooleanField(default=True, false_values=CHECKBOX_OFF)

    def settings(self) -> PlanSettings:
        return PlanSettings(
            name=self.name.data, template_id=self.template_id.data, cadence=self.cadence.data,
            visits_per_period=self.visits_per_period.data, cycle_days=self.cycle_days.data,
            window_days=self.window_days.data, assignee_id=self.assignee_id.data or None,
            vendor_id=self.vendor_id.data or None, active=self.active.data)


def _number_hint(item: Item) -> str:
    low = 0 if item.type == "duration" else item.min
    if low is not None and item.max is not None:
        return _("Enter a number from %(min)s to %(max)s.", min=low, max=item.max)
    if low is not None:
        return _("Enter a number of at least %(min)s.", min=low)
    if item.max is not None:
        return _("Enter a number of at most %(max)s.", max=item.max)
    return _("Enter a number.")


def answer_hint(item: Item, value) -> str:
    """What this item takes, said to the person whose answer it refused."""
    if value == NA:
        return _("This item may not be answered N/A.")
    if item.type in ("check", "choice"):
        return _("Choose one of the answers offered.")
    if item.type == "scale":
        return _("Enter a whole number from %(min)s to %(max)s.", min=0, max=item.scale_max)
    if item.type in ("number", "duration"):
        return _number_hint(item)
    if item.type == "text":
        return _("At most %(count)d characters, without control characters.", count=item.max_length)
    return _("This item takes photos, not a value.")


class AnswerField(StringField):
    """One item's answer, of the item's type; whether it fits the item is validation.py's to say."""

    def __init__(self, label=None, validators=None, item: Item | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.item = item

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = text or None
        if not text or text == NA:
            return
        if self.item.type in ("number", "duration", "scale"):
            try:
                self.data = float(text) if "." in text else int(text)
            except ValueError:
                raise ValueError(_l("Enter a number.")) from None
        elif self.item.type == "choice" and self.item.multiple:
            self.data = [text]

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else ""

    def pre_validate(self, form):
        if not self.process_errors and value_problem(self.item, self.data):
            raise ValidationError(answer_hint(self.item, self.data))


def _at_most_snapshots(form, field):
    if len(field.data or []) > SNAPSHOTS_PER_CHECK:
        raise ValidationError(_("Send at most %(count)d snapshots with one check.", count=SNAPSHOTS_PER_CHECK))


class DeskForm(FlaskForm):
    """One teller's remote check: an answer and a note for each item of `checklist`, and snapshots that go
    with the failed items that ask for a photo. Made for a checklist by `desk_form`."""

    checklist: Checklist
    inspection_uuid = HiddenField(filters=[lambda value: value or str(uuid_module.uuid4())], validators=[
        Regexp(UUID_PATTERN.pattern, flags=re.IGNORECASE, message=NOT_FROM_THIS_PAGE)])
    snapshot = MultipleFileField(validators=[_at_most_snapshots])

    def answers(self, photo_ids: list[str]) -> list[dict]:
        answers = []
        for item in self.checklist.all_items():
            value, note = self[f"answer_{item.key}"].data, self[f"note_{item.key}"].data
            if value is None and not note:
                continue
            answers.append({"item_key": item.key, "value": value, "note": note, "staff_id": None,
                            "staff_description": "",
                            "photo_ids": photo_ids if value == "fail" and item.photo_on_fail else []})
        return answers

    def field_for(self, key: str) -> str | None:
        """The field a refusal's error is about: an item key, or `answers[i].…` of the answers sent."""
        if self.checklist.item(key) is not None:
            return f"answer_{key}"
        sent = re.match(r"answers\[(\d+)\]", key)
        answers = self.answers([])
        if sent and int(sent.group(1)) < len(answers):
            return f"answer_{answers[int(sent.group(1))]['item_key']}"
        return None


def desk_form(checklist: Checklist) -> DeskForm:
    fields = {"checklist": checklist}
    for item in checklist.all_items():
        fields[f"answer_{item.key}"] = AnswerField(item=item)
        fields[f"note_{item.key}"] = StringField(filters=[stripped], default="")
    return type("ChecklistDeskForm", (DeskForm,), fields)()


WHOLE_CYCLE = "cycle"


class ExcuseForm(FlaskForm):
    """Why the teller cannot be checked: a reason, the day it holds (or the whole cycle), a note.
    Made for one assignment's cycle by `excuse_form`, which offers that cycle's days."""

    reason = SelectField(choices=[], validate_choice=False)
    day = SelectField(choices=[], default=WHOLE_CYCLE, invalid_choice_message=_l("Choose one of the days offered."))
    note = StringField(filters=[stripped], default="")

    def chosen_day(self) -> date | None:
        return None if self.day.data == WHOLE_CYCLE else date.fromisoformat(self.day.data)


def excuse_form(reasons: list[tuple[str, str]], days: list[tuple[str, str]]) -> ExcuseForm:
    """`reasons` and `days` as (value, label); the operation checks the reason, the form that the day is one offered."""
    form = ExcuseForm()
    form.reason.choices = reasons
    form.day.choices = [(WHOLE_CYCLE, _("The whole cycle")), *days]
    return form
