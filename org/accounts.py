"""Logging in: passwords, throttling, API tokens, session epochs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import delete, func, select, update

from core import audit
from core.db import utcnow
from core.errors import OperationError
from core.extensions import db, login_manager
from core.security import bearer_token, hash_password, new_token, token_digest, verify_password
from org.models import ApiToken, LoginAttempt, User


class TooManyAttempts(OperationError):
    status = 429

    def __init__(self, retry_after: int):
        super().__init__(
            f"Too many failed logins; try again in {max(1, retry_after // 60)} minute(s).",
            status=429,
        )
        self.retry_after = retry_after


class BadCredentials(OperationError):
    status = 401


@dataclass
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def _client_ip() -> str:
    return (request.remote_addr or "")[:45]


def _check_throttle(username: str) -> None:
    window = current_app.config["LOGIN_LOCK_WINDOW"]
    since = utcnow() - window
    failures = db.session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username.lower(),
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at >= since,
        )
    ).one()
    count, last = failures
    if count >= current_app.config["LOGIN_MAX_FAILURES"]:
        retry_after = int((last + window - utcnow()).total_seconds()) + 1
        raise TooManyAttempts(retry_after)


def authenticate(username: str, password: str) -> User:
    """Check credentials with throttling; the attempt itself is recorded in its own commit."""
    username = (username or "").strip()
    _check_throttle(username)
    user = db.session.execute(select(User).where(func.lower(User.username) == username.lower())).scalar()
    ok = user is not None and user.active and verify_password(user.password_hash, password or "")
    db.session.add(LoginAttempt(username=username.lower()[:80], ip=_client_ip(), succeeded=ok))
    if ok:
        db.session.execute(
            delete(LoginAttempt).where(
                LoginAttempt.username == username.lower(), LoginAttempt.succeeded.is_(False)
            )
        )
    db.session.commit()
    if not ok:
        raise BadCredentials("Wrong username or password, or the account is deactivated.")
    return user


def issue_token(user: User, label: str = "") -> IssuedToken:
    token = new_token()
    expires_at = utcnow() + current_app.config["API_TOKEN_LIFETIME"]
    record = ApiToken(user_id=user.id, token_hash=token_digest(token), expires_at=expires_at, label=label[:80])
    db.session.add(record)
    audit.record("auth.token_issued", record, actor=user, details={"label": label[:80]})
    db.session.commit()
    return IssuedToken(token=token, expires_at=expires_at, user=user)


def revoke_token(token: str, actor: User) -> None:
    record = db.session.execute(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).scalar()
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()
        audit.record("auth.token_revoked", record, actor=actor)
        db.session.commit()


def revoke_all_tokens(user: User) -> None:
    """Part of a caller's transaction (password change, deactivation): no commit here."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def change_password(user: User, current_password: str, new_password: str) -> None:
    from org.operations import validate_password

    if not verify_password(user.password_hash, current_password or ""):
        raise OperationError("The current password is wrong.", {"current_password": ["Wrong password."]})
    validate_password(new_password)
    before = audit.snapshot(user)
    user.password_hash = hash_password(new_password)
    user.session_epoch += 1
    revoke_all_tokens(user)
    audit.record("user.password_changed", user, actor=user, before=before, after=audit.snapshot(user))
    db.session.commit()


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
    return user


@login_manager.request_loader
def _load_token_user(req):
    if not _is_api_request():
        return None
    token = bearer_token(req.headers.get("Authorization"))
    return user_for_token(token) if token else None


def purge_old_attempts(older_than: timedelta = timedelta(days=30)) -> int:
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - older_than))
    db.session.commit()
    return result.rowcount or 0
