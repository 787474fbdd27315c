"""Append-only audit log. Every operation records its state changes through record()."""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, overload

from flask import has_request_context, request
from sqlalchemy import JSON, String, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Model, utcnow
from core.extensions import db


class AuditEntry(Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # No foreign key: the log must outlive and never block changes to the users it names.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_name: Mapped[str] = mapped_column(String(80), default="system")
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(60), index=True)
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    before_hash: Mapped[str | None] = mapped_column(String(64))
    after_hash: Mapped[str | None] = mapped_column(String(64))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))


class AppendOnlyViolation(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_rewrites(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyViolation("audit entries are append-only")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return value


SECRET_FIELDS = {"password_hash", "token_hash"}


def snapshot(obj) -> dict:
    """Column values of a model instance as stored, JSON-safe, secrets replaced by a marker."""
    state = inspect(obj)
    if state.session is not None:
        # Flush first, so ids, defaults and onupdate values are the stored ones and an entry's
        # after_hash equals the before_hash of the next change to the same object.
        state.session.flush()
    mapper = state.mapper
    data = {}
    for column in mapper.column_attrs:
        value = getattr(obj, column.key)
        data[column.key] = "<secret>" if column.key in SECRET_FIELDS else _jsonable(value)
    return data


@overload
def content_hash(data: dict) -> str: ...


@overload
def content_hash(data: None) -> None: ...


def content_hash(data: dict | None) -> str | None:
    if data is None:
        return None
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _brief(value):
    """Documents (a checklist definition, a list of answers) are logged by hash, not copied whole."""
    if isinstance(value, (dict, list)):
        return f"sha256:{content_hash({'v': value})}"
    return value


def _diff(before: dict | None, after: dict | None) -> dict:
    before, after = before or {}, after or {}
    keys = sorted(set(before) | set(after))
    return {
        key: {"before": _brief(before.get(key)), "after": _brief(after.get(key))}
        for key in keys
        if before.get(key) != after.get(key) and key not in ("updated_at", *SECRET_FIELDS)
    }


def _entry(action: str, actor, before: dict | None, after: dict | None, object_type: str | None,
           object_id: str | None, details: dict | None) -> dict:
    changes = _diff(before, after)
    if details:
        changes["_details"] = details
    return {
        "actor_id": getattr(actor, "id", None),
        "actor_name": getattr(actor, "username", None) or "system",
        "action": action,
        "object_type": object_type or "-",
        "object_id": object_id,
        "before_hash": content_hash(before),
        "after_hash": content_hash(after),
        "changes": changes,
        "ip": request.remote_addr if has_request_context() else None,
    }


def record(action: str, obj=None, *, actor=None, before: dict | None = None,
           after: dict | None = None, object_type: str | None = None,
           object_id: str | None = None, details: dict | None = None) -> AuditEntry:
    """Add an audit entry to the current transaction; the caller's commit makes it durable."""
    if obj is not None:
        db.session.flush()
        object_type = object_type or obj.__tablename__
        object_id = object_id or str(inspect(obj).identity[0])
    entry = AuditEntry(**_entry(action, actor, before, after, object_type, object_id, details))
    db.session.add(entry)
    return entry


INSERT_ENTRY = insert(AuditEntry.__table__)


def record_now(action: str, *, object_type: str, object_id: str, actor=None, details: dict | None = None) -> None:
    """The entry record() would add, written at once by a statement built once: for the paths that
    run many times a minute (a submit) and name their object by id."""
    db.session.execute(INSERT_ENTRY, {"at": utcnow(), **_entry(action, actor, None, None, object_type, object_id,
                                                                details)})
