"""The one place that answers "may this user do this to this object".

Each domain registers its rules with @rule("action") in its policies.py; views and API handlers
call authorize() and never test roles themselves.
"""
from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user


class Role(str, Enum):
    ADMIN = "admin"
    INSPECTOR = "inspector"
    REMOTE_MONITOR = "remote_monitor"
    MYSTERY_SHOPPER = "mystery_shopper"
    OUTLET_MANAGER = "outlet_manager"
    VIEWER = "viewer"


ALL_ROLES = tuple(role.value for role in Role)

Rule = Callable[..., bool]
_rules: dict[str, Rule] = {}


def rule(action: str):
    def register(func: Rule) -> Rule:
        if action in _rules and _rules[action] is not func:
            raise RuntimeError(f"rule {action!r} registered twice")
        _rules[action] = func
        return func

    return register


def roles(*allowed: Role) -> Rule:
    """A rule that depends only on the user's role."""
    names = {role.value for role in allowed}
    return lambda user, obj=None: user.role in names


def tree_wide(*allowed: Role) -> Rule:
    """A rule for what covers the whole bank (its rules, its meeting, its survey results, the audit log):
    the role's, unless the user is bound to one node of the bank's tree."""
    names = {role.value for role in allowed}
    return lambda user, obj=None: user.role in names and getattr(user, "scope_node_id", None) is None


def can(user, action: str, obj=None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    try:
        check = _rules[action]
    except KeyError:
        raise RuntimeError(f"no rule for action {action!r}") from None
    return bool(check(user, obj)) and (obj is None or _within_scope is None or _within_scope(user, obj))


_within_scope: Callable[..., bool] | None = None


def scope_rule(check: Callable[..., bool]) -> Callable[..., bool]:
    """The one check of where an object lies (org.scope.reaches), applied after every object rule:
    a user bound to a node of the bank's tree is refused whatever lies beside it."""
    global _within_scope
    _within_scope = check
    return check


# The same words whether an object is missing or hidden, so that neither can be told from the other.
CONCEALED = _l("No such object, or it is not yours to see.")


def require_login(user=None) -> None:
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        abort(401, description=_("Log in first: send a valid bearer token or session."))


def authorize(action: str, obj=None, *, conceal: bool = False, user=None) -> None:
    """Abort with 401 (anonymous), 404 (when existence itself is secret) or 403."""
    user = current_user if user is None else user
    require_login(user)
    if not can(user, action, obj):
        if conceal:
            abort(404, description=str(CONCEALED))
        abort(403, description=_("Your role may not do this."))
