"""The four kinds of inspection and the words for items' types and flags, named once (GLOSSARY.md) and
spoken in the reader's language through the catalog."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

KIND_NAMES = {"onsite": _l("On-site service inspection"), "7s": _l("7S inspection"),
              "remote": _l("Remote real-time check"), "mystery": _l("Mystery visit")}
TYPE_NAMES = {"check": _l("Pass / fail"), "scale": _l("Rating"), "choice": _l("Choice"), "number": _lp("item type", "Number"),
              "duration": _l("Duration"), "text": _l("Text"), "photo": _l("Photo"), "signature": _l("Signature")}
FLAG_NAMES = {"photo_on_fail": _l("Photo when failed"), "attribute_to_staff": _l("Attributed to staff"),
              "allow_na": _l("Not applicable allowed"), "required": _l("Required"), "multiple": _l("Several choices")}
SEVERITY_NAMES = {"critical": _l("Critical"), "major": _l("Major"), "minor": _l("Minor")}
CRITICAL_NAMES = {"none": _l("None"), "zero_section": _l("Section scores zero"),
                  "zero_inspection": _l("Inspection scores zero"), "cap_grade": _l("Grade capped")}
LIMIT_NAMES = {"min": _l("Lowest value"), "max": _l("Highest value"), "pass_min": _l("Lowest passing value"),
               "pass_max": _l("Highest passing value"), "max_length": _l("Longest text (characters)"),
               "min_photos": _l("Fewest photos")}


def kind_name(kind: str) -> str:
    return str(KIND_NAMES.get(kind, kind))


def type_name(item_type: str) -> str:
    return str(TYPE_NAMES.get(item_type, item_type))


def flag_name(flag: str) -> str:
    return str(FLAG_NAMES.get(flag, flag))


def severity_name(severity: str) -> str:
    return str(SEVERITY_NAMES.get(severity, severity))


def critical_name(rule: str) -> str:
    return str(CRITICAL_NAMES.get(rule, rule))


def limit_name(field: str) -> str:
    return str(LIMIT_NAMES.get(field, field))
