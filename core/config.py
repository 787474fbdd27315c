"""Configuration from environment variables, read when the app is created (never at import)."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _secret_key(data_dir: Path) -> str:
    """A random key generated once and kept in the data folder, so restarts keep sessions valid.

    Several processes may start at once on a fresh folder: each writes its own candidate to a
    private file and links it into place, which succeeds for one of them only; the file is whole
    from the moment it exists, and every process then uses the winner's key."""
    path = data_dir / "secret_key"
    while True:
        try:
            key = path.read_text().strip()
        except FileNotFoundError:
            pass
        else:
            if not key:
                raise RuntimeError(f"{path} is empty: delete it and start again (a new key is made)")
            return key
        candidate = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(candidate, path)
            except FileExistsError:
                pass  # another process was first: its key is read above
        finally:
            candidate.unlink()


def _public_base_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise ValueError(f"PUBLIC_BASE_URL must start with http:// or https://, not {value!r}")
    return value


def _time_zone(name: str) -> str:
    """An IANA zone name; a wrong one stops the start instead of shifting every deadline."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"TIMEZONE must be an IANA time zone such as Asia/Shanghai, not {name!r}") from None
    return name


def load_config(environ: dict[str, str] | None = None) -> dict:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("DATA_DIR", "instance")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'inspection.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "DATA_DIR": str(data_dir),
        "MEDIA_DIR": str(data_dir / "media"),
        "SECRET_KEY": env.get("SECRET_KEY") or _secret_key(data_dir),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PORT": int(env.get("PORT", "5000")),
        "REDIS_URL": env.get("REDIS_URL", ""),
        # Seconds before each new try of a failed job (on Redis workers); one try per number.
        "JOB_RETRY_DELAYS": [int(delay) for delay in env.get("JOB_RETRY_DELAYS", "30,120,600").split(",") if delay.strip()],
        # A worker running a job says so this often; a job without news for three times as long is
        # taken as abandoned (its worker died) by the next sweep, which idle workers make this often.
        "JOB_HEARTBEAT_SECONDS": max(1, int(env.get("JOB_HEARTBEAT_SECONDS", "10"))),
        "JOB_SWEEP_SECONDS": max(1, int(env.get("JOB_SWEEP_SECONDS", "60"))),
        "SMTP_URL": env.get("SMTP_URL", ""),
        "MAIL_FROM": env.get("MAIL_FROM", "inspection@localhost"),
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL", ""),
        "S3_BUCKET": env.get("S3_BUCKET", ""),
        "S3_ACCESS_KEY_ID": env.get("S3_ACCESS_KEY_ID", ""),
        "S3_SECRET_ACCESS_KEY": env.get("S3_SECRET_ACCESS_KEY", ""),
        "S3_REGION": env.get("S3_REGION", "us-east-1"),
        # How many reverse proxies stand in front (each adds itself to X-Forwarded-For); 0 trusts none.
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0")),
        "PUBLIC_BASE_URL": _public_base_url(env.get("PUBLIC_BASE_URL", "")),
        "DEMO_PASSWORD": env.get("DEMO_PASSWORD", ""),
        "API_TOKEN_LIFETIME": timedelta(hours=int(env.get("API_TOKEN_HOURS", "720"))),
        "LOGIN_MAX_FAILURES": int(env.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_CLIENT_MAX_FAILURES": int(env.get("LOGIN_CLIENT_MAX_FAILURES", "20")),
        "LOGIN_LOCK_BASE": timedelta(seconds=int(env.get("LOGIN_LOCK_SECONDS", "60"))),
        "LOGIN_LOCK_MAX": timedelta(minutes=int(env.get("LOGIN_LOCK_MAX_MINUTES", "60"))),
        "LOGIN_FORGET_AFTER": timedelta(hours=int(env.get("LOGIN_FORGET_HOURS", "24"))),
        "DEVICE_COOKIE_LIFETIME": timedelta(days=int(env.get("DEVICE_COOKIE_DAYS", "180"))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "0") == "1",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        # A session lives in its server-side record (org.browser_sessions), not in the cookie's "fresh"
        # flag; Flask-Login's protection would write that flag into the cookie of a request still on its
        # way from before the login (the page's icon), and that late cookie would log the browser out.
        "SESSION_PROTECTION": None,
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        # Per endpoint (core.bodies): forms and JSON, file imports; photos have PHOTO_MAX_BYTES.
        "MAX_FORM_BYTES": int(env.get("FORM_MAX_KB", "2048")) * 1024,
        "IMPORT_MAX_BYTES": int(env.get("IMPORT_MAX_MB", "10")) * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": _time_zone(env.get("TIMEZONE", "Asia/Shanghai")),
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        "LANGUAGES": ["zh", "en"],
        "API_TITLE": "Outlet Service Inspection API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/docs/assets/",
        "WTF_CSRF_TIME_LIMIT": None,
        "PHOTO_MAX_BYTES": int(env.get("PHOTO_MAX_MB", "20")) * 1024 * 1024,
        "PHOTO_MAX_PIXELS": int(env.get("PHOTO_MAX_MEGAPIXELS", "60")) * 1_000_000,
        # Pictures above this size that are not JPEG (HEIC, PNG, WebP) get their display copy and
        # thumbnail after the upload's response rather than during it.
        # Memory one process may spend decoding pictures at once (pixels × bytes per pixel); a picture
        # that alone needs more is refused, others wait their turn.
        "PHOTO_DECODE_BYTES": int(env.get("PHOTO_DECODE_MB", "256")) * 1024 * 1024,
        "PHOTO_INLINE_PIXELS": int(env.get("PHOTO_INLINE_MEGAPIXELS", "4")) * 1_000_000,
        "FINDING_DEADLINE_DAYS": {
            "critical": int(env.get("DEADLINE_CRITICAL_DAYS", "3")),
            "major": int(env.get("DEADLINE_MAJOR_DAYS", "7")),
            "minor": int(env.get("DEADLINE_MINOR_DAYS", "15")),
        },
        # Calendar days, like the deadlines: an inspector verifies a response within this many days of
        # it; an outlet whose answer, sent in time, is rejected gets at least this many to fix it again.
        "FINDING_VERIFICATION_DAYS": int(env.get("VERIFICATION_DAYS", "3")),
        "FINDING_REWORK_DAYS": int(env.get("REWORK_DAYS", "3")),
        # Reminder mail: outlets this many days before a deadline; overdue reminders again at most
        # every REMIND_EVERY_DAYS days for the same finding and person.
        "REMIND_DAYS_BEFORE": int(env.get("REMIND_DAYS_BEFORE", "1")),
        "REMIND_EVERY_DAYS": int(env.get("REMIND_EVERY_DAYS", "3")),
        # The levels of the bank's tree, highest first; a node's parent is of a higher level (levels may be skipped).
        "ORG_LEVELS": [key.strip() for key in env.get("ORG_LEVELS", "head_office,province,city,sub_branch").split(",")
                       if key.strip()],
        "REMOTE_CYCLE_EPOCH": env.get("REMOTE_CYCLE_EPOCH", "2026-01-01"),
        "MYSTERY_MAX_DISTANCE_M": int(env.get("MYSTERY_MAX_DISTANCE_M", "500")),
        "MYSTERY_MAX_FILING_HOURS": int(env.get("MYSTERY_MAX_FILING_HOURS", "48")),
        "MYSTERY_PHOTO_TIME_SLACK_MIN": int(env.get("MYSTERY_PHOTO_TIME_SLACK_MIN", "30")),
    }
