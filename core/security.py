"""Token and password primitives; the persistence lives with the User model in org."""
from __future__ import annotations

import hashlib
import secrets

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 8
PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default, deliberately slow


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_hash_method())


def _hash_method() -> str:
    # A test app may choose a cheap method (TEST_PASSWORD_HASH_METHOD): the suite hashes hundreds of
    # passwords. Any other app always uses the slow one, whatever its configuration says.
    if has_app_context() and current_app.testing:
        return current_app.config.get("TEST_PASSWORD_HASH_METHOD") or PASSWORD_HASH_METHOD
    return PASSWORD_HASH_METHOD


def verify_password(password_hash: str, password: str) -> bool:
    return bool(password_hash) and check_password_hash(password_hash, password)


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
