"""The rectification loop: findings, numbered notices, outlets' responses, verification, overdue tracking."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from core.extensions import register_api
    from inspections.events import failures_published
    from rectification import api, cli, findings, policies, views  # noqa: F401  (permission rules)

    failures_published.connect(findings.open_findings)
    register_api(api.blp)
    app.register_blueprint(views.blp)
    cli.init_app(app)
