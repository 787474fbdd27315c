"""Report commands: the monthly draft lists, the BSC file and the quarterly analysis from cron or a shell."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from core import unit_of_work
from core.errors import OperationError
from core.extensions import db
from core.permissions import can
from org.models import Outlet, User


def init_app(app: Flask) -> None:
    group = AppGroup("reports", help="Scorecards, red/black lists, BSC points and the quarterly analysis.")

    @group.command("prepare-lists")
    @click.option("--month", default=None, help="YYYY-MM (default: the last complete month)")
    @click.option("--as", "username", required=True, help="the admin in whose name the drafts are computed")
    @unit_of_work.committed
    def prepare_lists(month, username):
        """Compute the month's draft red/black lists: the branch's and every outlet's."""
        from reports import operations, periods

        actor = db.session.execute(select(User).where(User.username == username)).scalar()
        if actor is None or not can(actor, "report.lists.manage"):
            raise click.ClickException(f"{username} is not an admin")
        label = month or periods.last_complete_month().label
        service_list, _ = operations.prepare_list(label, "branch", None, None, actor)
        click.echo(f"{label} branch: {len(service_list.entries)} entries ({service_list.status})")
        for outlet in db.session.execute(select(Outlet).where(Outlet.active.is_(True)).order_by(Outlet.code)).scalars():
            try:
                with db.session.begin_nested():
                    service_list, _ = operations.prepare_list(label, "outlet", outlet.id, None, actor)
            except OperationError as error:  # a published list stays as it is; say so and go on
                click.echo(f"{label} {outlet.code}: {error}")
                continue
            click.echo(f"{label} {outlet.code}: {len(service_list.entries)} entries")

    @group.command("bsc")
    @click.option("--period", default=None, help="YYYY-MM or YYYYQn (default: the last complete month)")
    @click.option("--output", required=True, type=click.Path(dir_okay=False), help="a .xlsx file")
    def bsc_file(period, output):
        """Write the BSC service points of a period to an XLSX workbook."""
        from reports import bsc, exports, presenting

        chosen = presenting.period_arg(period)
        with force_locale("zh"):
            Path(output).write_bytes(exports.xlsx(chosen, bsc.staff_points(chosen), bsc.outlet_points(chosen)))
        click.echo(f"{output}: BSC points for {chosen.label}")

    @group.command("analysis")
    @click.option("--quarter", default=None, help="YYYYQn (default: the last complete quarter)")
    @click.option("--output", required=True, type=click.Path(dir_okay=False), help="a .pdf file")
    def analysis_pdf(quarter, output):
        """Write the quarterly service-quality analysis to a PDF."""
        from reports import analysis, presenting

        chosen = presenting.quarter_arg(quarter)
        Path(output).write_bytes(analysis.pdf(chosen))
        click.echo(f"{output}: analysis of {chosen.label}")

    app.cli.add_command(group)

    rollup_group = AppGroup("rollups", help="The monthly rollups the league table and the scorecards read.")

    @rollup_group.command("rebuild")
    @click.option("--month", default=None, help="YYYY-MM (default: every month with inspections)")
    @unit_of_work.committed
    def rebuild(month):
        """Recompute the rollups of a month, or of the whole history, from the inspections and findings."""
        from reports import periods, rollups

        chosen = None
        if month:
            try:
                chosen = periods.parse(month, default=None, quarters=False, field="month")
            except OperationError as error:
                raise click.BadParameter(str(error), param_hint="--month") from error
        rebuilt = rollups.rebuild(db.session.connection(), chosen)
        click.echo(f"rebuilt {rebuilt.months} month(s): {rebuilt.rows} rollup rows")

    app.cli.add_command(rollup_group)
