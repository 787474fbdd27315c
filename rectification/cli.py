"""The daily overdue job."""
from datetime import date

import click
from flask import Flask

from core.clock import local_today
from rectification.tracking import overdue_by_outlet, send_reminders


def init_app(app: Flask) -> None:
    @app.cli.command("overdue-findings")
    @click.option("--date", "day", default=None, help="YYYY-MM-DD (default: today)")
    @click.option("--mail/--no-mail", default=True, help="send reminders when SMTP_URL is set")
    def overdue_findings(day, mail):
        """List overdue findings per outlet and mail each outlet's managers."""
        today = date.fromisoformat(day) if day else local_today()
        overdue = overdue_by_outlet(today)
        for outlet, findings in overdue.items():
            click.echo(f"{outlet.code} {outlet.name}: {len(findings)} overdue")
            for finding in findings:
                click.echo(f"  #{finding.id} {finding.title} (due {finding.due_date}, {finding.status})")
        if not overdue:
            click.echo("No overdue findings.")
        if mail:
            for recipient, count in send_reminders(today):
                click.echo(f"mailed {recipient}: {count}")
