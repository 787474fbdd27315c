"""The forms of the mystery pages: the admin's decisions on one report, the coordinator's hand-out."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, ValidationError
from wtforms.widgets import HiddenInput

from core.form_fields import CHECKBOX_OFF, NOT_FROM_THIS_PAGE, Required, WholeNumberField, optional_id, stripped
from mystery.attribution import NOT_A_PERSON

REVIEW_DECISIONS = ("accept", "revise", "reject")
REPORT_ACTIONS = (*REVIEW_DECISIONS, "attribute", "publish")
NOT_A_PERSON_LABEL = _l("Not attributable to a person")


class ReportForm(FlaskForm):
    """Everything the report page posts: a review decision with its reason, the staff named for the
    described people or "not attributable to a person" (`staff_<item key>`, made for a report by
    `report_form`), or the publication."""

    action = HiddenField(validators=[AnyOf(REPORT_ACTIONS, message=NOT_FROM_THIS_PAGE)])  # the button pressed
    reason = StringField(filters=[stripped], default="")
    blacklist_confirmed = BooleanField(false_values=CHECKBOX_OFF)

    def validate_reason(self, field):
        if self.action.data in ("revise", "reject") and not field.data:
            raise ValidationError(_l("Give the shopper a reason."))

    def attribution(self) -> tuple[dict[str, int | None], list[str]]:
        """For the items whose select was sent: the staff named (or none) by item key, and the keys of
        those marked as not attributable to a person."""
        chosen = {field.name[len("staff_"):]: field.data for field in self
                  if field.name.startswith("staff_") and field.raw_data}
        return ({key: value for key, value in chosen.items() if value != NOT_A_PERSON},
                [key for key, value in chosen.items() if value == NOT_A_PERSON])

    def field_for(self, key: str) -> str:
        return f"staff_{key}" if f"staff_{key}" in self else key


def _person_or_none(value) -> int | str | None:
    return NOT_A_PERSON if value == NOT_A_PERSON else optional_id(value)


def report_form(named: dict[str, int | str | None], staff: list) -> ReportForm:
    """For a report whose items to attribute by key in `named` (each with the staff id named so far,
    NOT_A_PERSON, or None) each name one of `staff` or nobody in particular."""
    choices = [SelectChoice("", "—"), SelectChoice(NOT_A_PERSON, str(NOT_A_PERSON_LABEL))] + \
        [SelectChoice(str(person.id), person.name) for person in staff]
    fields = {f"staff_{key}": SelectField(coerce=_person_or_none, choices=choices, default=staff_id,
                                          invalid_value_message=_l("Choose a staff member of this outlet."),
                                          invalid_choice_message=_l("Choose a staff member of this outlet."))
              for key, staff_id in named.items()}
    return type("NamingReportForm", (ReportForm,), fields)()


class HandOutForm(FlaskForm):
    """One visit handed to a shopper (or taken back: no shopper). `shopper_id.choices` are set by the page."""

    assignment_id = WholeNumberField(widget=HiddenInput(), invalid=NOT_FROM_THIS_PAGE,
                                     validators=[Required(NOT_FROM_THIS_PAGE)])
    shopper_id = SelectField(coerce=optional_id, invalid_value_message=_l("Choose one of the shoppers offered."),
                             invalid_choice_message=_l("Choose one of the shoppers offered."))

    def offer(self, shoppers: list) -> HandOutForm:
        self.shopper_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(user.id), user.display_name or user.username) for user in shoppers]
        return self
