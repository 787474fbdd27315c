"""The complaint ledger (投诉台账): financial-consumer complaints recorded by the outlets and the sub-branch in
two levels, handled by the A/B contacts within deadlines in working days, closed after the customer is called
back, and counted for the quarterly meeting and the staff scorecards."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from complaints import api, cli, export_views, models, policies, seed, views  # noqa: F401  (tables, rules, demo)
    from core.extensions import register_api

    register_api(api.blp)
    app.register_blueprint(views.blp)
    cli.init_app(app)
    app.register_blueprint(export_views.blp)
