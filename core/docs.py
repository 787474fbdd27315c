"""Swagger UI's files served from the installed swagger-ui-bundle package: no CDN needed."""
from flask import Blueprint, abort, send_from_directory
from swagger_ui_bundle import swagger_ui_path

blp = Blueprint("api_docs_assets", __name__)

ALLOWED = {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}


@blp.get("/api/docs/assets/<name>")
def asset(name: str):
    if name not in ALLOWED:
        abort(404)
    return send_from_directory(swagger_ui_path, name, max_age=86400)
