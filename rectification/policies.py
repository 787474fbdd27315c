"""Who may see findings and notices, answer them, and verify the answers."""
from __future__ import annotations

from sqlalchemy import Select, false

from core.permissions import Role, roles, rule
from org.models import User
from org.scope import narrow
from rectification.models import Finding, Notice

BANK_READERS = {Role.ADMIN.value, Role.VIEWER.value, Role.INSPECTOR.value, Role.REMOTE_MONITOR.value}

# Closure rates of every outlet, month by month, are the bank's figures, not an outlet's.
rule("finding.figures")(roles(Role.ADMIN, Role.VIEWER, Role.INSPECTOR))


@rule("finding.list")
def _may_list(user: User, obj=None) -> bool:
    return user.role in BANK_READERS or user.role == Role.OUTLET_MANAGER.value


@rule("finding.view")
def _may_view(user: User, finding: Finding | None = None) -> bool:
    if finding is None:
        return False
    if not finding.published:
        return user.role == Role.ADMIN.value
    if user.role in BANK_READERS:
        return True
    return user.role == Role.OUTLET_MANAGER.value and finding.outlet_id == user.outlet_id


@rule("finding.respond")
def _may_respond(user: User, finding: Finding | None = None) -> bool:
    if finding is None or not finding.published:
        return False
    if user.role == Role.ADMIN.value:
        return True
    return user.role == Role.OUTLET_MANAGER.value and finding.outlet_id == user.outlet_id


@rule("finding.verify")
def _may_verify(user: User, finding: Finding | None = None) -> bool:
    return finding is not None and finding.published and user.role in (Role.ADMIN.value, Role.INSPECTOR.value)


def visible_findings(user: User, query: Select) -> Select:
    query = narrow(user, query, Finding.outlet_id)
    if user.role == Role.ADMIN.value:
        return query
    query = query.where(Finding.published.is_(True))
    if user.role in BANK_READERS:
        return query
    if user.role == Role.OUTLET_MANAGER.value:
        return query.where(Finding.outlet_id == user.outlet_id)
    return query.where(false())


def visible_notices(user: User, query: Select) -> Select:
    """The bank sees every notice (each still checked against its inspection); an outlet its own."""
    query = narrow(user, query, Notice.outlet_id)
    if user.role in BANK_READERS:
        return query
    if user.role == Role.OUTLET_MANAGER.value:
        return query.where(Notice.outlet_id == user.outlet_id)
    return query.where(false())
