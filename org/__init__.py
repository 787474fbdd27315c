"""The organisation: branches, outlets, counters, staff, vendors, users and logging in.

Importing this package must import nothing: Python's pickle probes for Jython's `org.python.core`, and
would find this package half-way through importing Flask."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from core.extensions import register_api
    from org import api, auth_api, cli, policies, seed, views  # noqa: F401  (permission rules, demo step)

    register_api(auth_api.blp, *api.BLUEPRINTS)
    app.register_blueprint(views.blp)
    views.init_app(app)
    cli.init_app(app)
