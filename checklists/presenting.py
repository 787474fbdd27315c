"""Checklist versions as documents for the API and the pages: every field spelled out."""
from __future__ import annotations

from checklists.definition import Checklist, Item, Text
from checklists.models import ChecklistTemplate, ChecklistVersion


def _text(text: Text | None) -> dict | None:
    return text.dump() if text is not None else None


def summary(version: ChecklistVersion) -> dict:
    template = version.template
    return {
        "id": version.id, "template_id": template.id, "code": template.code, "kind": template.kind,
        "name": {"zh": template.name, "en": template.name_en}, "version": version.version,
        "status": version.status, "item_count": version.item_count, "content_hash": version.content_hash,
        "published_at": version.published_at,
    }


def item_document(item: Item) -> dict:
    condition = None
    if item.condition is not None:
        condition = {"text": item.condition.text, "any_of": item.condition.any_of,
                     "clauses": [{"key": c.key, "op": c.op, "value": c.value} for c in item.condition.clauses]}
    return {
        "key": item.key, "type": item.type, "label": _text(item.label), "guidance": _text(item.guidance),
        "requirement": _text(item.requirement),
        "points": item.points if item.scored else 0, "severity": item.severity, "critical": item.critical,
        "cap_grade": item.cap_grade, "photo_on_fail": item.photo_on_fail,
        "attribute_to_staff": item.attribute_to_staff, "allow_na": item.allow_na, "required": item.required,
        "condition": condition, "reference_photo": item.reference_photo,
        "scale": {"max": item.scale_max, "labels": [_text(t) for t in item.scale_labels]}
        if item.type == "scale" else None,
        "options": [{"key": o.key, "label": _text(o.label), "points": o.points, "fail": o.fail}
                    for o in item.options],
        "multiple": item.multiple, "min": item.min, "max": item.max, "pass_min": item.pass_min,
        "pass_max": item.pass_max, "max_length": item.max_length, "min_photos": item.min_photos,
    }


def version_document(version: ChecklistVersion, checklist: Checklist) -> dict:
    return {
        **summary(version),
        "description": _text(checklist.description),
        "grades": [{"grade": g.grade, "min": g.min, "label": _text(g.label)} for g in checklist.grades],
        "sections": [{"key": s.key, "label": _text(s.label), "items": [item_document(i) for i in s.items]}
                     for s in checklist.sections],
    }


def template_document(template: ChecklistTemplate) -> dict:
    return {"id": template.id, "code": template.code, "kind": template.kind, "name": template.name,
            "name_en": template.name_en, "active": template.active,
            "versions": [summary(v) for v in template.versions]}
