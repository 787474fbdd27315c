"""What differs between the kinds of inspection, declared once: who may see one, whom it may name, what
its submit checks and where it keeps what they found, when its failed items reach the outlet.
Inspections declare the kinds they run themselves; a domain above (mystery) declares its own kind in
its init_app, as a plug-in would.

An undeclared kind is treated as the most guarded one, so that forgetting a declaration never
shows a secret inspection."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class InspectionKind:
    name: str
    # Seen only by the admin and the one who made it until the bank publishes it.
    secret_until_published: bool = False
    # Made by a vendor's people on its assignments (never by the bank's own staff on their own).
    by_vendor: bool = False
    # Answers and the inspection may name a staff member (a visitor does not know names; they describe).
    names_staff: bool = True
    # Watches one person (the teller checked remotely), named on the inspection.
    watches_one_person: bool = False
    # Its plans run in two-day cycles instead of monthly or quarterly visits.
    runs_in_cycles: bool = False
    # Failed items reach the outlet when it is submitted; otherwise when the bank publishes it.
    failures_at_submit: bool = True
    # Checks made at submit whose flags a reviewer reads (inspection -> list of flags), run before the
    # submit writes anything; and where the kind keeps the flags ((inspection, flags) -> None), called
    # in the submit's write.
    submit_checks: Callable | None = None
    keep_submit_checks: Callable | None = None
    # The one who made it writes their own account of it (the narrative), required at submit.
    asks_narrative: bool = False
    # The kind's own refusals (each raises an OperationError): before a draft is started on an assignment
    # (assignment -> None), and before a draft is submitted, ahead of its scoring (inspection -> None).
    check_start: Callable | None = None
    check_submit: Callable | None = None
    # Why the bank sent a draft back to the one who made it (inspection -> text), shown in their app.
    revision_reason: Callable | None = None

    def revision_reason_of(self, inspection) -> str:
        return self.revision_reason(inspection) if self.revision_reason else ""


_KINDS: dict[str, InspectionKind] = {}


def declare(kind: InspectionKind) -> None:
    _KINDS[kind.name] = kind


def kind_of(name: str) -> InspectionKind:
    return _KINDS.get(name) or InspectionKind(name, secret_until_published=True, by_vendor=True, names_staff=False,
                                              failures_at_submit=False)


def names(predicate: Callable[[InspectionKind], bool] = lambda kind: True) -> tuple[str, ...]:
    return tuple(name for name, kind in _KINDS.items() if predicate(kind))


def open_kinds() -> tuple[str, ...]:
    """Declared kinds anyone allowed may see before publication (SQL filters list these, never the rest)."""
    return names(lambda kind: not kind.secret_until_published)


def vendor_kinds() -> tuple[str, ...]:
    return names(lambda kind: kind.by_vendor)


def bank_kinds() -> tuple[str, ...]:
    return names(lambda kind: not kind.by_vendor)


declare(InspectionKind("onsite"))
declare(InspectionKind("7s"))
declare(InspectionKind("remote", watches_one_person=True, runs_in_cycles=True))
