"""Reports: scorecards, red/black lists, league tables, BSC export, dashboards and the quarterly analysis."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from core.extensions import register_api
    from reports import api as reports_api
    from reports import cli, history, policies, rollups, views  # noqa: F401  (the seed-demo step, the permission rules)

    register_api(reports_api.blp)
    app.register_blueprint(views.blp)
    cli.init_app(app)
    rollups.init_app()
