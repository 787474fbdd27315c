"""The daily complaint run: what is overdue in the ledger, and the reminder mail."""
from datetime import date

import click
from flask import Flask

from complaints.reminders import pending, send_reminders
from core.clock import local_today


def init_app(app: Flask) -> None:
    @app.cli.command("overdue-complaints")
    @click.option("--date", "day", default=None, help="YYYY-MM-DD (default: today)")
    @click.option("--mail/--no-mail", default=True, help="send reminders when SMTP_URL is set")
    def overdue_complaints(day, mail):
        """List who is to be reminded of which complaint deadlines; remind them by mail."""
        today = date.fromisoformat(day) if day else local_today()
        due = pending(today)
        for user_id, items in due.items():
            click.echo(f"user {user_id}: " + ", ".join(f"#{complaint_id} {reason}" for complaint_id, reason in items))
        if not due:
            click.echo("No complaint deadlines to remind of.")
        if mail:
            for recipient, count in send_reminders(today):
                click.echo(f"mailed {recipient}: {count}")
