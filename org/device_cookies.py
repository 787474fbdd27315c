"""Device cookies: a browser or app that has logged in as a user is recognised the next time, so
the account-wide lockout caused by guesses from unknown clients does not shut it out."""
from __future__ import annotations

import hashlib
import secrets

from flask import after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "device-cookie"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def cookie_name(username: str) -> str:
    # One cookie per account, so people sharing a browser keep their own trust.
    return "device_" + hashlib.sha256(username.lower().encode()).hexdigest()[:16]


def trusted_device(username: str) -> str | None:
    """The nonce of this client's valid device cookie for the user, or None."""
    value = request.cookies.get(cookie_name(username))
    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=int(current_app.config["DEVICE_COOKIE_LIFETIME"].total_seconds()))
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != username.lower() or not isinstance(data.get("n"), str):
        return None
    return data["n"][:64]


def issue_after_this_request(username: str) -> None:
    """A fresh device cookie for each successful login (its nonce changes every time)."""
    value = _serializer().dumps({"u": username.lower(), "n": secrets.token_urlsafe(16)})
    lifetime = current_app.config["DEVICE_COOKIE_LIFETIME"]

    @after_this_request
    def _set(response):
        response.set_cookie(cookie_name(username), value, max_age=int(lifetime.total_seconds()),
                            httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response
