"""What inspections announce to the domains above them, inside the same transaction."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from blinker import Namespace

from org.models import User


@dataclass(frozen=True)
class Failure:
    """A failed item of an inspection, as the outlet is to be told of it."""
    item_key: str
    section_key: str
    severity: str
    title: str
    requirement: str
    note: str
    staff_id: int | None
    photo_ids: tuple[str, ...]


_signals = Namespace()

# sent(inspection, failures=[Failure, ...], moment=datetime, actor=user) when an inspection's failed
# items reach the outlet: at submit for ordinary inspections, at publication for mystery visits. A
# receiver returns what it made of them, for the submit's receipt (rectification: the findings and
# the notice): {"findings": [...], "notice": {...}}.
failures_published = _signals.signal("failures-published")

# sent(None, inspection_ids=[...]) just before a change to what reports count of these inspections (status,
# score, findings, section scores) that is written with plain UPDATE/INSERT statements. A receiver may return
# a callable, called with completed=True once the change is written (False when it failed), in the same
# transaction (reports: the monthly rollups). Changes flushed through the ORM need no announcement.
report_inputs_changing = _signals.signal("report-inputs-changing")


@contextmanager
def changing(inspection_ids: Iterable[int]) -> Iterator[None]:
    finishers = [result for _receiver, result in report_inputs_changing.send(None, inspection_ids=list(inspection_ids))
                 if callable(result)]
    completed = False
    try:
        yield
        completed = True
    finally:
        for finish in finishers:
            finish(completed)


def publish_failures(inspection, failures: list[Failure], moment: datetime, actor: User) -> dict:
    """What was made of the failures: `findings` (a list) and the `notice` they are on (or None)."""
    made: dict = {"findings": [], "notice": None}
    if failures:
        for _receiver, result in failures_published.send(inspection, failures=failures, moment=moment, actor=actor):
            made["findings"].extend((result or {}).get("findings", []))
            made["notice"] = (result or {}).get("notice") or made["notice"]
    return made
