"""The configurable rule set behind scorecards, red/black lists, league tables and BSC points.

Every rule has a default here; a row in report_rule overrides it once an admin changes it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from core.extensions import db
from org.models import Branch
from reports.models import ReportRule


@dataclass(frozen=True)
class RuleSpec:
    key: str
    default: float
    low: float
    high: float
    integer: bool
    group: str
    label: object


RULES: tuple[RuleSpec, ...] = (
    RuleSpec("base_points", 100, 0, 1000, True, "scorecard", _l("Base points of every scorecard each month")),
    RuleSpec("remote_pass_points", 1, 0, 100, False, "scorecard", _l("Points for each passed remote check")),
    RuleSpec("deduct_minor", 1, 0, 100, False, "scorecard", _l("Points deducted per minor finding")),
    RuleSpec("deduct_major", 3, 0, 100, False, "scorecard", _l("Points deducted per major finding")),
    RuleSpec("deduct_critical", 10, 0, 100, False, "scorecard", _l("Points deducted per critical finding")),
    RuleSpec("deduct_service_error", 0.5, 0, 100, False, "scorecard",
             _l("Points deducted per service error in the month's volumes report")),
    RuleSpec("deduct_complaint", 3, 0, 100, False, "scorecard",
             _l("Points deducted per upheld complaint attributed to the person")),
    RuleSpec("clean_cycle_bonus", 5, 0, 100, False, "scorecard",
             _l("Bonus for a clean month: checked in every remote cycle, no finding")),
    RuleSpec("outlet_red_count", 1, 0, 50, True, "lists", _l("Red list places per outlet (top N)")),
    RuleSpec("outlet_black_count", 1, 0, 50, True, "lists", _l("Black list places per outlet (bottom N)")),
    RuleSpec("branch_red_count", 5, 0, 500, True, "lists", _l("Red list places branch-wide (top N)")),
    RuleSpec("branch_black_count", 5, 0, 500, True, "lists", _l("Black list places branch-wide (bottom N)")),
    RuleSpec("critical_means_black", 1, 0, 1, True, "lists", _l("Any critical finding puts the person on the black list")),
    RuleSpec("mystery_black_needs_confirmation", 1, 0, 1, True, "lists",
             _l("A single mystery visit needs an admin's confirmation before it can black-list anyone")),
    RuleSpec("target_rank", 3, 1, 1000, True, "league", _l("Target rank of every outlet in the league table")),
    RuleSpec("weight_onsite", 35, 0, 100, False, "league", _l("Weight of on-site inspections in the outlet score")),
    RuleSpec("weight_7s", 20, 0, 100, False, "league", _l("Weight of 7S inspections in the outlet score")),
    RuleSpec("weight_remote", 25, 0, 100, False, "league", _l("Weight of remote checks in the outlet score")),
    RuleSpec("weight_mystery", 20, 0, 100, False, "league", _l("Weight of mystery visits in the outlet score")),
    RuleSpec("bsc_points_per_deduction", 0.1, 0, 4, False, "bsc",
             _l("BSC points a staff member loses per scorecard point deducted (of 4)")),
    RuleSpec("bsc_outlet_closure_weight", 0.2, 0, 1, False, "bsc",
             _l("Share of an outlet's BSC points that comes from its rectification closure rate")),
)
SPECS = {spec.key: spec for spec in RULES}
GROUPS = ("scorecard", "lists", "league", "bsc")
KINDS = ("onsite", "7s", "remote", "mystery")


def is_yes_no(spec: RuleSpec) -> bool:
    return spec.integer and spec.low == 0 and spec.high == 1


def rule_label(key: str) -> str:
    spec = SPECS.get(key)
    return str(spec.label) if spec else key


def rule_value(key: str, value: float) -> str:
    """A rule's value as a person reads it: yes or no, a whole number without ".0", else as few digits as needed."""
    spec = SPECS.get(key)
    if spec is not None and is_yes_no(spec):
        return _("Yes") if value else _("No")
    return f"{round(float(value), 4):g}"


def _chain(path: str | None) -> list[int | None]:
    """The nodes whose values hold below a node, from the whole bank's down to the node's own."""
    return [None] + ([int(part) for part in path.strip("/").split("/") if part] if path else [])


def _resolved(rows, chain: list[int | None]) -> dict[str, float]:
    values = {spec.key: float(spec.default) for spec in RULES}
    order = {node_id: position for position, node_id in enumerate(chain)}
    for key, value, node_id in sorted((row for row in rows if row[2] in order), key=lambda row: order[row[2]]):
        if key in values:
            values[key] = float(value)
    return values


def current(node=None) -> dict[str, float]:
    """Every rule's value for what lies below the node (none: the whole bank): the defaults, the whole bank's
    values over them, then each node's from the top down to this one."""
    chain = _chain(node.path if node is not None else None)
    rows = db.session.execute(select(ReportRule.key, ReportRule.value, ReportRule.node_id).where(
        or_(ReportRule.node_id.is_(None), ReportRule.node_id.in_([n for n in chain if n is not None])))).all()
    return _resolved(rows, chain)


def by_branch() -> Callable[[int], dict[str, float]]:
    """The rule set of each node, read once: a province's scorecards settle each person by the rules that hold
    where the person works."""
    rows = db.session.execute(select(ReportRule.key, ReportRule.value, ReportRule.node_id)).all()
    if all(node_id is None for _, _, node_id in rows):
        whole_bank = _resolved(rows, [None])
        return lambda branch_id: whole_bank
    paths = dict(db.session.execute(select(Branch.id, Branch.path)).all())
    cache: dict[int, dict[str, float]] = {}

    def values_of(branch_id: int) -> dict[str, float]:
        if branch_id not in cache:
            cache[branch_id] = _resolved(rows, _chain(paths.get(branch_id)))
        return cache[branch_id]
    return values_of


def own_values(node_id: int | None) -> dict[str, float]:
    """The values set at the node itself (none: the whole bank's)."""
    condition = ReportRule.node_id.is_(None) if node_id is None else ReportRule.node_id == node_id
    return {key: float(value) for key, value in db.session.execute(
        select(ReportRule.key, ReportRule.value).where(condition))}


def kind_weights(values: dict[str, float]) -> dict[str, float]:
    return {kind: values[f"weight_{kind}"] for kind in KINDS}


def validation_errors(changes: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key, value in changes.items():
        spec = SPECS.get(key)
        if spec is None:
            errors[key] = [_("No such rule.")]
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors[key] = [_("Enter a number.")]
        elif not spec.low <= value <= spec.high:
            errors[key] = [_("Must be between %(low)s and %(high)s.", low=f"{spec.low:g}", high=f"{spec.high:g}")]
        elif spec.integer and float(value) != int(value):
            errors[key] = [_("Enter a whole number.")]
    return errors
