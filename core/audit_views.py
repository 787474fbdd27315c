"""Admin page to browse and filter the audit log."""
from __future__ import annotations

from datetime import UTC, datetime, time
from urllib.parse import urlencode

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.extensions import db
from core.permissions import authorize

blp = Blueprint("audit", __name__)
PAGE_SIZE = 50


@blp.app_template_filter("urlencode_page")
def _urlencode_page(args, page: int) -> str:
    params = {key: value for key, value in args.items() if key != "page" and value}
    params["page"] = page
    return urlencode(params)


def _day(value: str, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


@blp.get("/admin/audit/")
@login_required
def audit_log():
    authorize("audit.view")
    args = request.args
    query = select(AuditEntry)
    if args.get("actor"):
        query = query.where(AuditEntry.actor_name == args["actor"].strip())
    if args.get("action"):
        query = query.where(AuditEntry.action.startswith(args["action"].strip()))
    if args.get("object_type"):
        query = query.where(AuditEntry.object_type == args["object_type"].strip())
    if args.get("object_id"):
        query = query.where(AuditEntry.object_id == args["object_id"].strip())
    if args.get("since") and _day(args["since"]):
        query = query.where(AuditEntry.at >= _day(args["since"]))
    if args.get("until") and _day(args["until"], end=True):
        query = query.where(AuditEntry.at <= _day(args["until"], end=True))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = max(1, args.get("page", 1, type=int))
    entries = db.session.execute(
        query.order_by(AuditEntry.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).scalars().all()
    object_types = db.session.execute(select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)).scalars().all()
    return render_template("core/audit.html", entries=entries, total=total, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), args=args, object_types=object_types)
