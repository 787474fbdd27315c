"""One unit of work per request, CLI command and job.

Operations add, change and flush; they never commit. The boundary commits once: a request when its
view has returned a response below 400 (a refusal, a page re-shown with errors or an exception rolls
everything back), a CLI command or a job when it returns. What must happen only once the work is
stored (a job that reads it) is queued with `after_commit` and runs after that commit.

Two kinds of writes stand apart from the request's unit, each in a short transaction of its own
(`apart`): the login ledger, which must stand even when the login is refused, and a photo's display
copies, a cache of its original that any reader may fill. On SQLite such a transaction cannot begin
once the request itself has written (the request holds the one write lock), so it is refused then.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from core.db import db

_AFTER_COMMIT = "after_commit"
_ON_ROLLBACK = "on_rollback"
_WROTE = "wrote"
_ENDING = "ending"


class UnitOfWorkFlask(Flask):
    """Flask whose views end in the request's one commit (or its rollback)."""

    def dispatch_request(self):
        response = self.make_response(super().dispatch_request())
        finish(response.status_code < 400)
        return response


def finish(succeeded: bool) -> None:
    """End the unit of work: commit when it succeeded, roll back otherwise."""
    if succeeded:
        db.session.commit()
    else:
        db.session.rollback()


def committed(func: Callable) -> Callable:
    """A CLI command or job that is a unit of work of its own: committed when it returns."""
    @functools.wraps(func)
    def run(*args, **kwargs):
        try:
            result = func(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result
    return run


def after_commit(callback: Callable[[], Any]) -> None:
    """Run `callback` once the current unit of work has committed; dropped if it rolls back."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def on_rollback(callback: Callable[[], Any]) -> None:
    """Run `callback` if the current unit of work rolls back (files written for rows never stored)."""
    db.session.info.setdefault(_ON_ROLLBACK, []).append(callback)


def end_read_transaction() -> None:
    """End the transaction if it has only read, keeping what it loaded (a rollback would expire it
    all), so that no connection or lock is held while the request waits or works (a slow body, a
    password hash, a picture decoding). A unit that has written keeps its transaction to its end."""
    if has_written():
        return
    session = db.session()
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


def has_written() -> bool:
    """Whether the current unit of work has sent a write to the database."""
    return bool(db.session.info.get(_WROTE))


@contextmanager
def apart() -> Iterator[None]:
    """A short transaction of its own, committed on leaving, whatever becomes of the caller's.

    Inside it `db.session` is a session of its own (a fresh app context), so objects the caller
    loaded are not to be used in it: pass ids and plain values."""
    if has_written() and db.engine.dialect.name == "sqlite":
        raise RuntimeError("a transaction apart cannot begin after this unit of work wrote (SQLite's one write lock)")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context():
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        finally:
            db.session.remove()


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, flush_context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info[_ENDING] = "commit"  # also on a savepoint's release: what counts is the outermost


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info[_ENDING] = "rollback"


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        session.info.pop(_ENDING, None)  # a savepoint's end says nothing of the outermost's
        return
    ending = session.info.pop(_ENDING, None)
    session.info.pop(_WROTE, None)
    rollbacks = session.info.pop(_ON_ROLLBACK, [])
    callbacks = session.info.pop(_AFTER_COMMIT, []) if ending == "commit" else rollbacks
    session.info.pop(_AFTER_COMMIT, None)
    for callback in callbacks:
        callback()


def init_app(app: Flask) -> None:
    if not isinstance(app, UnitOfWorkFlask):
        raise TypeError("the app must be a UnitOfWorkFlask, whose views end in the request's commit")
