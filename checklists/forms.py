"""The admin's item form (and the new-section form around a first item): what a browser posts, read into
an item of the definition, with messages in the user's language. Whether the whole checklist still holds
is definition.py's to say when the draft is saved."""
from __future__ import annotations

import math
import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Regexp, ValidationError

from checklists.definition import CRITICAL_RULES, ITEM_TYPES, KEY, MAX_POINTS, SEVERITIES
from checklists.xlsx_io import BOOLEAN_COLUMNS, NUMBER_COLUMNS, item_to_row, split_option_line
from core.form_fields import CHECKBOX_OFF, Between, NumberField, Required, stripped

KEY_RULE = _l("Lowercase letters, digits and _, starting with a letter.")
CHOICE_LINE = "key | 中文 | English | points [| fail]"
SCALE_LINE = "{point} | 中文 | English"
# Where a problem of the saved definition sits inside an item (label.zh, scale.labels[2], ...) -> the field.
ITEM_PATHS = {"label.zh": "label_zh", "label.en": "label_en", "guidance.zh": "guidance_zh",
              "guidance.en": "guidance_en", "requirement.zh": "requirement_zh", "requirement.en": "requirement_en",
              "scale": "options"}


def _key_field() -> StringField:
    return StringField(filters=[stripped], validators=[Required(_l("Give it a key.")),
                                                       Regexp(KEY.pattern, message=KEY_RULE)])


def _text_field(required: str | None = None) -> StringField:
    return StringField(filters=[stripped], default="", validators=[Required(required)] if required else [])


def _choice_field(choices: tuple[str, ...], message) -> SelectField:
    return SelectField(choices=choices, default="", invalid_choice_message=message)


def _points(text: str) -> float | None:
    if not text:
        return 0
    try:
        number = float(text)
    except ValueError:
        return None
    return (int(number) if number.is_integer() else number) if math.isfinite(number) else None


class ItemForm(FlaskForm):
    key = _key_field()
    type = _choice_field(ITEM_TYPES, _l("Choose one of the item types offered."))
    label_zh = _text_field(_l("Write the label in Chinese."))
    label_en = _text_field(_l("Write the label in English."))
    guidance_zh = _text_field()
    guidance_en = _text_field()
    requirement_zh = _text_field()
    requirement_en = _text_field()
    points = NumberField(validators=[Between(0, MAX_POINTS, _l("Enter a number from %(min)s to %(max)s."))])
    severity = _choice_field(("", *SEVERITIES), _l("Choose one of the severities offered."))
    critical = _choice_field(("", *CRITICAL_RULES), _l("Choose one of the red-line rules offered."))
    cap_grade = _text_field()
    condition = _text_field()
    min = NumberField()
    max = NumberField()
    pass_min = NumberField()
    pass_max = NumberField()
    max_length = NumberField()
    min_photos = NumberField()
    options = TextAreaField(default="")
    photo_on_fail = BooleanField(false_values=CHECKBOX_OFF)
    attribute_to_staff = BooleanField(false_values=CHECKBOX_OFF)
    allow_na = BooleanField(default=True, false_values=CHECKBOX_OFF)
    required = BooleanField(default=True, false_values=CHECKBOX_OFF)
    multiple = BooleanField(false_values=CHECKBOX_OFF)

    @classmethod
    def of_item(cls, section_key: str, item: dict) -> ItemForm:
        row = item_to_row(section_key, item)
        return cls(data={name: value == "yes" if name in BOOLEAN_COLUMNS else
                         "" if value is None and name not in NUMBER_COLUMNS else value for name, value in row.items()})

    def option_lines(self) -> list[str]:
        return [line for line in (self.options.data or "").splitlines() if line.strip()]

    def validate_options(self, field):
        lines = self.option_lines()
        if self.type.data == "choice":
            misfits = [line for line in lines if self._option(line) is None]
            if misfits:
                raise ValidationError(_("Write each option as %(shape)s; these lines are not: %(lines)s",
                                        shape=CHOICE_LINE, lines=" / ".join(misfits)))
        elif self.type.data == "scale":
            for point, line in enumerate(lines):
                if self._scale_label(line, point) is None:
                    shape = SCALE_LINE.format(point=point)
                    raise ValidationError(_("Write line %(point)d as %(shape)s, not: %(line)s", point=point + 1,
                                            shape=shape, line=line))
        elif lines:
            raise ValidationError(_("Only choice and scale items take options."))

    @staticmethod
    def _option(line: str) -> dict | None:
        parts = split_option_line(line)
        if len(parts) not in (4, 5) or (len(parts) == 5 and parts[4].lower() != "fail"):
            return None
        points = _points(parts[3])
        if points is None:
            return None
        return {"key": parts[0], "label": {"zh": parts[1], "en": parts[2]}, "points": points,
                **({"fail": True} if len(parts) == 5 else {})}

    @staticmethod
    def _scale_label(line: str, point: int) -> dict | None:
        parts = split_option_line(line)
        return {"zh": parts[1], "en": parts[2]} if len(parts) == 3 and parts[0] == str(point) else None

    def item(self) -> dict:
        """The item as the definition holds it (as an XLSX items row would give it)."""
        item = {"key": self.key.data, "type": self.type.data,
                "label": {"zh": self.label_zh.data, "en": self.label_en.data}}
        for name in ("guidance", "requirement"):
            zh, en = self[f"{name}_zh"].data, self[f"{name}_en"].data
            if zh or en:
                item[name] = {"zh": zh, "en": en}
        for name in ("points", "min", "max", "pass_min", "pass_max", "max_length", "min_photos"):
            if self[name].data is not None:
                item[name] = self[name].data
        for name in ("photo_on_fail", "attribute_to_staff", "allow_na", "required"):
            item[name] = self[name].data
        if self.type.data == "choice" or self.multiple.data:
            item["multiple"] = self.multiple.data
        for name in ("severity", "critical", "cap_grade", "condition"):
            if self[name].data:
                item[name] = self[name].data
        lines = self.option_lines()
        if self.type.data == "choice":
            item["options"] = [self._option(line) for line in lines]
        elif self.type.data == "scale":
            item["scale"] = {"max": len(lines) - 1,
                             "labels": [self._scale_label(line, point) for point, line in enumerate(lines)]}
        return item

    def field_for(self, item_path: str, section_path: str | None = None) -> Callable[[str], str | None]:
        """Which field a problem of the saved definition is about, given where this item (and the new
        section) sit in it: `sections[1].items[3]`, `sections[1]`."""

        def field(where: str) -> str | None:
            if where.startswith(item_path + "."):
                rest = where[len(item_path) + 1:]
                head = re.split(r"[.\[]", rest)[0]
                name = ITEM_PATHS.get(rest) or ITEM_PATHS.get(head) or head
            elif section_path and where.startswith(section_path + "."):
                name = "section_" + where[len(section_path) + 1:].replace(".", "_")
            else:
                return None
            return name if name in self else None

        return field


class NewSectionForm(ItemForm):
    """A new section with its first item."""

    section_key = _key_field()
    section_label_zh = _text_field(_l("Write the label in Chinese."))
    section_label_en = _text_field(_l("Write the label in English."))

    def section_label(self) -> dict:
        return {"zh": self.section_label_zh.data, "en": self.section_label_en.data}


def item_path(definition: dict, key: str | None, section: str | None) -> tuple[str, str | None]:
    """Where the item being edited (`key`), added to `section`, or added with a new section (neither)
    sits once saved: its path, and the new section's."""
    sections = definition["sections"]
    for s_index, entry in enumerate(sections):
        keys = [item["key"] for item in entry["items"]]
        if key is not None and key in keys:
            return f"sections[{s_index}].items[{keys.index(key)}]", None
        if key is None and entry["key"] == section:
            return f"sections[{s_index}].items[{len(keys)}]", None
    return f"sections[{len(sections)}].items[0]", f"sections[{len(sections)}]"
