"""The daily overdue run: what is late, the outlet's and the verifiers' apart, and the reminder mail."""
from datetime import date

import click
from flask import Flask

from core.clock import local_today
from rectification.reminders import send_reminders
from rectification.tracking import overdue_by_outlet, verification_overdue_by_outlet


def init_app(app: Flask) -> None:
    @app.cli.command("overdue-findings")
    @click.option("--date", "day", default=None, help="YYYY-MM-DD (default: today)")
    @click.option("--mail/--no-mail", default=True, help="send reminders when SMTP_URL is set")
    def overdue_findings(day, mail):
        """List findings overdue for the outlets and for verification; remind outlet managers before and
        after their deadlines, and verifiers of answers waiting past the verification due date."""
        today = date.fromisoformat(day) if day else local_today()
        overdue = overdue_by_outlet(today)
        for outlet, findings in overdue.items():
            click.echo(f"{outlet.code} {outlet.name}: {len(findings)} overdue")
            for finding in findings:
                click.echo(f"  #{finding.id} {finding.title} (due {finding.due_date}, {finding.status})")
        waiting = verification_overdue_by_outlet(today)
        for outlet, findings in waiting.items():
            click.echo(f"{outlet.code} {outlet.name}: {len(findings)} waiting for verification past due")
            for finding in findings:
                click.echo(f"  #{finding.id} {finding.title} (verify by {finding.verification_due_date})")
        if not overdue and not waiting:
            click.echo("No overdue findings.")
        if mail:
            for recipient, count in send_reminders(today):
                click.echo(f"mailed {recipient}: {count}")
