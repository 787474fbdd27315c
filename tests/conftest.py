"""Fixtures: one migrated database per run and xdist worker (SQLite, or PostgreSQL with TEST_ON_POSTGRES=1),
emptied after every test; an app, a client, a CLI runner, the demo seeded once, and (from tests/factories.py)
factories for the organisation, pictures, bearer headers, a live server and the clock."""
from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask, request_started
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from app import create_app
from core.extensions import db as _db
from tests.factories import CHEAP_HASH_METHOD, PASSWORD, Org, bearer, clock, live_server  # noqa: F401  (fixtures)
from tests.support import clear_request_globals, empty_database, fresh_request_globals  # noqa: F401  (autouse: a fresh g)

ROOT = Path(__file__).resolve().parent.parent


def _compile_translations() -> None:
    """`make test` compiles the catalogs; this keeps a bare `pytest` run in Chinese too."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as source, mo_path.open("wb") as target:
                write_mo(target, read_po(source))


_compile_translations()


def _database_url(tmp_path_factory, purpose: str = "test") -> str:
    """An empty database for this run (this xdist worker): SQLite in its temporary folder; on PostgreSQL,
    TEST_DATABASE_URL itself, or a database named after it, the worker and the purpose (made when missing)."""
    if os.environ.get("TEST_ON_POSTGRES"):
        suffixes = [part for part in (os.environ.get("PYTEST_XDIST_WORKER"), purpose if purpose != "test" else None)
                    if part]
        url = _own_database(os.environ["TEST_DATABASE_URL"], suffixes)
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / f'{purpose}.db'}"


def _own_database(url: str, suffixes: list[str]) -> str:
    if not suffixes:
        return url
    parsed = make_url(url)
    name = "_".join([parsed.database, *suffixes])
    server = create_engine(parsed.set(drivername="postgresql+psycopg", database="postgres"),
                           isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).scalar():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _test_app(data_dir: Path, database_url: str, *, migrated: bool = True):
    application = create_app({
        "TESTING": True, "DEMO_PASSWORD": PASSWORD, "SERVER_NAME": None, "REDIS_URL": "",
        "TEST_PASSWORD_HASH_METHOD": CHEAP_HASH_METHOD, "DATA_DIR": str(data_dir), "MEDIA_DIR": str(data_dir / "media"),
        "SQLALCHEMY_DATABASE_URI": database_url.replace("postgresql://", "postgresql+psycopg://", 1)})
    application.test_client_class = ClosingClient
    if migrated:
        with application.app_context():
            upgrade(directory=str(ROOT / "migrations"))
    return application


class ClosingClient(FlaskClient):
    """Test requests share the test's app context, and with it its session; each request is made as
    another client's would be: what the test set up is committed first (its own unit of work), and
    the request's session is finished after it as a server does, then the response is closed, which
    runs the work the request left for after its response (jobs.enqueue)."""

    def open(self, *args, **kwargs):
        _db.session.commit()
        kwargs["buffered"] = False
        response = super().open(*args, **kwargs)
        response.get_data()
        _db.session.rollback()
        response.close()
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    os.environ["DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = _database_url(tmp_path_factory)
    # Jobs run after each response in the test process; the tests that use Redis say so themselves.
    application = _test_app(data_dir, os.environ["DATABASE_URL"])
    yield application
    _close_connections(application)


def _close_connections(application) -> None:
    with application.app_context():
        for engine in _db.engines.values():
            engine.dispose()


@pytest.fixture
def unmigrated_app(tmp_path_factory):
    """An app on an empty database of its own, for tests that walk the migrations with data in it."""
    application = _test_app(tmp_path_factory.mktemp("migration-data"),
                            _database_url(tmp_path_factory, "migrations"), migrated=False)
    yield application
    _close_connections(application)


@dataclass
class SeededDemo:
    """The demo bank (`flask seed-demo`), seeded once per session into a database of its own."""

    app: Flask
    output: str  # what the first seeding printed

    def seed(self) -> str:
        result = self.app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        return result.output


@pytest.fixture(scope="session")
def _seeded_demo(app, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo-data")
    demo = SeededDemo(_test_app(data_dir, _database_url(tmp_path_factory, "demo")), "")
    with demo.app.app_context():
        demo.output = demo.seed()
    yield demo
    _close_connections(demo.app)


@pytest.fixture
def seeded_demo(_seeded_demo, db):
    """The seeded demo; the test runs in its app (`db.session` reads its database). Tests that only read
    it, or seed it again, share it: mark them `@pytest.mark.xdist_group("seeded_demo")` to seed it once."""
    request_started.connect(clear_request_globals, _seeded_demo.app)
    try:
        with _seeded_demo.app.app_context():
            yield _seeded_demo
            db.session.rollback()
            db.session.remove()
    finally:
        request_started.disconnect(clear_request_globals, _seeded_demo.app)


@pytest.fixture(autouse=True)
def db(app):
    with app.app_context():
        yield _db
        empty_database()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def redis_jobs(app, monkeypatch):
    """Jobs go on the RQ queue of a real Redis (a database of the tests' own, emptied before and after);
    a failed job is tried again at once, three times."""
    from core import jobs

    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/14"
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setitem(app.config, "JOB_RETRY_DELAYS", [0, 0, 0])
    connection = jobs._redis(url)
    connection.flushdb()
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield jobs.queue(app)
    for number, handler in handlers.items():  # a worker installs its own; the test run keeps pytest's
        signal.signal(number, handler)
    connection.flushdb()


@pytest.fixture
def csrf_off(app):
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True


@pytest.fixture
def org(db):
    return Org(db)


ALL_ROLES = ("admin", "inspector", "remote_monitor", "mystery_shopper", "outlet_manager", "viewer")


@pytest.fixture
def users(org):
    return {role: org.user(role) for role in ALL_ROLES}


@pytest.fixture
def token_for(client):
    """Bearer headers for a user, obtained through the real token endpoint."""

    def issue(user, password=PASSWORD) -> dict:
        response = client.post("/api/v1/auth/tokens", json={"username": user.username, "password": password})
        assert response.status_code == 201, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return issue


@pytest.fixture
def login(client):
    """Log a browser session in through the real form (CSRF token included)."""
    import re

    def do(user, password=PASSWORD):
        page = client.get("/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
        response = client.post("/login", data={"username": user.username, "password": password,
                                               "csrf_token": token})
        assert response.status_code == 302, response.data[:500]
        return token

    return do
