"""Local time: the bank's days (deadlines, windows, report periods) are days in the configured zone,
whatever zone the server's clock runs in. The zone is checked when the app starts (core.config)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> tzinfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today() -> date:
    return datetime.now(local_zone()).date()


def local_midnight(day: date) -> datetime:
    """The UTC instant at which the given local day begins."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)
