"""Who a mystery report's findings are about: the bank maps the people the shopper described to its
staff, for the items that failed or lost points, and only for those; an item may also be marked as not
attributable to a person (the whole outlet, the machines). Every failed item is one or the other before
the report is published."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import get_locale

from checklists.definition import Checklist, Item
from inspections.models import Answer
from inspections.validation import item_name

# The attribution form's value for "not attributable to a person" (its other values are staff ids).
NOT_A_PERSON = "none"


def lost_points(answer: Answer) -> bool:
    return bool(answer.max_score) and answer.score is not None and answer.score < answer.max_score


def to_attribute(checklist: Checklist, answers: Iterable[Answer]) -> list[tuple[Item, Answer]]:
    """The answers the bank attributes, in the checklist's order: attributable items that failed or lost points."""
    held = {answer.item_key: answer for answer in answers}
    return [(item, held[item.key]) for item in checklist.all_items()
            if item.attribute_to_staff and item.key in held and (held[item.key].failed or lost_points(held[item.key]))]


def unattributed_failures(checklist: Checklist, answers: Iterable[Answer], not_a_person: Iterable[str]) -> list[Item]:
    """Failed items that name nobody and are not marked as not attributable to a person."""
    marked = set(not_a_person)
    return [item for item, answer in to_attribute(checklist, answers)
            if answer.failed and answer.staff_id is None and item.key not in marked]


def quoted(items: Iterable[Item]) -> str:
    """The items by their labels, as a sentence lists them."""
    return (", " if str(get_locale()) == "en" else "、").join(f"“{item_name(item)}”" for item in items)
