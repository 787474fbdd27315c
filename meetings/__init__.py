"""The service leadership group's quarterly service-quality analysis meeting (服务质量分析会): its record
(会议纪要) and its action items (督办事项), each tracked to closure by its owner like a finding."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from core.extensions import register_api
    from meetings import api, policies, seed, views  # noqa: F401  (the permission rules, the demo step)

    register_api(api.blp)
    app.register_blueprint(views.blp)
