"""Mail through the server named by SMTP_URL (smtp://, smtps:// or smtp+starttls://, with optional
user:password@)."""
from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from urllib.parse import unquote, urlparse

from flask import current_app


def configured() -> bool:
    return bool(current_app.config.get("SMTP_URL"))


@contextmanager
def connection() -> Iterator[smtplib.SMTP]:
    """One connection for a batch of messages."""
    parsed = urlparse(current_app.config["SMTP_URL"])
    smtp_class = smtplib.SMTP_SSL if parsed.scheme == "smtps" else smtplib.SMTP
    with smtp_class(parsed.hostname, parsed.port or (465 if parsed.scheme == "smtps" else 25), timeout=20) as smtp:
        if parsed.scheme == "smtp+starttls":
            smtp.starttls()
        if parsed.username:
            smtp.login(unquote(parsed.username), unquote(parsed.password or ""))
        yield smtp


def message(to: list[str], subject: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = subject
    mail["From"] = current_app.config["MAIL_FROM"]
    mail["To"] = ", ".join(to)
    mail.set_content(body)
    return mail
