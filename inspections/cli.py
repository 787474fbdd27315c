"""The daily job that generates the next assignments."""
from datetime import date, timedelta

import click
from flask import Flask

from core import unit_of_work
from core.clock import local_today
from inspections.scheduling import generate_all


def init_app(app: Flask) -> None:
    @app.cli.command("generate-assignments")
    @click.option("--date", "day", default=None, help="YYYY-MM-DD (default: today)")
    @click.option("--ahead", default=2, show_default=True, help="also cover the period this many days ahead")
    @unit_of_work.committed
    def generate_assignments(day, ahead):
        """Create the assignments of every active plan for the current (and coming) period."""
        first = date.fromisoformat(day) if day else local_today()
        for moment in sorted({first, first + timedelta(days=ahead)}):
            for plan, created in generate_all(moment).items():
                click.echo(f"{moment.isoformat()} {plan}: {created} new")
