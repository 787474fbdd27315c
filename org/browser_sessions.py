"""Browser sessions kept on the server: the session cookie names a record that logout revokes."""
from __future__ import annotations

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import update

from core.db import utcnow
from core.extensions import db
from core.security import new_token, token_digest
from org.models import BrowserSession, User

SESSION_KEY = "sid"


def start(user: User) -> None:
    """Log this browser in with a new server-side session."""
    nonce = new_token()
    db.session.add(BrowserSession(id=token_digest(nonce), user_id=user.id))
    login_user(user)
    session[SESSION_KEY] = nonce
    session.permanent = True


def end() -> None:
    """Log this browser out; the user's other browsers stay logged in."""
    nonce = session.get(SESSION_KEY)
    if isinstance(nonce, str):
        db.session.execute(update(BrowserSession)
                           .where(BrowserSession.id == token_digest(nonce), BrowserSession.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))
    logout_user()
    session.pop(SESSION_KEY, None)


def is_live(user: User) -> bool:
    nonce = session.get(SESSION_KEY)
    if not isinstance(nonce, str):
        return False
    record = db.session.get(BrowserSession, token_digest(nonce))
    return (record is not None and record.user_id == user.id and record.revoked_at is None
            and record.created_at > utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"])


def revoke_all(user: User) -> None:
    """Part of a caller's transaction (password change, deactivation)."""
    db.session.execute(update(BrowserSession)
                       .where(BrowserSession.user_id == user.id, BrowserSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
