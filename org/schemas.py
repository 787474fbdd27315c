"""Input and output shapes of the organisation, shared by the API and the admin forms."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from core.permissions import ALL_ROLES
from core.schemas import Schema
from org.models import COUNTER_KINDS, POSITIONS

CODE = validate.Regexp(r"^[A-Za-z0-9_-]{1,20}$", error=_l("Use 1-20 letters, digits, '-' or '_'."))


class StrictSchema(Schema):
    """Unknown fields are refused (marshmallow's default RAISE)."""


class Text(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        return result.strip()


class BranchSchema(StrictSchema):
    """A node of the bank's tree. A PATCH naming parent_id moves it (with everything below); null: to the top."""
    id = fields.Integer(dump_only=True)
    code = Text(required=True, validate=CODE)
    name = Text(required=True, validate=validate.Length(1, 100))
    name_en = Text(load_default="", validate=validate.Length(0, 100))
    notice_prefix = Text(load_default="", validate=validate.Length(0, 40))
    level = fields.String(validate=validate.Length(1, 20),
                          metadata={"description": "A key of the configured levels (ORG_LEVELS); by default "
                                                   "head_office, province, city or sub_branch (the lowest)."})
    parent_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    path = fields.String(dump_only=True, metadata={"description": "The ids from the top down to this node."})


class BranchListArgsSchema(StrictSchema):
    parent_id = fields.Integer(strict=False)
    level = fields.String(validate=validate.Length(1, 20))


class OutletSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    branch_id = fields.Integer(required=True, strict=True)
    code = Text(required=True, validate=CODE)
    name = Text(required=True, validate=validate.Length(1, 100))
    address = Text(load_default="", validate=validate.Length(0, 200))
    latitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))
    active = fields.Boolean(dump_only=True)


class CounterSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    outlet_id = fields.Integer(required=True, strict=True)
    number = fields.Integer(required=True, strict=True, validate=validate.Range(1, 999))
    kind = fields.String(required=True, validate=validate.OneOf(COUNTER_KINDS))
    label = Text(load_default="", validate=validate.Length(0, 60))
    active = fields.Boolean(dump_only=True)


class StaffSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    outlet_id = fields.Integer(required=True, strict=True)
    employee_no = Text(required=True, validate=CODE)
    name = Text(required=True, validate=validate.Length(1, 60))
    position = fields.String(required=True, validate=validate.OneOf(POSITIONS))
    counter_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    active = fields.Boolean(dump_only=True)


class VendorSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    code = Text(required=True, validate=CODE)
    name = Text(required=True, validate=validate.Length(1, 100))
    node_id = fields.Integer(dump_only=True, allow_none=True,
                             metadata={"description": "the node it is set at (none: the whole bank)"})
    contact = Text(load_default="", validate=validate.Length(0, 100))
    active = fields.Boolean(dump_only=True)


class UserSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    username = Text(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9_.-]{3,40}$", error=_l("Use 3-40 letters, digits, '.', '-' or '_'.")))
    display_name = Text(load_default="", validate=validate.Length(0, 60))
    email = Text(load_default="", validate=[validate.Length(0, 120), validate.Regexp(
        r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$", error=_l("Not a valid email address."))])
    role = fields.String(required=True, validate=validate.OneOf(ALL_ROLES))
    outlet_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    vendor_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    scope_node_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    locale = fields.String(load_default="zh", validate=validate.OneOf(["zh", "en"]))
    password = fields.String(load_only=True, validate=validate.Length(8, 128))
    active = fields.Boolean(dump_only=True)

    @validates_schema
    def _scope_matches_role(self, data, **kwargs):
        role = data.get("role")
        if role == "outlet_manager" and not data.get("outlet_id"):
            raise ValidationError(_("An outlet manager must be bound to an outlet."), "outlet_id")
        if role == "mystery_shopper" and not data.get("vendor_id"):
            raise ValidationError(_("A mystery shopper must be bound to a vendor."), "vendor_id")


class UserPublicSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    outlet_id = fields.Integer(allow_none=True)
    vendor_id = fields.Integer(allow_none=True)
    locale = fields.String()


class TokenRequestSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(1, 80))
    password = fields.String(required=True, validate=validate.Length(1, 128))
    label = fields.String(load_default="", validate=validate.Length(0, 80))


class TokenSchema(Schema):
    token = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(UserPublicSchema)


class PasswordChangeSchema(StrictSchema):
    current_password = fields.String(required=True, validate=validate.Length(1, 128))
    new_password = fields.String(required=True, validate=validate.Length(8, 128))


class ListArgsSchema(StrictSchema):
    outlet_id = fields.Integer(strict=False)
    include_inactive = fields.Boolean(load_default=False)
