"""Words and numbers as the report pages show them, in the reader's language."""
from __future__ import annotations

from flask_babel import gettext as _

from checklists.kinds import kind_name
from complaints.labels import CATEGORIES
from complaints.labels import label as complaint_label
from org.forms import CHOICE_LABELS
from reports import dashboards, periods, rules


def reason_label(code: str) -> str:
    name = code.partition(":")[0]
    if name == "top_rank":
        return _("Top of the month's ranking")
    if name == "bottom_rank":
        return _("Bottom of the month's ranking, with points deducted")
    if name == "critical_finding":
        return _("Critical finding")
    if name == "service_errors":
        return _("Service errors in the month: %(count)s", count=code.partition(":")[2])
    if name == "complaints":
        return _("Upheld complaints in the month: %(count)s", count=code.partition(":")[2])
    if name == "awaiting_confirmation":
        return _("Only one unconfirmed mystery visit: waits for an admin's confirmation")
    return code


def colour_label(colour: str) -> str:
    return {"red": _("Red list"), "black": _("Black list"), "held": _("Held")}.get(colour, colour)


def line_label(line) -> str:
    if line.kind == "remote_pass":
        return _("Remote check passed")
    if line.kind == "remote_fail":
        return _("Remote check with findings (no points)")
    if line.kind == "service_error":
        return _("Service errors in the month: %(count)s", count=line.count)
    if line.kind == "complaint":
        return _("Upheld complaint %(number)s (%(category)s)", number=line.title,
                 category=complaint_label(CATEGORIES, line.category))
    if line.kind == "bonus":
        return _("Clean month: checked in every remote cycle, no finding")
    return line.title


def number(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    rounded = round(float(value), digits)
    return f"{rounded:.{digits}f}" if digits else f"{rounded:.0f}"


def signed(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + number(value, digits)


def template_helpers() -> dict:
    return {
        "reason_label": reason_label, "colour_label": colour_label, "line_label": line_label,
        "kind_label": kind_name, "period_label": dashboards.month_label, "num": number, "signed": signed,
        "rule_label": rules.rule_label, "rule_value": rules.rule_value,
        "position_label": lambda value: str(CHOICE_LABELS.get(value, value)),
        "last_complete_month": periods.last_complete_month, "last_complete_quarter": periods.last_complete_quarter,
    }
