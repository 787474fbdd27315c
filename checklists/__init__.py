"""Checklist templates and their published versions, import and export, and the scoring engine."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from checklists import answers_shown, api, policies, seed, views  # noqa: F401  (permission rules, demo step)
    from core.extensions import register_api

    register_api(api.blp)
    app.register_blueprint(views.blp)
    app.add_template_global(answers_shown.answer_text)
