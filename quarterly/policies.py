"""The pack is for leadership: admin and viewer read it, as they read the analysis it contains and the
survey results; every other role is refused."""
from __future__ import annotations

from core.permissions import Role, roles, rule

rule("quarterly.pack")(roles(Role.ADMIN, Role.VIEWER))
