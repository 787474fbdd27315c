"""Declarative base, naming convention and connection pragmas shared by every domain."""
from __future__ import annotations

import fcntl
import itertools
import os
import sqlite3
import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar, cast

from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.model import Model as FlaskSQLAlchemyModel
from sqlalchemy import DateTime, MetaData, Table, event
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware UTC datetimes; SQLite drops the zone, so it is put back on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC datetime is required")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )
    if TYPE_CHECKING:
        # Every model names its __tablename__, so each is mapped to a Table (never a join or a select).
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # db.Model is a class built at run time from Flask-SQLAlchemy's mixins and the declarative base,
    # which a type checker cannot follow; this is the same class as the checker can see it.
    class Model(FlaskSQLAlchemyModel, Base):
        pass
else:
    Model = db.Model


def rowcount(result: Result) -> int:
    """The rows an UPDATE or DELETE matched. Session.execute() is typed as returning a Result, since the
    session cannot promise more for every statement; for these it returns a CursorResult, which counts."""
    return cast(CursorResult, result).rowcount


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class QueuedConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions queue on a file lock beside the database.

    SQLite's own busy handler waits for the write lock by sleeping 1, 2, 5, 10… ms at a time, so
    under load a writer often sleeps on long after the lock was freed. Queuing on the file lock
    first, checked every fifth of a millisecond, hands the lock on almost at once (submits over HTTP
    without it: 0.87× as many, bench/README.md, "Machinery")."""

    writer_lock: int | None = None
    holding = False

    def acquire_writer(self, timeout: float) -> None:
        if self.writer_lock is None or self.holding:
            return
        deadline = time.monotonic() + timeout
        # Threads of one process (threaded workers) queue on a plain lock, so that only one of them
        # polls the file lock: many polling threads took the interpreter from the one that writes
        # (without it 0.84× the submits over HTTP, bench/README.md, "Machinery").
        if not _PROCESS_WRITER.acquire(timeout=timeout):
            raise sqlite3.OperationalError("database is locked (other writers held it too long)")
        while True:
            try:
                fcntl.flock(self.writer_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.holding = True
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    _PROCESS_WRITER.release()
                    raise sqlite3.OperationalError("database is locked (other writers held it too long)") from None
                time.sleep(0.0002)

    def release_writer(self) -> None:
        if self.holding and self.writer_lock is not None:
            self.holding = False
            fcntl.flock(self.writer_lock, fcntl.LOCK_UN)
            _PROCESS_WRITER.release()

    def commit(self) -> None:
        wrote = self.holding
        try:
            super().commit()
        finally:
            self.release_writer()
        if wrote and next(_writes) % CHECKPOINT_EVERY == CHECKPOINT_EVERY - 1:
            # SQLite would copy the log back into the database inside commit(), after its own lock
            # is free but before ours is; done here, the next writer does not wait for the disk
            # (left to SQLite, 0.85× the submits over HTTP, bench/README.md, "Machinery").
            try:
                self.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.OperationalError:
                pass  # another process is checkpointing; the next turn catches up

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.release_writer()

    def close(self) -> None:
        self.release_writer()
        if self.writer_lock is not None:
            os.close(self.writer_lock)
            self.writer_lock = None
        super().close()


BUSY_TIMEOUT_SECONDS = 15
_PROCESS_WRITER = threading.Lock()
# A write adds about 30 pages to the log; SQLite checkpoints every 1,000 pages by default.
CHECKPOINT_EVERY = 32
_writes = itertools.count()


def configure_engine(config: dict) -> None:
    """SQLite connections of this app are QueuedConnections."""
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options = config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {}).setdefault("factory", QueuedConnection)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    path = cursor.execute("PRAGMA database_list").fetchone()[2]
    cursor.close()
    if isinstance(dbapi_connection, QueuedConnection) and path:
        dbapi_connection.writer_lock = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT, 0o600)
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")  # see QueuedConnection.commit
    # Transactions are begun by _sqlite_begin below instead of by the driver.
    dbapi_connection.isolation_level = None


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    # Every transaction begins as a reader: on WAL it sees a snapshot and neither waits for writers
    # nor holds them up, however long the request lasts (a slow upload, a PDF being drawn).
    if connection.dialect.name == "sqlite":
        connection.connection.dbapi_connection.execute("BEGIN DEFERRED")
        connection.connection.info["sqlite_writing"] = False


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_lock_at_first_write(connection, cursor, statement, parameters, context, executemany):
    """The write lock is taken by the transaction's first write, never earlier.

    SQLite cannot turn a read transaction into a write one once another writer has committed
    since its snapshot, so the reads are ended and a write transaction (BEGIN IMMEDIATE, after the
    writer queue) begins in their place: what the request read before stays loaded, and from here
    on it sees the latest committed state, as PostgreSQL's READ COMMITTED does. A read that must
    not change before the write (`with_for_update()`) counts as a write and takes the lock."""
    if connection.dialect.name != "sqlite":
        return
    info = connection.connection.info
    if info.get("sqlite_writing", True) or not _needs_write_lock(statement, context):
        return
    raw = connection.connection.dbapi_connection
    if raw.in_transaction:
        sqlite3.Connection.commit(raw)  # only reads so far: nothing to lose, nothing to wait for
    queued = isinstance(raw, QueuedConnection)
    if queued:
        raw.acquire_writer(BUSY_TIMEOUT_SECONDS)
    try:
        raw.execute("BEGIN IMMEDIATE")
    except BaseException:
        if queued:
            raw.release_writer()
        raise
    info["sqlite_writing"] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _sqlite_transaction_ended(connection):
    if connection.dialect.name == "sqlite":
        connection.connection.info["sqlite_writing"] = True  # no transaction of ours to upgrade


_READ_STATEMENTS = ("SELECT", "PRAGMA", "EXPLAIN")


def _needs_write_lock(statement: str, context) -> bool:
    compiled = getattr(context, "compiled", None)
    if compiled is not None and getattr(compiled.statement, "_for_update_arg", None) is not None:
        return True
    words = statement.lstrip(" \t\r\n(").split(None, 1)
    head = words[0].upper() if words else ""
    if head == "WITH":
        return bool(context is not None and (context.isinsert or context.isupdate or context.isdelete))
    return head not in _READ_STATEMENTS


def render_migration_item(type_, obj, autogen_context):
    """Migrations spell UTCDateTime as a plain timezone-aware DateTime, so they never import app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
