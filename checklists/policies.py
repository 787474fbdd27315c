"""Who may use and who may change checklists."""
from __future__ import annotations

from core.permissions import Role, roles, rule
from org.models import User

# The kinds each role works with; mystery scenarios stay out of sight of inspectors and outlets.
KINDS_BY_ROLE = {
    Role.ADMIN.value: ("onsite", "7s", "remote", "mystery"),
    Role.VIEWER.value: ("onsite", "7s", "remote", "mystery"),
    Role.INSPECTOR.value: ("onsite", "7s"),
    Role.REMOTE_MONITOR.value: ("remote",),
    Role.MYSTERY_SHOPPER.value: ("mystery",),
    Role.OUTLET_MANAGER.value: ("onsite", "7s", "remote"),
}

rule("checklist.manage")(roles(Role.ADMIN))


def usable_kinds(user: User) -> tuple[str, ...]:
    return KINDS_BY_ROLE.get(user.role, ())


@rule("checklist.list")
def _may_list(user: User, obj=None) -> bool:
    return bool(usable_kinds(user))


@rule("checklist.use")
def _may_use(user: User, version=None) -> bool:
    if version is None:
        return False
    if version.status != "published" and user.role != Role.ADMIN.value:
        return False
    return version.template.kind in usable_kinds(user)
