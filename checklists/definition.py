"""A checklist version's content: parsed from the canonical dict, validated, dumped back.

A published version is an immutable document; the whole definition is validated at once so that
cross-item rules (unique keys, conditions naming real items, no cycles) always hold.
"""
from __future__ import annotations

import math
import re

from flask_babel import get_locale
from flask_babel import gettext as _

from checklists.conditions import ConditionError, parse_condition
from checklists.document import SCORED_TYPES, Checklist, Grade, Item, Option, Section, Text
from checklists.kinds import type_name
from core.inputs import unstorable_text

__all__ = ["Checklist", "DefinitionError", "Grade", "Item", "Option", "Section", "Text", "dump", "parse"]

KINDS = ("onsite", "7s", "remote", "mystery")
ITEM_TYPES = ("check", "scale", "choice", "number", "duration", "text", "photo", "signature")
SEVERITIES = ("minor", "major", "critical")
CRITICAL_RULES = ("none", "zero_section", "zero_inspection", "cap_grade")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MAX_POINTS = 100
DEFAULT_GRADES = [
    {"grade": "A", "min": 90, "label": {"zh": "优秀", "en": "Excellent"}},
    {"grade": "B", "min": 80, "label": {"zh": "良好", "en": "Good"}},
    {"grade": "C", "min": 60, "label": {"zh": "合格", "en": "Pass"}},
    {"grade": "D", "min": 0, "label": {"zh": "不合格", "en": "Fail"}},
]

ITEM_FIELDS = {
    "key", "type", "label", "guidance", "requirement", "points", "severity", "critical", "cap_grade", "photo_on_fail",
    "attribute_to_staff", "allow_na", "required", "condition", "reference_photo",
    "scale", "pass_min", "pass_max", "options", "multiple", "min", "max", "max_length", "min_photos",
}
TYPE_FIELDS = {
    "check": set(), "scale": {"scale", "pass_min"}, "choice": {"options", "multiple"},
    "number": {"min", "max", "pass_min", "pass_max"}, "duration": {"max", "pass_max"},
    "text": {"max_length"}, "photo": {"min_photos"}, "signature": set(),
}


class DefinitionError(ValueError):
    """All problems at once, each with the path to the offending value."""

    def __init__(self, problems: list[tuple[tuple, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{render_path(path)}: {message}" for path, message in problems))

    def by_path(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for path, message in self.problems:
            result.setdefault(render_path(path) or "(top)", []).append(message)
        return result


def _key_rule() -> str:
    return _("lowercase letters, digits and '_', starting with a letter")


def reader_language() -> str:
    return "en" if str(get_locale() or "zh").startswith("en") else "zh"


def render_path(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Reader:
    def __init__(self):
        self.problems: list[tuple[tuple, str]] = []

    def fail(self, path: tuple, message: str) -> None:
        self.problems.append((path, message))

    def text(self, value, path: tuple) -> Text:
        """A text required in both languages."""
        return self._text(value, path, required=True)

    def optional_text(self, value, path: tuple) -> Text | None:
        return None if value is None else self._text(value, path, required=False)

    def _text(self, value, path: tuple, *, required: bool) -> Text:
        if isinstance(value, str) and value.strip():
            value = {"zh": value, "en": ""}
        if not isinstance(value, dict) or set(value) - {"zh", "en"}:
            self.fail(path, _("must be {zh: ..., en: ...}"))
            return Text("", "")
        zh, en = str(value.get("zh") or "").strip(), str(value.get("en") or "").strip()
        if required and not zh:
            self.fail(path + ("zh",), _("the Chinese text is required"))
        if required and not en:
            self.fail(path + ("en",), _("the English text is required"))
        for lang, text in (("zh", zh), ("en", en)):
            if len(text) > 1000:
                self.fail(path + (lang,), _("longer than %(count)d characters", count=1000))
            elif unstorable_text(text):
                self.fail(path + (lang,), _("no control characters or incomplete Unicode characters"))
        return Text(zh, en)

    def number(self, value, path: tuple, *, low=None, high=None, integer=False, default=None):
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(path, _("must be a number"))
            return default
        if not math.isfinite(value):
            self.fail(path, _("must be a finite number"))
            return default
        if integer and int(value) != value:
            self.fail(path, _("must be a whole number"))
            return default
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(path, _("must be between %(low)s and %(high)s", low=low, high=high))
            return default
        return int(value) if integer or float(value).is_integer() else float(value)

    def flag(self, value, path: tuple, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(path, _("must be true or false"))
            return default
        return value

    def choice(self, value, path: tuple, allowed: tuple, default):
        if value is None:
            return default
        if value not in allowed:
            self.fail(path, _("must be one of %(values)s", values=", ".join(allowed)))
            return default
        return value


def parse(data) -> Checklist:
    reader = _Reader()
    if not isinstance(data, dict):
        raise DefinitionError([((), _("a checklist must be a mapping with kind, code, name and sections"))])
    for unknown in sorted(set(data) - {"kind", "code", "name", "description", "grades", "sections"}):
        reader.fail((unknown,), _("unknown field"))
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        reader.fail(("kind",), _("must be one of %(values)s", values=", ".join(KINDS)))
        kind = ""
    code = data.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        reader.fail(("code",), _("1-40 letters, digits, '-' or '_'"))
        code = ""
    name = reader.text(data.get("name"), ("name",))
    description = reader.optional_text(data.get("description"), ("description",))
    grades = _grades(reader, data.get("grades"))
    grade_names = {grade.grade for grade in grades}
    sections = _sections(reader, data.get("sections"), grade_names)
    items_by_key = {item.key: item for section in sections for item in section.items}
    _check_conditions(reader, sections, items_by_key)
    if reader.problems:
        raise DefinitionError(reader.problems)
    return Checklist(kind, code, name, description, grades, sections, items_by_key)


def _grades(reader: _Reader, raw) -> tuple[Grade, ...]:
    raw = DEFAULT_GRADES if raw is None else raw
    if not isinstance(raw, list) or not raw:
        reader.fail(("grades",), _("must be a non-empty list"))
        return ()
    grades, seen = [], set()
    for index, entry in enumerate(raw):
        path = ("grades", index)
        if not isinstance(entry, dict) or set(entry) - {"grade", "min", "label"}:
            reader.fail(path, _("must be {grade, min, label}"))
            continue
        name = str(entry.get("grade") or "").strip()
        if not name or len(name) > 10:
            reader.fail(path + ("grade",), _("1-10 characters"))
        if name in seen:
            reader.fail(path + ("grade",), _("grade “%(grade)s” appears twice", grade=name))
        seen.add(name)
        minimum = reader.number(entry.get("min"), path + ("min",), low=0, high=100, default=0)
        label = reader.optional_text(entry.get("label"), path + ("label",)) or Text(name, name)
        grades.append(Grade(name, minimum, label))
    mins = [grade.min for grade in grades]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        reader.fail(("grades",), _("list grades from best to worst with strictly falling minimums"))
    if grades and grades[-1].min != 0:
        reader.fail(("grades",), _("the last grade must start at 0"))
    return tuple(grades)


def _sections(reader: _Reader, raw, grade_names: set[str]) -> tuple[Section, ...]:
    if not isinstance(raw, list) or not raw:
        reader.fail(("sections",), _("must be a non-empty list"))
        return ()
    sections, section_keys, item_keys = [], set(), set()
    for index, entry in enumerate(raw):
        path = ("sections", index)
        if not isinstance(entry, dict):
            reader.fail(path, _("must be a mapping with key, label and items"))
            continue
        for unknown in sorted(set(entry) - {"key", "label", "items"}):
            reader.fail(path + (unknown,), _("unknown field"))
        key = entry.get("key")
        if not isinstance(key, str) or not KEY.match(key):
            reader.fail(path + ("key",), _key_rule())
            key = f"invalid_{len(reader.problems)}"
        elif key in section_keys:
            reader.fail(path + ("key",), _("section key “%(key)s” is used twice", key=key))
        section_keys.add(key)
        label = reader.text(entry.get("label"), path + ("label",))
        items_raw = entry.get("items")
        if not isinstance(items_raw, list) or not items_raw:
            reader.fail(path + ("items",), _("a section needs at least one item"))
            items_raw = []
        items = []
        for item_index, item_raw in enumerate(items_raw):
            item = _item(reader, item_raw, path + ("items", item_index), grade_names)
            if item is None:
                continue
            if item.key in item_keys:
                reader.fail(path + ("items", item_index, "key"), _("item key “%(key)s” is used twice", key=item.key))
            item_keys.add(item.key)
            items.append(item)
        sections.append(Section(key, label, tuple(items)))
    return tuple(sections)


def _item(reader: _Reader, raw, path: tuple, grade_names: set[str]) -> Item | None:
    if not isinstance(raw, dict):
        reader.fail(path, _("must be a mapping"))
        return None
    item_type = raw.get("type")
    if item_type not in ITEM_TYPES:
        reader.fail(path + ("type",), _("unknown type “%(type)s”; use one of %(types)s", type=item_type,
                                         types=", ".join(ITEM_TYPES)))
        return None
    allowed = ITEM_FIELDS - (set().union(*TYPE_FIELDS.values()) - TYPE_FIELDS[item_type])
    for unknown in sorted(set(raw) - allowed):
        reader.fail(path + (unknown,), _("not a field of a “%(type)s” item", type=type_name(item_type)))
    key = raw.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        reader.fail(path + ("key",), _key_rule())
        key = f"invalid_{len(reader.problems)}"
    points = reader.number(raw.get("points"), path + ("points",), low=0, high=MAX_POINTS, default=0)
    if item_type not in SCORED_TYPES and points:
        reader.fail(path + ("points",), _("a “%(type)s” item is not scored; points must be 0",
                                           type=type_name(item_type)))
    critical = reader.choice(raw.get("critical"), path + ("critical",), CRITICAL_RULES, "none")
    cap_grade = raw.get("cap_grade")
    if critical == "cap_grade" and cap_grade not in grade_names:
        reader.fail(path + ("cap_grade",), _("name the grade to cap at: one of %(grades)s",
                                              grades=", ".join(sorted(grade_names))))
    elif critical != "cap_grade" and cap_grade is not None:
        reader.fail(path + ("cap_grade",), _("only with critical: cap_grade"))
    if critical != "none" and item_type not in SCORED_TYPES:
        reader.fail(path + ("critical",), _("a “%(type)s” item cannot fail, so it cannot be critical",
                                             type=type_name(item_type)))
    condition = None
    if raw.get("condition") not in (None, ""):
        try:
            condition = parse_condition(str(raw["condition"]))
        except ConditionError as error:
            reader.fail(path + ("condition",), str(error))
    reference = raw.get("reference_photo")
    if reference is not None and (not isinstance(reference, str) or len(reference) > 200):
        reader.fail(path + ("reference_photo",), _("a media name of at most %(count)d characters", count=200))
    values = dict(
        key=key, type=item_type, label=reader.text(raw.get("label"), path + ("label",)), points=points,
        guidance=reader.optional_text(raw.get("guidance"), path + ("guidance",)),
        requirement=reader.optional_text(raw.get("requirement"), path + ("requirement",)),
        severity=reader.choice(raw.get("severity"), path + ("severity",), SEVERITIES, "minor"),
        critical=critical, cap_grade=cap_grade if critical == "cap_grade" else None,
        photo_on_fail=reader.flag(raw.get("photo_on_fail"), path + ("photo_on_fail",), False),
        attribute_to_staff=reader.flag(raw.get("attribute_to_staff"), path + ("attribute_to_staff",), False),
        allow_na=reader.flag(raw.get("allow_na"), path + ("allow_na",), True),
        required=reader.flag(raw.get("required"), path + ("required",), True),
        condition=condition, reference_photo=reference,
    )
    values.update(_type_fields(reader, item_type, raw, path, points))
    return Item(**values)


def _type_fields(reader: _Reader, item_type: str, raw: dict, path: tuple, points: float) -> dict:
    if item_type == "scale":
        scale = raw.get("scale")
        if not isinstance(scale, dict) or set(scale) - {"max", "labels"}:
            reader.fail(path + ("scale",), _("must be {max, labels}"))
            return {"scale_max": 1}
        top = reader.number(scale.get("max"), path + ("scale", "max"), low=1, high=10, integer=True, default=None)
        if top is None:
            reader.fail(path + ("scale", "max"), _("a whole number from 1 to 10 is required"))
            top = 1
        labels_raw = scale.get("labels")
        if not isinstance(labels_raw, list) or len(labels_raw) != top + 1:
            reader.fail(path + ("scale", "labels"), _("give %(count)d labels, one for each point 0..%(top)d",
                                                    count=top + 1, top=top))
            labels_raw = []
        labels = tuple(reader.text(label, path + ("scale", "labels", i)) for i, label in enumerate(labels_raw))
        pass_min = reader.number(raw.get("pass_min"), path + ("pass_min",), low=0, high=top, integer=True)
        return {"scale_max": top, "scale_labels": labels, "pass_min": pass_min}
    if item_type == "choice":
        return _options(reader, raw, path, points)
    if item_type in ("number", "duration"):
        low = reader.number(raw.get("min"), path + ("min",)) if item_type == "number" else None
        high = reader.number(raw.get("max"), path + ("max",), low=0 if item_type == "duration" else None)
        pass_min = reader.number(raw.get("pass_min"), path + ("pass_min",)) if item_type == "number" else None
        pass_max = reader.number(raw.get("pass_max"), path + ("pass_max",), low=0 if item_type == "duration" else None)
        if low is not None and high is not None and low > high:
            reader.fail(path + ("max",), _("max is below min"))
        if pass_min is not None and pass_max is not None and pass_min > pass_max:
            reader.fail(path + ("pass_max",), _("pass_max is below pass_min"))
        if points and pass_min is None and pass_max is None:
            reader.fail(path + ("pass_max",), _("a scored item needs a pass threshold (pass_min or pass_max)"))
        return {"min": low, "max": high, "pass_min": pass_min, "pass_max": pass_max}
    if item_type == "text":
        return {"max_length": reader.number(raw.get("max_length"), path + ("max_length",), low=1, high=10000,
                                            integer=True, default=2000)}
    if item_type == "photo":
        return {"min_photos": reader.number(raw.get("min_photos"), path + ("min_photos",), low=1, high=20,
                                            integer=True, default=1)}
    return {}


def _options(reader: _Reader, raw: dict, path: tuple, points: float) -> dict:
    options_raw = raw.get("options")
    if not isinstance(options_raw, list) or len(options_raw) < 2:
        reader.fail(path + ("options",), _("a choice needs at least two options"))
        options_raw = []
    options, keys = [], set()
    for index, entry in enumerate(options_raw):
        option_path = path + ("options", index)
        if not isinstance(entry, dict) or set(entry) - {"key", "label", "points", "fail"}:
            reader.fail(option_path, _("must be {key, label, points, fail}"))
            continue
        key = str(entry.get("key") or "")
        if not KEY.match(key):
            reader.fail(option_path + ("key",), _key_rule())
        elif key in keys:
            reader.fail(option_path + ("key",), _("option “%(key)s” is used twice", key=key))
        keys.add(key)
        option_points = reader.number(entry.get("points"), option_path + ("points",), low=0, high=MAX_POINTS,
                                      default=0)
        if option_points > points:
            reader.fail(option_path + ("points",), _("more than the item's %(points)s points", points=points))
        options.append(Option(key, reader.text(entry.get("label"), option_path + ("label",)), option_points,
                              reader.flag(entry.get("fail"), option_path + ("fail",), False)))
    return {"options": tuple(options), "multiple": reader.flag(raw.get("multiple"), path + ("multiple",), False)}


def _check_conditions(reader: _Reader, sections, items_by_key: dict) -> None:
    positions = {}
    for s_index, section in enumerate(sections):
        for i_index, item in enumerate(section.items):
            positions[item.key] = ("sections", s_index, "items", i_index, "condition")
    graph = {}
    for key, item in items_by_key.items():
        if item.condition is None:
            continue
        for name in sorted(item.condition.keys):
            if name == key:
                reader.fail(positions[key], _("an item cannot depend on itself"))
            elif name not in items_by_key:
                reader.fail(positions[key], _("names unknown item “%(key)s”", key=name))
        graph[key] = [name for name in item.condition.keys if name in items_by_key and name != key]
    state: dict[str, int] = {}

    def visit(key: str, trail: list[str]) -> None:
        state[key] = 1
        for name in graph.get(key, []):
            if state.get(name) == 1:
                cycle = trail[trail.index(name):] + [name] if name in trail else [key, name]
                named = [items_by_key[step].label.get(reader_language()) or step for step in cycle]
                reader.fail(positions[key], _("circular condition: %(cycle)s", cycle=" → ".join(named)))
            elif name not in state:
                visit(name, trail + [name])
        state[key] = 2

    for key in graph:
        if key not in state:
            visit(key, [key])


def dump(checklist: Checklist) -> dict:
    """The canonical dict: defaults left out, so equal checklists dump to equal documents."""
    data = {"kind": checklist.kind, "code": checklist.code, "name": checklist.name.dump()}
    if checklist.description is not None and (checklist.description.zh or checklist.description.en):
        data["description"] = checklist.description.dump()
    grades = [{"grade": g.grade, "min": g.min, "label": g.label.dump()} for g in checklist.grades]
    if grades != DEFAULT_GRADES:
        data["grades"] = grades
    data["sections"] = [
        {"key": s.key, "label": s.label.dump(), "items": [_dump_item(i) for i in s.items]}
        for s in checklist.sections
    ]
    return data


def _dump_item(item: Item) -> dict:
    data = {"key": item.key, "type": item.type, "label": item.label.dump()}
    for name in ("guidance", "requirement"):
        text = getattr(item, name)
        if text is not None and (text.zh or text.en):
            data[name] = text.dump()
    defaults = Item(key=item.key, type=item.type, label=item.label)
    for name in ("points", "severity", "critical", "cap_grade", "photo_on_fail", "attribute_to_staff",
                 "allow_na", "required", "reference_photo", "pass_min", "pass_max", "min", "max",
                 "multiple", "max_length", "min_photos"):
        value = getattr(item, name)
        if value != getattr(defaults, name):
            data[name] = value
    if item.condition is not None:
        data["condition"] = item.condition.text
    if item.type == "scale":
        data["scale"] = {"max": item.scale_max, "labels": [label.dump() for label in item.scale_labels]}
    if item.type == "choice":
        data["options"] = [
            {"key": o.key, "label": o.label.dump(), "points": o.points, **({"fail": True} if o.fail else {})}
            for o in item.options
        ]
    return data
