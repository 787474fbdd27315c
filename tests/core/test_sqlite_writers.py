"""SQLite's write lock: a transaction takes it at its first write (or `with_for_update()` read), never
earlier; writers queue on a lock file beside the database; readers take no write lock at all. These run
on their own SQLite file whatever database the suite uses."""
from __future__ import annotations

import itertools
import sqlite3
import threading
import time

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, select, text, update

from core import db as core_db
from core.db import QueuedConnection

COUNTER = Table("counter", MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer))


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'queue.db'}", connect_args={"factory": QueuedConnection})
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (1, 0)"))
    yield engine
    engine.dispose()


def test_a_write_transaction_holds_the_queue_until_it_ends(engine, tmp_path):
    checked_out = engine.raw_connection()  # held, so that the pool hands out another connection below
    other: QueuedConnection = checked_out.dbapi_connection
    with engine.connect() as connection:
        connection.begin()
        connection.execute(text("SELECT n FROM counter")).all()
        other.acquire_writer(timeout=0.05)  # reading takes no lock
        other.release_writer()
        connection.execute(text("UPDATE counter SET n = 1"))
        assert (tmp_path / "queue.db-writers").exists()
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.acquire_writer(timeout=0.05)
        connection.commit()
    other.acquire_writer(timeout=0.05)
    other.release_writer()
    with engine.connect() as connection:
        connection.begin()
        connection.execute(text("UPDATE counter SET n = 2"))
        connection.rollback()  # a rollback frees the queue too
    other.acquire_writer(timeout=0.05)
    other.release_writer()
    checked_out.close()


def test_writers_in_many_threads_take_turns_and_lose_nothing(engine):
    # Read for update, then write: the read takes the write lock, so no increment is lost.
    def add_one_hundred():
        for _ in range(100):
            with engine.begin() as connection:
                n = connection.execute(select(COUNTER.c.n).where(COUNTER.c.id == 1).with_for_update()).scalar_one()
                connection.execute(update(COUNTER).where(COUNTER.c.id == 1).values(n=n + 1))

    threads = [threading.Thread(target=add_one_hundred) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == 400


def test_a_reader_does_not_wait_for_a_writer(engine):
    with engine.connect() as writer:
        writer.begin()
        writer.execute(text("UPDATE counter SET n = 99"))
        started = time.monotonic()
        with engine.connect() as reader:
            reader.begin()
            # The reader sees the last committed state, at once.
            assert reader.execute(text("SELECT n FROM counter")).scalar_one() == 0
            reader.commit()
        assert time.monotonic() - started < 1
        writer.commit()


def test_the_log_is_copied_back_after_the_lock_is_freed(engine, monkeypatch):
    monkeypatch.setattr(core_db, "_writes", itertools.count())
    with engine.connect() as connection:
        # SQLite's own checkpoint would run inside commit(), while this app's writers still wait.
        assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar_one() == 0
    for n in range(core_db.CHECKPOINT_EVERY + 1):
        with engine.begin() as connection:
            connection.execute(text("UPDATE counter SET n = :n"), {"n": n})
    raw = engine.raw_connection()  # outside any transaction, as the checkpoint in commit() runs
    busy, logged, _ = raw.dbapi_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    raw.close()
    # Only the write after the checkpoint is still in the log, not all of them.
    assert busy == 0 and 0 < logged < 10


def test_a_long_reader_holds_no_one_up_and_still_writes_afterwards(engine):
    """A request that reads, then waits (a slow upload, a PDF being drawn), then writes: others write
    meanwhile, and its own write then sees their work instead of failing on an old snapshot."""
    with engine.connect() as slow:
        slow.begin()
        assert slow.execute(text("SELECT n FROM counter")).scalar_one() == 0
        started = time.monotonic()
        with engine.begin() as quick:
            quick.execute(text("UPDATE counter SET n = n + 5"))
        assert time.monotonic() - started < 1
        slow.execute(text("UPDATE counter SET n = n + 1"))
        slow.commit()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == 6
