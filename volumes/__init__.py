"""Business volume and service errors per teller: the core banking system's monthly report, imported by the
admin, published each month within and across outlets."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from core.extensions import register_api
    from volumes import api, policies, seed, views  # noqa: F401  (permission rules, demo step)

    register_api(api.blp)
    app.register_blueprint(views.blp)
