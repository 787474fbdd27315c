"""What the checklist admin pages' tests share: a small checklist, the logged-in admin, its draft."""
from __future__ import annotations

from checklists.models import ChecklistVersion

BASE = "/admin/checklists"


def T(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def small() -> dict:
    """front: a, b; back: c, d (d shown when c = pass)."""
    return {"kind": "7s", "code": "pages-test", "name": T("页面测试", "Pages test"), "sections": [
        {"key": "front", "label": T("前台", "Front"), "items": [
            {"key": "a", "type": "check", "label": T("甲项", "Item A"), "points": 1},
            {"key": "b", "type": "check", "label": T("乙项", "Item B"), "points": 2}]},
        {"key": "back", "label": T("后台", "Back"), "items": [
            {"key": "c", "type": "check", "label": T("丙项", "Item C"), "points": 3},
            {"key": "d", "type": "check", "label": T("丁项", "Item D"), "points": 4, "condition": "c = pass"}]},
    ]}


def layout(db, ident: int) -> list[tuple[str, list[str]]]:
    db.session.expire_all()
    data = db.session.get(ChecklistVersion, ident).definition
    return [(s["key"], [i["key"] for i in s["items"]]) for s in data["sections"]]


def stored(db, ident: int) -> ChecklistVersion:
    db.session.expire_all()
    return db.session.get(ChecklistVersion, ident)


def form(token: str, **fields) -> dict:
    data = {"csrf_token": token, "key": "", "type": "check", "label_zh": "", "label_en": "", "points": "",
            "allow_na": "yes", "required": "yes"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}
