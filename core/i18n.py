"""Language choice: ?lang=, else for the API the caller's Accept-Language, else the session's switch, else the
user's saved preference, else Chinese."""
from flask import has_request_context, request, session
from flask_login import current_user

SUPPORTED = ("zh", "en")


def select_locale() -> str:
    if not has_request_context():
        return "zh"  # jobs and commands speak the bank's language
    chosen = request.args.get("lang")
    if chosen in SUPPORTED:
        return chosen
    if request.path.startswith("/api/") and request.headers.get("Accept-Language"):
        asked = request.accept_languages.best_match(SUPPORTED)
        if asked:
            return asked
    if session.get("lang") in SUPPORTED:
        return session["lang"]
    user_locale = getattr(current_user, "locale", None) if current_user else None
    return user_locale if user_locale in SUPPORTED else "zh"
