"""Plans, assignments and inspections: the sync API, photo evidence, the remote desk, mystery visits."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from core.extensions import register_api
    from inspections import api, cli, desk, mystery_api, mystery_views, policies, seed, views  # noqa: F401

    register_api(api.blp, mystery_api.blp)
    for blueprint in (views.blp, desk.blp, mystery_views.blp):
        app.register_blueprint(blueprint)
    cli.init_app(app)
