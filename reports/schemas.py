"""Shapes of the reports API."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user
from marshmallow import fields, post_dump, validate

from core.clock import local_zone
from core.identifiers import UUID_TEXT
from core.permissions import can
from core.schemas import Schema
from inspections.kinds import kind_of

PERIOD_HELP = "YYYY-MM (a month) or YYYYQn (a quarter); default: the last complete one"
MONTH_HELP = "YYYY-MM; default: the last complete month"


class PeriodArgs(Schema):
    period = fields.String(load_default=None, metadata={"description": PERIOD_HELP})
    branch_id = fields.Integer(load_default=None)


class MonthArgs(Schema):
    month = fields.String(load_default=None, metadata={"description": MONTH_HELP})
    outlet_id = fields.Integer(load_default=None)


class ListQueryArgs(Schema):
    month = fields.String(load_default=None, metadata={"description": "YYYY-MM; default: every month"})


class RuleSchema(Schema):
    key = fields.String()
    value = fields.Float()
    default = fields.Float()
    low = fields.Float()
    high = fields.Float()
    integer = fields.Boolean()
    group = fields.String(metadata={"description": "scorecard, lists, league or bsc"})
    label = fields.String()


class RulesUpdateSchema(Schema):
    values = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True,
                         metadata={"description": "rule key → new value; rules not named keep theirs",
                                   "example": {"deduct_major": 4, "branch_black_count": 3}})


class SummarySchema(Schema):
    staff_id = fields.Integer()
    name = fields.String()
    employee_no = fields.String()
    position = fields.String()
    outlet_id = fields.Integer()
    outlet_code = fields.String()
    outlet_name = fields.String()
    evaluated = fields.Boolean()
    remote_checks = fields.Integer()
    remote_passed = fields.Integer()
    cycles_total = fields.Integer()
    cycles_covered = fields.Integer()
    cycle_failures = fields.Integer()
    findings = fields.Dict(keys=fields.String(), values=fields.Integer())
    service_errors = fields.Integer(metadata={"description": "service errors in the month's volumes report"})
    complaints = fields.Integer(metadata={"description": "upheld complaints attributed to the person, received "
                                                         "in the month"})
    pass_points = fields.Float()
    bonus = fields.Float()
    deductions = fields.Float()
    total = fields.Float()


class ScorecardListSchema(Schema):
    month = fields.String()
    base_points = fields.Float()
    staff = fields.List(fields.Nested(SummarySchema))


class LineSchema(Schema):
    at = fields.DateTime(allow_none=True)
    kind = fields.String(metadata={"description": "remote_pass, remote_fail, finding, service_error, "
                                                     "complaint or bonus"})
    points = fields.Float()
    inspection_uuid = fields.String(allow_none=True)
    inspection_kind = fields.String(allow_none=True)
    inspection_url = fields.Method("_inspection_url")
    finding_id = fields.Integer(allow_none=True)
    finding_url = fields.Method("_finding_url")
    title = fields.String()
    severity = fields.String(allow_none=True)
    finding_status = fields.String(allow_none=True)
    photos = fields.Integer()
    mystery_confirmed = fields.Boolean(allow_none=True)
    month = fields.Date(allow_none=True, metadata={"description": "a service_error line: the month (its first day)"})
    count = fields.Integer(allow_none=True, metadata={"description": "a service_error line: the month's errors"})
    complaint_id = fields.Integer(allow_none=True, metadata={"description": "a complaint line: the complaint "
                                                                            "(its number in title)"})
    category = fields.String(allow_none=True, metadata={"description": "a complaint line: its category"})

    def _inspection_url(self, line):
        return url_for("inspections_pages.inspection_page", uuid=line.inspection_uuid) if line.inspection_uuid else None

    def _finding_url(self, line):
        return url_for("rectification_pages.finding_page", ident=line.finding_id) if line.finding_id else None

    @post_dump(pass_original=True)
    def _mystery_day_only(self, data: dict, line, **kwargs) -> dict:
        """A mystery visit's time to the minute would single the shopper out (see identity.mystery):
        the people it names and their managers get its day, at local midnight."""
        if line.inspection_kind and kind_of(line.inspection_kind).secret_until_published and line.at is not None \
                and not can(current_user, "mystery.review"):
            data["at"] = line.at.astimezone(local_zone()).replace(hour=0, minute=0, second=0,
                                                                  microsecond=0).isoformat()
        return data


class ScorecardSchema(Schema):
    month = fields.String()
    base_points = fields.Float(attribute="base")
    total = fields.Float()
    staff = fields.Nested(SummarySchema, attribute="summary")
    lines = fields.List(fields.Nested(LineSchema))


class CoverageSchema(Schema):
    tellers = fields.Integer()
    cycles = fields.Integer()
    covered = fields.Integer()
    excused = fields.Integer(metadata={"description": "teller-cycles with a reason recorded (absent, on leave, "
                                                      "window closed) and no check: not expected"})
    missing = fields.Integer(metadata={"description": "expected checks not made"})
    expected = fields.Integer(metadata={"description": "tellers × cycles − excused"})
    percent = fields.Float(allow_none=True)


class ClosureSchema(Schema):
    total = fields.Integer()
    closed = fields.Integer()
    rate = fields.Float(allow_none=True)
    average_days = fields.Float(allow_none=True)
    outlet_late = fields.Integer(metadata={"description": "the outlet's lateness: still overdue, or answered "
                                                          "after the deadline"})
    verification_overdue = fields.Integer(metadata={"description": "not the outlet's: answers waiting for "
                                                                   "verification past their verification due date"})


class RankedRowSchema(Schema):
    """What a ranked row of any league table (an outlet's or a node's) shows: reports.rankings.Ranked."""
    score = fields.Float(allow_none=True)
    rank = fields.Integer(allow_none=True)
    previous_score = fields.Float(allow_none=True)
    previous_rank = fields.Integer(allow_none=True)
    rank_change = fields.Integer(allow_none=True, metadata={"description": "places gained since the previous period"})
    score_change = fields.Float(allow_none=True)
    inspections = fields.Integer()
    by_kind = fields.Method("_by_kind")
    coverage = fields.Nested(CoverageSchema)
    closure = fields.Nested(ClosureSchema)

    def _by_kind(self, row):
        return {kind: {"average": average, "inspections": count} for kind, (average, count) in row.by_kind.items()}


class LeagueRowSchema(RankedRowSchema):
    outlet_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    target_rank = fields.Integer()
    gap_points = fields.Float(allow_none=True, metadata={"description": "score points to the target rank's score"})
    places_to_target = fields.Integer(allow_none=True)


class LeagueSchema(Schema):
    period = fields.String()
    previous_period = fields.String()
    target_rank = fields.Integer()
    rows = fields.List(fields.Nested(LeagueRowSchema))


class LevelLeagueArgs(Schema):
    period = fields.String(load_default=None, metadata={"description": PERIOD_HELP})
    node_id = fields.Integer(load_default=None, metadata={"description": "a node of the bank's structure "
                                                                        "(/api/v1/branches); none: the whole bank"})


class NodeRefSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    level = fields.String()


class AreaLeagueSchema(LeagueSchema):
    node = fields.Nested(NodeRefSchema, allow_none=True)


class NodeLeagueRowSchema(RankedRowSchema):
    node_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    level = fields.String()
    outlets = fields.Integer(metadata={"description": "active outlets below the node"})
    own_outlets = fields.Boolean(metadata={"description": "the row of the outlets hung on the node asked for "
                                                          "itself, not on a node below it"})
    score = fields.Float(allow_none=True, metadata={"description": "weighted over the kinds of each kind's average "
                                                                   "over all the node's inspections of that kind"})


class NodeLeagueSchema(Schema):
    period = fields.String()
    previous_period = fields.String()
    node = fields.Nested(NodeRefSchema, allow_none=True)
    rows = fields.List(fields.Nested(NodeLeagueRowSchema))


class CoverageRowSchema(CoverageSchema):
    outlet_id = fields.Integer()
    code = fields.String()
    name = fields.String()


class CoverageListSchema(Schema):
    month = fields.String()
    rows = fields.List(fields.Nested(CoverageRowSchema), metadata={
        "description": "lowest coverage first, then most missing; outlets with nothing expected last"})


class EntrySchema(Schema):
    id = fields.Integer()
    staff_id = fields.Integer()
    staff_name = fields.String(attribute="staff.name")
    employee_no = fields.String(attribute="staff.employee_no")
    outlet_name = fields.String(attribute="staff.outlet.name")
    colour = fields.String(metadata={"description": "red, black, or held (awaiting an admin's confirmation)"})
    rank = fields.Integer(allow_none=True)
    points = fields.Float()
    reasons = fields.List(fields.String())
    appeal_note = fields.String()
    withdrawn = fields.Boolean()


class ServiceListSchema(Schema):
    id = fields.Integer()
    month = fields.String()
    scope = fields.String()
    branch_id = fields.Integer()
    outlet_id = fields.Integer(allow_none=True)
    outlet_name = fields.String(attribute="outlet.name", allow_none=True)
    status = fields.String()
    appeal_note = fields.String()
    rules = fields.Dict()
    computed_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    published_by = fields.String(attribute="published_by.display_name", allow_none=True)
    entries = fields.List(fields.Nested(EntrySchema))


class ListCreateSchema(Schema):
    month = fields.String(required=True, metadata={"description": "YYYY-MM"})
    scope = fields.String(required=True, validate=validate.OneOf(["branch", "outlet"]))
    outlet_id = fields.Integer(load_default=None)
    branch_id = fields.Integer(load_default=None)


class ListPatchSchema(Schema):
    appeal_note = fields.String(required=True, validate=validate.Length(0, 4000))


class EntryPatchSchema(Schema):
    appeal_note = fields.String(required=True, validate=validate.Length(0, 2000))
    withdrawn = fields.Boolean(load_default=False, metadata={"description": "the appeal is upheld"})


class ConfirmationInSchema(Schema):
    inspection_uuid = fields.String(required=True, validate=UUID_TEXT)
    staff_id = fields.Integer(required=True, strict=True)
    note = fields.String(load_default="", validate=validate.Length(0, 2000))


class ConfirmationSchema(Schema):
    id = fields.Integer()
    inspection_uuid = fields.String(attribute="inspection.uuid")
    staff_id = fields.Integer()
    note = fields.String()
    confirmed_by = fields.String(attribute="confirmed_by.display_name")
    confirmed_at = fields.DateTime()


class BscStaffSchema(Schema):
    staff_id = fields.Integer(attribute="summary.staff_id")
    employee_no = fields.String(attribute="summary.employee_no")
    name = fields.String(attribute="summary.name")
    outlet_code = fields.String(attribute="summary.outlet_code")
    deductions = fields.Float(attribute="summary.deductions")
    points = fields.Float()


class BscOutletSchema(Schema):
    outlet_id = fields.Integer(attribute="row.outlet_id")
    code = fields.String(attribute="row.code")
    name = fields.String(attribute="row.name")
    score = fields.Float(attribute="row.score", allow_none=True)
    closure_rate = fields.Float()
    points = fields.Float(allow_none=True)


class BscSchema(Schema):
    period = fields.String()
    max_points = fields.Float()
    staff = fields.List(fields.Nested(BscStaffSchema))
    outlets = fields.List(fields.Nested(BscOutletSchema))


class BscFileArgs(Schema):
    period = fields.String(load_default=None, metadata={"description": PERIOD_HELP})
    scope = fields.String(load_default="staff", validate=validate.OneOf(["staff", "outlet"]),
                          metadata={"description": "CSV only: staff or outlet rows"})
