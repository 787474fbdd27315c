"""Bearer tokens for the PWA and third-party clients."""
from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from core.bodies import public_body
from core.permissions import require_login
from core.security import bearer_token
from org import accounts
from org.schemas import PasswordChangeSchema, TokenRequestSchema, TokenSchema, UserPublicSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth",
                description="Log in for a bearer token; send it as `Authorization: Bearer <token>`.")


@blp.route("/tokens", methods=["POST"])
@blp.arguments(TokenRequestSchema, example={"username": "inspector", "password": "secret-2026"})
@blp.response(201, TokenSchema)
@blp.alt_response(401, description="Wrong username or password.")
@blp.alt_response(429, description="Too many failed attempts; see Retry-After.")
@public_body
def create_token(data):
    """Exchange a username and password for a token with an expiry."""
    user = accounts.authenticate(data["username"], data["password"])
    return accounts.issue_token(user, data.get("label", ""))


@blp.route("/tokens/current", methods=["DELETE"])
@blp.response(204)
def revoke_current_token():
    """Log out: the token stops working at once."""
    require_login()
    accounts.revoke_token(bearer_token(request.headers.get("Authorization")), current_user)


@blp.route("/me", methods=["GET"])
@blp.response(200, UserPublicSchema)
def me():
    """The user the token belongs to."""
    require_login()
    return current_user


@blp.route("/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
def change_password(data):
    """Change one's own password; every token and browser session of the user is revoked."""
    require_login()
    accounts.change_password(current_user._get_current_object(), data["current_password"], data["new_password"])
