"""Logging in: passwords, throttling, API tokens, session epochs."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from core import audit, unit_of_work
from core.db import utcnow
from core.errors import OperationError
from core.extensions import db, login_manager
from core.security import bearer_token, hash_password, new_token, token_digest, verify_password
from core.unit_of_work import end_read_transaction
from org import browser_sessions, device_cookies, throttle
from org.models import ApiToken, LoginAttempt, User
from org.passwords import validate_password
from org.throttle import TooManyAttempts  # noqa: F401  (raised by authenticate)


class BadCredentials(OperationError):
    status = 401
    problem = "wrong_credentials"


@dataclass
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def _client_ip() -> str:
    return (request.remote_addr or "")[:45]


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))


def authenticate(username: str, password: str) -> User:
    """Check credentials under the throttle. The login ledger (the charge, the attempt) is written
    apart from the request's unit of work, since it stands when the login is refused: the attempt is
    charged before the password is checked, and the password is checked outside any transaction; an
    unknown or deactivated user costs the same hashing work as a real one, so timing tells nothing."""
    name = (username or "").strip().lower()[:80]
    device = device_cookies.trusted_device(name)
    keys = throttle.keys_for(name, _client_ip(), device)
    with unit_of_work.apart():
        throttle.reserve(keys)
    user = db.session.execute(select(User).where(func.lower(User.username) == name)).scalar()
    end_read_transaction()
    usable = user is not None and user.active
    matches = verify_password(user.password_hash if usable else _dummy_hash(), password or "")
    ok = usable and matches
    with unit_of_work.apart():
        db.session.add(LoginAttempt(username=name, ip=_client_ip(), succeeded=ok))
        if ok:
            throttle.succeeded(keys)
    if not ok:
        raise BadCredentials(_("Wrong username or password, or the account is deactivated."))
    device_cookies.issue_after_this_request(name)
    return user


def issue_token(user: User, label: str = "") -> IssuedToken:
    token = new_token()
    expires_at = utcnow() + current_app.config["API_TOKEN_LIFETIME"]
    record = ApiToken(user_id=user.id, token_hash=token_digest(token), expires_at=expires_at, label=label[:80])
    db.session.add(record)
    audit.record("auth.token_issued", record, actor=user, details={"label": label[:80]})
    db.session.flush()
    return IssuedToken(token=token, expires_at=expires_at, user=user)


def revoke_token(token: str, actor: User) -> None:
    record = db.session.execute(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).scalar()
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()
        audit.record("auth.token_revoked", record, actor=actor)


def end_all_sessions(user: User) -> None:
    """Every token and browser session of the user stops working. Part of a caller's transaction
    (password change, deactivation): no commit here."""
    browser_sessions.revoke_all(user)
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password or ""):
        raise OperationError(_("The current password is wrong."), {"current_password": [_("Wrong password.")]},
                             problem="wrong_password")
    validate_password(new_password, field="new_password")
    before = audit.snapshot(user)
    user.password_hash = hash_password(new_password)
    user.session_epoch += 1
    end_all_sessions(user)
    audit.record("user.password_changed", user, actor=user, before=before, after=audit.snapshot(user))


def user_for_token(token: str) -> User | None:
    record = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == token_digest(token))
    ).scalar()
    if record is None or record.revoked_at is not None or record.expires_at <= utcnow():
        return None
    user = record.user
    return user if user.active else None


def _is_api_request() -> bool:
    return request.path.startswith("/api/")


@login_manager.user_loader
def _load_session_user(user_id: str):
    # The API authenticates by bearer token only, so a browser's cookie can never ride along on
    # a cross-site API request (the API is exempt from CSRF tokens).
    if _is_api_request():
        return None
    ident, _, epoch = user_id.partition(":")
    if not ident.isdigit() or not epoch.lstrip("-").isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user if browser_sessions.is_live(user) else None


@login_manager.request_loader
def _load_token_user(req):
    if not _is_api_request():
        return None
    token = bearer_token(req.headers.get("Authorization"))
    return user_for_token(token) if token else None


def purge_old_attempts(older_than: timedelta = timedelta(days=30)) -> int:
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - older_than))
    return result.rowcount or 0
