"""A page whose form called an operation that refused: the transaction is rolled back and the refusal
kept for the page to show again, by field and as lines, with its status.

    with refused_form() as refusal:
        operations.save_plan(...)
        return redirect(...)
    return render_template(..., errors=refusal.by_field), refusal.status
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from core.errors import OperationError
from core.extensions import db


@dataclass
class Refusal:
    failure: OperationError | None = None

    def __bool__(self) -> bool:
        return self.failure is not None

    @property
    def by_field(self) -> dict[str, list]:
        if self.failure is None:
            return {}
        return {"_": [self.failure.message], **self.failure.errors}

    @property
    def lines(self) -> list[str]:
        if self.failure is None:
            return []
        return [self.failure.message] + [f"{key}: {' '.join(map(str, value))}"
                                         for key, value in self.failure.errors.items()]

    @property
    def status(self) -> int:
        return self.failure.status if self.failure is not None else 200


@contextmanager
def refused_form() -> Iterator[Refusal]:
    refusal = Refusal()
    try:
        yield refusal
    except OperationError as failure:
        db.session.rollback()
        refusal.failure = failure
