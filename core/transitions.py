"""State changes that exactly one of several concurrent requests may make.

Each is an UPDATE ... WHERE status = :expected whose row count tells whether this request won: a
row lock taken by SELECT ... FOR UPDATE would do on PostgreSQL, but SQLite has no such lock, and a
request there may read the row before another request's change is committed."""
from __future__ import annotations

from sqlalchemy import inspect, update
from sqlalchemy.orm.attributes import set_committed_value

from core.db import rowcount
from core.errors import Conflict
from core.extensions import db


def move(obj, expected: str | tuple[str, ...], conflict: str, *, column: str = "status", guard=(),
         problem: str = "stale_version", **values) -> None:
    """Apply `values` (plain values) to obj's row only if its `column` still holds `expected` (and the
    `guard` conditions hold); else raise Conflict (409) with the `conflict` message and `problem` code and
    write nothing.
    The loaded object then says what the row says."""
    model = type(obj)
    allowed = (expected,) if isinstance(expected, str) else tuple(expected)
    statement = update(model).where(model.id == obj.id, getattr(model, column).in_(allowed), *guard).values(**values) \
        .execution_options(synchronize_session=False)
    if rowcount(db.session.execute(statement)) != 1:
        raise Conflict(conflict, problem=problem)
    for name, value in values.items():
        set_committed_value(obj, name, value)
    if "updated_at" in inspect(model).column_attrs:
        db.session.expire(obj, ["updated_at"])  # set by the database: read again when next needed
