"""Login throttling by account and by client, with delays that grow, after OWASP's device cookies.

Untrusted clients count against the account and against their own address; a client holding a
device cookie for the account counts only against that cookie, so guesses from elsewhere never lock
out a user on a device that has logged in before. An attempt is charged before its password is
checked, by a compare-and-set on the counter, so parallel guesses check at most the limit's worth
of passwords on any database. Attempts refused while locked are not counted: the lock ends.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from core.db import utcnow
from core.errors import OperationError
from core.extensions import db
from org.models import LoginThrottle

CAS_ATTEMPTS = 100


class TooManyAttempts(OperationError):
    status = 429

    def __init__(self, retry_after: int):
        minutes = max(1, -(-retry_after // 60))
        super().__init__(_("Too many failed logins; try again in %(minutes)d minute(s).", minutes=minutes),
                         status=429)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Key:
    name: str
    username: str
    limit: int


def keys_for(username: str, client: str, device: str | None) -> list[Key]:
    config = current_app.config
    if device:
        return [Key(f"device:{username}:{device}", username, config["LOGIN_MAX_FAILURES"])]
    return sorted([Key(f"account:{username}", username, config["LOGIN_MAX_FAILURES"]),
                   Key(f"client:{client}", "", config["LOGIN_CLIENT_MAX_FAILURES"])], key=lambda k: k.name)


def lock_delay(failures: int, limit: int) -> timedelta:
    config = current_app.config
    if failures < limit:
        return timedelta(0)
    base, cap = config["LOGIN_LOCK_BASE"], config["LOGIN_LOCK_MAX"]
    doublings = min(failures - limit, 30)
    return min(base * (2 ** doublings), cap)


def reserve(keys: list[Key]) -> None:
    """Charge one failure to every key before the password is checked. Raises TooManyAttempts when
    a key is locked (the caller's rollback then takes back what was charged)."""
    for key in keys:
        _charge(key)


def _charge(key: Key) -> None:
    for _attempt in range(CAS_ATTEMPTS):
        now = utcnow()
        row = db.session.execute(select(LoginThrottle).where(LoginThrottle.key == key.name)
                                 .execution_options(populate_existing=True)).scalar()
        if row is None:
            try:
                with db.session.begin_nested():
                    db.session.add(LoginThrottle(key=key.name, username=key.username, failures=0))
            except IntegrityError:
                pass  # another request created it first; read it again
            continue
        if row.locked_until is not None and row.locked_until > now:
            raise TooManyAttempts(int((row.locked_until - now).total_seconds()) + 1)
        seen = row.failures
        forgotten = row.last_failure_at is not None and now - row.last_failure_at > current_app.config[
            "LOGIN_FORGET_AFTER"]
        failures = 1 if forgotten else seen + 1
        delay = lock_delay(failures, key.limit)
        changed = db.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key.name, LoginThrottle.failures == seen)
            .values(failures=failures, last_failure_at=now, locked_until=now + delay if delay else None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed == 1:
            return
    raise TooManyAttempts(1)  # so contended that the attempt is refused rather than unchecked


def succeeded(keys: list[Key]) -> None:
    """A right password: the account's and device's counts start again; a client address only gets
    back the failure charged to this attempt (one valid account must not reset an address that is
    guessing at others). Part of the caller's transaction."""
    for key in keys:
        if key.username:
            db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key.name))
        else:
            db.session.execute(update(LoginThrottle)
                               .where(LoginThrottle.key == key.name, LoginThrottle.failures > 0)
                               .values(failures=LoginThrottle.failures - 1))


def locked_until(username: str):
    """When the account's lock for untrusted clients ends, or None."""
    row = db.session.get(LoginThrottle, f"account:{username.lower()}")
    if row is None or row.locked_until is None or row.locked_until <= utcnow():
        return None
    return row.locked_until


def unlock(username: str) -> int:
    """Forget an account's failures (from untrusted clients and its devices)."""
    result = db.session.execute(delete(LoginThrottle).where(LoginThrottle.username == username.lower()))
    return result.rowcount or 0
