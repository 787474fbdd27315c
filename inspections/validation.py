"""Answers checked against the pinned checklist version: keys, types, ranges, options, staff."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from checklists.definition import Checklist, Item
from core.inputs import unstorable_text

NA = "na"
# Beyond any count, length or duration an inspection records; also refuses NaN and the infinities, which
# JSON cannot carry back, and integers too large to become a float when scored.
LARGEST_NUMBER = 1e12


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) <= LARGEST_NUMBER


def value_problem(item: Item, value) -> str | None:
    """Why this value cannot answer this item, or None when it can."""
    if value is None:
        return None
    if value == NA:
        return None if item.allow_na else _("This item may not be answered not applicable.")
    kind = item.type
    if kind == "check":
        return None if value in ("pass", "fail") else _('Use "pass", "fail" or "na".')
    if kind == "scale":
        if not _number(value) or int(value) != value or not 0 <= value <= item.scale_max:
            return _("Use a whole number from 0 to %(top)s.", top=item.scale_max)
        return None
    if kind == "choice":
        keys = [option.key for option in item.options]
        if item.multiple:
            if not isinstance(value, list) or not value or len(set(map(str, value))) != len(value) \
                    or any(v not in keys for v in value):
                return _("Use a list of distinct options from %(keys)s.", keys=", ".join(keys))
            return None
        return None if isinstance(value, str) and value in keys else _("Use one of %(keys)s.", keys=", ".join(keys))
    if kind in ("number", "duration"):
        if not _number(value):
            return _("Use a number of seconds.") if kind == "duration" else _("Use a number.")
        low = 0 if kind == "duration" else item.min
        if low is not None and value < low:
            return _("Must be at least %(low)s.", low=low)
        if item.max is not None and value > item.max:
            return _("Must be at most %(high)s.", high=item.max)
        return None
    if kind == "text":
        if not isinstance(value, str):
            return _("Use text.")
        if unstorable_text(value):
            return _("No control characters or incomplete Unicode characters.")
        return None if len(value) <= item.max_length else _("At most %(count)s characters.", count=item.max_length)
    return _("Photo and signature items take no value: name the images in photo_ids.")


def item_name(item: Item) -> str:
    """The item as a person names it: its label in the reader's language."""
    return item.label.get("en" if str(get_locale()) == "en" else "zh")


def answer_errors(checklist: Checklist, answers: list[dict], staff_ids: set[int],
                  *, allow_staff_names: bool = True) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, answer in enumerate(answers):
        where = f"answers[{index}]"
        key = answer["item_key"]
        item = checklist.item(key)
        if item is None:
            errors[f"{where}.item_key"] = [_("No item %(key)s in this checklist version.", key=repr(key))]
            continue
        if key in seen:
            errors[f"{where}.item_key"] = [_("“%(item)s” is answered twice in one request.", item=item_name(item))]
        seen.add(key)
        problem = value_problem(item, answer.get("value"))
        if problem:
            errors[f"{where}.value"] = [_("“%(item)s”: %(problem)s", item=item_name(item), problem=problem)]
        staff_id = answer.get("staff_id")
        if staff_id is not None:
            if not allow_staff_names:
                errors[f"{where}.staff_id"] = [_("Describe the person by role and appearance instead.")]
            elif staff_id not in staff_ids:
                errors[f"{where}.staff_id"] = [_("No such staff member at this outlet.")]
        if len(set(answer.get("photo_ids") or [])) != len(answer.get("photo_ids") or []):
            errors[f"{where}.photo_ids"] = [_("A photo is named twice.")]
    return errors
