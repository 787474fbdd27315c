"""The pack is for leadership: admin and viewer read it, as they read the analysis it contains and the
survey results; every other role is refused."""
from __future__ import annotations

from core.permissions import Role, rule, tree_wide

rule("quarterly.pack")(tree_wide(Role.ADMIN, Role.VIEWER))
