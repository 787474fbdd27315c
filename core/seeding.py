"""`flask seed-demo`: each domain registers its demo step; steps run in registration order."""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app

from core import unit_of_work

_steps: list[tuple[str, Callable[[str], str | None]]] = []
_logins: list[str] = []


def step(name: str):
    def register(func):
        if all(existing != name for existing, _ in _steps):
            _steps.append((name, func))
        return func

    return register


def logins(*usernames: str) -> None:
    """Name demo users that `seed-demo` lists with the password."""
    _logins.extend(name for name in usernames if name not in _logins)


def demo_password() -> tuple[str, bool]:
    """DEMO_PASSWORD if set, else one generated once and kept in the data folder."""
    configured = current_app.config.get("DEMO_PASSWORD")
    if configured:
        return configured, False
    path = Path(current_app.config["DATA_DIR"]) / "demo_password"
    if path.exists():
        return path.read_text().strip(), False
    password = "demo-" + secrets.token_urlsafe(6)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password)
    return password, True


def run_all() -> list[str]:
    password, _ = demo_password()
    # Each step is a unit of work: a later step builds on what the earlier ones stored.
    return [f"{name}: {summary}" for name, func in _steps if (summary := unit_of_work.committed(func)(password))]


def init_app(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo():
        """Build the demo bank; running it again changes nothing."""
        password, generated = demo_password()
        for line in run_all():
            click.echo(line)
        kept = ", generated and kept in DATA_DIR/demo_password" if generated else ""
        click.echo(f"Demo logins (password {password}{kept}): {', '.join(_logins)}")
