"""A page whose form called an operation that refused: the refusal is kept for the page to show again,
beside its fields and as lines, with the refusal's status. The refused unit of work is rolled back at
once: the page then shows what is stored, no lock is held while it renders, and a page that answers a
refusal with a redirect stores nothing of it either.

    form = PlanForm()
    with refused_form(form) as refusal:
        if form.validate_on_submit():
            plans.save_plan(plan, form.settings(), current_user)
            return redirect(...)
    return render_template(..., form=form), refusal.status

Without a form, the page shows `refusal.lines` (or `refusal.by_field`) itself.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from wtforms import Form

from core.errors import OperationError
from core.extensions import db
from core.form_fields import is_hidden
from core.validation_messages import translated


@dataclass
class Refusal:
    failure: OperationError | None = None
    form: Form | None = None

    def __bool__(self) -> bool:
        return self.failure is not None or bool(self.form is not None and self.form.errors)

    @property
    def message(self) -> str | None:
        return self.failure.message if self.failure is not None else None

    @property
    def by_field(self) -> dict[str, list]:
        if self.failure is None:
            return {}
        return {"_": [self.failure.message], **translated(self.failure.errors)}

    @property
    def lines(self) -> list[str]:
        if self.failure is None:
            return []
        # The fields' keys are for programs; each message says what it is about in the reader's words.
        return [self.failure.message] + [" ".join(map(str, value if isinstance(value, list) else [value]))
                                         for value in translated(self.failure.errors).values()]

    @property
    def status(self) -> int:
        """The refusal's own status; 422 for a form that did not validate; else 200."""
        if self.failure is not None:
            return self.failure.status
        return 422 if self else 200

    @property
    def headers(self) -> dict[str, str]:
        retry_after = getattr(self.failure, "retry_after", None)
        return {"Retry-After": str(retry_after)} if retry_after else {}

    def place_on(self, form: Form, field_for: Callable[[str], str | None] = lambda key: key) -> None:
        """The refusal's message goes above the form; each of its field errors beside the field
        `field_for(key)` names, or above the form as a line when no field of the form has that name."""
        assert self.failure is not None
        form.form_errors.append(self.failure.message)
        for key, messages in translated(self.failure.errors).items():
            messages = messages if isinstance(messages, list) else [messages]
            name = field_for(key)
            field = form[name] if name and name in form else None
            if field is None or is_hidden(field):  # nothing to show it beside
                form.form_errors.append(" ".join(map(str, messages)))
            else:
                field.errors = [*field.errors, *messages]


@contextmanager
def refused_form(form: Form | None = None, field_for: Callable[[str], str | None] | None = None
                 ) -> Iterator[Refusal]:
    """Runs the block; an OperationError it raises is kept in the refusal (and placed on the form)."""
    refusal = Refusal(form=form)
    try:
        yield refusal
    except OperationError as failure:
        db.session.rollback()
        refusal.failure = failure
        if form is not None:
            refusal.place_on(form, *([field_for] if field_for else []))
