"""Survey results are for leadership: admin and viewer read them; only the admin imports them."""
from __future__ import annotations

from core.permissions import Role, rule, tree_wide

rule("satisfaction.view")(tree_wide(Role.ADMIN, Role.VIEWER))
rule("satisfaction.import")(tree_wide(Role.ADMIN))
