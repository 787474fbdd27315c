"""Organisation commands."""
import click
from flask import Flask


def init_app(app: Flask) -> None:
    @app.cli.command("purge-login-attempts")
    def purge_login_attempts():
        """Forget login attempts older than 30 days."""
        from org.accounts import purge_old_attempts

        click.echo(f"{purge_old_attempts()} old login attempts removed")
