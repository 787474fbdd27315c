"""The quarterly pack (季度服务质量分析会材料): the one PDF the service leadership group reads at its
quarterly service-quality analysis meeting. The top layer: it reads every domain and no domain reads it."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from quarterly import policies, views  # noqa: F401  (the permission rule)

    app.register_blueprint(views.blp)
