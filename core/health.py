"""Liveness with a real database round trip, for load balancers and monitoring."""
from flask import Blueprint, jsonify
from sqlalchemy import text

from core.extensions import db

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except Exception as error:  # noqa: BLE001  (any driver error means the database is unusable)
        db.session.rollback()
        return jsonify(status="error", database=f"unreachable: {type(error).__name__}"), 503
    return jsonify(status="ok", database="ok")
