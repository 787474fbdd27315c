"""The organisation: branches, outlets, counters, staff, vendors, users and logging in.

Importing this package must import nothing: Python's pickle probes for Jython's `org.python.core`, and
would find this package half-way through importing Flask."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from core.extensions import register_api
    from org import api, auth_api, cli, hierarchy_api, hierarchy_views, policies, seed, views  # noqa: F401

    register_api(auth_api.blp, *api.BLUEPRINTS, hierarchy_api.blp)
    app.register_blueprint(views.blp)
    app.register_blueprint(hierarchy_views.blp)
    views.init_app(app)
    cli.init_app(app)
