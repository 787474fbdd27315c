"""`flask migrate-to-postgres`: an installation on the embedded default (SQLite and media in its
DATA_DIR) copied into the database and media storage this app is configured with (PostgreSQL, and
S3 when S3_BUCKET is set), for moving to several servers.

The target is migrated first (`flask db upgrade`) and must be empty; the source must be at the same
schema revision. Tables are copied in dependency order in one transaction, so a failure leaves the
target as empty as it was; each table's id sequence then continues after the highest id copied.
Media files keep their keys, which the rows name."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from sqlalchemy import Engine, Integer, create_engine, func, insert, select, text

from core import partitions
from core.extensions import db
from core.storage import LocalStorage, storage

BATCH_ROWS = 1000


class MoveRefused(click.ClickException):
    pass


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:  # noqa: BLE001  (no such table: not migrated)
            return None


def check_ready(source: Engine, target: Engine) -> None:
    if target.dialect.name != "postgresql":
        raise MoveRefused("DATABASE_URL must name the PostgreSQL database to move to.")
    if _revision(target) is None:
        raise MoveRefused("The target database is not migrated: run `flask --app app db upgrade` first.")
    if _revision(source) != _revision(target):
        raise MoveRefused(f"The source is at schema revision {_revision(source)}, the target at "
                          f"{_revision(target)}: upgrade the source with the same release first.")
    with target.connect() as connection:
        filled = [table.name for table in db.metadata.sorted_tables
                  if connection.execute(select(func.count()).select_from(table)).scalar()]
    if filled:
        raise MoveRefused(f"The target database is not empty ({', '.join(filled[:5])}): use a new database.")


def copy_rows(source: Engine, target: Engine) -> dict[str, int]:
    """Every table's rows, parents before children, in one transaction of the target; rows copied per table."""
    copied = {}
    with source.connect() as reading, target.begin() as writing:
        for table in db.metadata.sorted_tables:
            copied[table.name] = 0
            result = reading.execution_options(yield_per=BATCH_ROWS).execute(select(table))
            for batch in result.mappings().partitions():
                writing.execute(insert(table), [dict(row) for row in batch])
                copied[table.name] += len(batch)
        for table in db.metadata.sorted_tables:
            for column in table.primary_key.columns:
                if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                    writing.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE(MAX({column.name}), 1), MAX({column.name}) IS NOT NULL) FROM \"{table.name}\""))
        partitions.ensure(writing)  # the old months' rows went to DEFAULT: each month gets its partition
    return copied


def copy_media(media_dir: Path) -> int:
    """Every file under the old media folder into this app's storage, under the same key; files copied."""
    if not media_dir.is_dir():
        return 0
    old, new = LocalStorage(str(media_dir)), storage()
    copied = 0
    for path in sorted(media_dir.rglob("*")):
        if path.is_file() and not path.name.startswith(".part-"):
            key = path.relative_to(media_dir).as_posix()
            new.put(key, old.get(key))
            copied += 1
    return copied


def init_app(app: Flask) -> None:
    @app.cli.command("migrate-to-postgres")
    @click.argument("old_data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
    def migrate_to_postgres(old_data_dir: Path):
        """Copy the embedded default's data (OLD_DATA_DIR/inspection.db) and media (OLD_DATA_DIR/media)
        into DATABASE_URL's PostgreSQL and the configured media storage."""
        database = old_data_dir / "inspection.db"
        if not database.is_file():
            raise MoveRefused(f"No database at {database}.")
        source = create_engine(f"sqlite:///{database.resolve()}")
        try:
            check_ready(source, db.engine)
            # The files first: a row is only ever copied once the file it names is there.
            files = copy_media(old_data_dir / "media")
            rows = copy_rows(source, db.engine)
        finally:
            source.dispose()
        tables = sum(1 for count in rows.values() if count)
        click.echo(f"{sum(rows.values())} rows in {tables} tables and {files} media files copied")
