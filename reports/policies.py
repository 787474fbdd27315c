"""Who may see which report. Leadership (admin, viewer) sees everything; inspectors the league tables;
an outlet manager only the own outlet's league position, its staff's scorecards and its published
lists; the remote monitor only the cycle coverage; the mystery shopper nothing. Only an admin changes
rules, confirms mystery evidence or signs off a list."""
from __future__ import annotations

from core.permissions import Role, roles, rule, tree_wide
from org.models import User
from org.scope import outlet_id_list
from reports.models import ServiceList

ADMIN, VIEWER, INSPECTOR = Role.ADMIN.value, Role.VIEWER.value, Role.INSPECTOR.value
MONITOR, OUTLET = Role.REMOTE_MONITOR.value, Role.OUTLET_MANAGER.value
LEADERSHIP = {ADMIN, VIEWER}

rule("report.dashboard")(roles(Role.ADMIN, Role.VIEWER))
rule("report.analysis")(tree_wide(Role.ADMIN, Role.VIEWER))
rule("report.bsc")(tree_wide(Role.ADMIN, Role.VIEWER))
rule("report.rules.view")(roles(Role.ADMIN, Role.VIEWER))
rule("report.rules.manage")(roles(Role.ADMIN))
rule("report.lists.manage")(tree_wide(Role.ADMIN))
rule("report.mystery.confirm")(tree_wide(Role.ADMIN))
rule("report.scorecards")(roles(Role.ADMIN, Role.VIEWER, Role.OUTLET_MANAGER))
rule("report.league")(roles(Role.ADMIN, Role.VIEWER, Role.INSPECTOR, Role.OUTLET_MANAGER))
rule("report.league.all")(roles(Role.ADMIN, Role.VIEWER, Role.INSPECTOR))
rule("report.coverage")(roles(Role.ADMIN, Role.VIEWER, Role.INSPECTOR, Role.REMOTE_MONITOR, Role.OUTLET_MANAGER))
rule("report.lists")(roles(Role.ADMIN, Role.VIEWER, Role.OUTLET_MANAGER))
# Held people and upheld appeals stay with leadership; others see a published list as it stands.
rule("report.list.all_entries")(roles(Role.ADMIN, Role.VIEWER))


@rule("report.scorecard.view")
def _may_view_scorecard(user: User, staff=None) -> bool:
    if user.role in LEADERSHIP:
        return True
    return user.role == OUTLET and staff is not None and staff.outlet_id == user.outlet_id


@rule("report.list.view")
def _may_view_list(user: User, service_list: ServiceList | None = None) -> bool:
    if service_list is None:
        return False
    if user.role in LEADERSHIP:
        return True
    return (user.role == OUTLET and service_list.is_published and service_list.scope == "outlet"
            and service_list.outlet_id == user.outlet_id)


def outlet_scope(user: User) -> list[int] | None:
    """The outlets whose people a user may see in reports: None means all of them."""
    return outlet_id_list(user)
