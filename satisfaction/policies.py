"""Survey results are for leadership: admin and viewer read them; only the admin imports them."""
from __future__ import annotations

from core.permissions import Role, roles, rule

rule("satisfaction.view")(roles(Role.ADMIN, Role.VIEWER))
rule("satisfaction.import")(roles(Role.ADMIN))
