"""Plans, assignments and inspections: the sync API, photo evidence, the remote desk, the kinds of inspection."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from core.extensions import register_api
    from inspections import api, cli, desk, policies, seed, views  # noqa: F401  (permission rules, demo step)

    register_api(api.blp)
    for blueprint in (views.blp, desk.blp):
        app.register_blueprint(blueprint)
    cli.init_app(app)
