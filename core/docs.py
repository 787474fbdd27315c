"""Swagger UI's files served from the installed swagger-ui-bundle package: no CDN needed. Its start
script is a file of ours (templates/swagger_ui.html replaces flask-smorest's inline script)."""
from pathlib import Path

from flask import Blueprint, abort, send_from_directory
from swagger_ui_bundle import swagger_ui_path

blp = Blueprint("api_docs_assets", __name__)

ALLOWED = {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}
STATIC_JS = Path(__file__).resolve().parent.parent / "static" / "js"


@blp.get("/api/docs/assets/<name>")
def asset(name: str):
    if name == "init.js":
        return send_from_directory(STATIC_JS, "swagger-init.js", max_age=3600)
    if name not in ALLOWED:
        abort(404)
    return send_from_directory(swagger_ui_path, name, max_age=86400)
