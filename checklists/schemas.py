"""Shapes of checklists in the API."""
from __future__ import annotations

from marshmallow import fields, validate

from checklists.definition import KINDS
from core.schemas import Schema


class TextSchema(Schema):
    zh = fields.String()
    en = fields.String()


class VersionSummarySchema(Schema):
    id = fields.Integer()
    template_id = fields.Integer()
    code = fields.String()
    kind = fields.String()
    name = fields.Nested(TextSchema)
    version = fields.Integer()
    status = fields.String()
    item_count = fields.Integer()
    content_hash = fields.String()
    published_at = fields.DateTime(allow_none=True)


class ConditionSchema(Schema):
    text = fields.String()
    any_of = fields.Boolean(metadata={"description": "true: any clause suffices (or); false: all (and)"})
    clauses = fields.List(fields.Dict(), metadata={"description": "[{key, op, value}]"})


class OptionSchema(Schema):
    key = fields.String()
    label = fields.Nested(TextSchema)
    points = fields.Float()
    fail = fields.Boolean()


class ItemSchema(Schema):
    key = fields.String()
    type = fields.String()
    label = fields.Nested(TextSchema)
    guidance = fields.Nested(TextSchema, allow_none=True, metadata={"description": "for the inspector"})
    requirement = fields.Nested(TextSchema, allow_none=True, metadata={
        "description": "整改要求: what the outlet must do when the item fails; when absent, the finding's "
                       "requirement is worded from the label"})
    points = fields.Float()
    severity = fields.String()
    critical = fields.String()
    cap_grade = fields.String(allow_none=True)
    photo_on_fail = fields.Boolean()
    attribute_to_staff = fields.Boolean()
    allow_na = fields.Boolean()
    required = fields.Boolean()
    condition = fields.Nested(ConditionSchema, allow_none=True)
    reference_photo = fields.String(allow_none=True)
    scale = fields.Dict(allow_none=True)
    options = fields.List(fields.Nested(OptionSchema))
    multiple = fields.Boolean()
    min = fields.Float(allow_none=True)
    max = fields.Float(allow_none=True)
    pass_min = fields.Float(allow_none=True)
    pass_max = fields.Float(allow_none=True)
    max_length = fields.Integer()
    min_photos = fields.Integer()


class SectionSchema(Schema):
    key = fields.String()
    label = fields.Nested(TextSchema)
    items = fields.List(fields.Nested(ItemSchema))


class GradeSchema(Schema):
    grade = fields.String()
    min = fields.Float()
    label = fields.Nested(TextSchema)


class VersionSchema(VersionSummarySchema):
    description = fields.Nested(TextSchema, allow_none=True)
    grades = fields.List(fields.Nested(GradeSchema))
    sections = fields.List(fields.Nested(SectionSchema))


class TemplateSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    kind = fields.String()
    name = fields.String()
    name_en = fields.String()
    active = fields.Boolean()
    versions = fields.List(fields.Nested(VersionSummarySchema))


class ChecklistQuerySchema(Schema):
    kind = fields.String(validate=validate.OneOf(KINDS))


class ExportQuerySchema(Schema):
    format = fields.String(load_default="yaml", validate=validate.OneOf(["yaml", "json", "xlsx"]))


class UploadSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
