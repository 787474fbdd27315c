"""Organisation commands."""
import click
from flask import Flask

from core import unit_of_work


def init_app(app: Flask) -> None:
    @app.cli.command("purge-login-attempts")
    @unit_of_work.committed
    def purge_login_attempts():
        """Forget login attempts older than 30 days."""
        from org.accounts import purge_old_attempts

        click.echo(f"{purge_old_attempts()} old login attempts removed")

    @app.cli.command("unlock-login")
    @click.argument("username")
    @unit_of_work.committed
    def unlock_login(username: str):
        """Lift the login lock of an account (failed passwords from any client)."""
        from sqlalchemy import func, select

        from core.extensions import db
        from org.models import User
        from org.operations import unlock_login as unlock

        user = db.session.execute(select(User).where(func.lower(User.username) == username.lower())).scalar()
        if user is None:
            raise click.ClickException(f"No user named {username!r}.")
        unlock(user, None)
        click.echo(f"Login lock lifted for {user.username}")
