"""Customer satisfaction (客户满意度测评): the periodic survey results by client segment, imported by the
admin and shown to leadership against the target rank in the system."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from core.extensions import register_api
    from satisfaction import api, policies, seed, views  # noqa: F401  (the permission rules, the demo step)

    register_api(api.blp)
    app.register_blueprint(views.blp)
