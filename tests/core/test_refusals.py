"""core.refusals: a page's form refused by an operation keeps the refusal, beside its fields and above
them, with the refusal's status; the transaction is left to the request, which never commits an error."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired

from core.errors import Conflict, OperationError
from core.refusals import refused_form
from org.models import Branch


class NameForm(FlaskForm):
    ticket = HiddenField()
    name = StringField(validators=[InputRequired()])


def test_a_refusal_keeps_the_error_and_rolls_its_unit_of_work_back(app, db):
    branch = Branch(code="B9", name="九号支行")
    with app.test_request_context("/", method="POST"), refused_form() as refusal:
        db.session.add(branch)
        raise Conflict("Taken.", {"code": ["already used"]})
    assert refusal and refusal.status == 409 and refusal.message == "Taken."
    assert refusal.lines == ["Taken.", "already used"]  # the message, never the field's key
    assert branch not in db.session  # rolled back at once, even if the page then redirects


def test_without_a_refusal_the_page_is_a_200(app):
    with app.test_request_context("/"), refused_form() as refusal:
        pass
    assert not refusal and refusal.status == 200 and refusal.lines == [] and refusal.headers == {}


def test_a_refusal_goes_beside_the_fields_it_names_and_the_rest_above_the_form(app):
    with app.test_request_context("/", method="POST", data={"name": "x", "ticket": "7"}):
        form = NameForm(meta={"csrf": False})
        assert form.validate_on_submit()
        with refused_form(form, lambda key: {"title": "name"}.get(key, key)) as refusal:
            raise OperationError("Not saved.", {"title": ["too short"], "ticket": ["expired"], "other": ["no"]})
    assert refusal.status == 422
    assert form.name.errors == ["too short"]
    assert form.ticket.errors == []  # a hidden field has nowhere to show it
    assert form.form_errors == ["Not saved.", "expired", "no"]


def test_a_form_that_does_not_validate_is_a_422_without_calling_anything(app):
    with app.test_request_context("/", method="POST", data={}):
        form = NameForm(meta={"csrf": False})
        called = []
        with refused_form(form) as refusal:
            if form.validate_on_submit():
                called.append(True)
    assert called == [] and refusal and refusal.status == 422 and refusal.failure is None
