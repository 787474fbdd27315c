"""Small builders for checklists in the scoring tests."""
from __future__ import annotations

from checklists import definition


def T(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def opt(key: str, points: float, fail: bool = False) -> dict:
    return {"key": key, "label": T(key, key), "points": points, **({"fail": True} if fail else {})}


def checklist(*sections, grades=None, kind="onsite") -> definition.Checklist:
    data = {"kind": kind, "code": "scoring-test", "name": T("评分", "Scoring"),
            "sections": [{"key": key, "label": T(key, key), "items": items} for key, items in sections]}
    if grades is not None:
        data["grades"] = grades
    return definition.parse(data)


def check(key: str, points: float, **extra) -> dict:
    return {"key": key, "type": "check", "label": T(key, key), "points": points, **extra}
