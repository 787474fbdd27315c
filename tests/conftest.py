"""Fixtures: one migrated database per run (SQLite, or PostgreSQL with TEST_ON_POSTGRES=1),
emptied after every test; an app, a client, a CLI runner, and factories for the organisation."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from core.extensions import db as _db
from core.security import hash_password
from org.models import Branch, Counter, Outlet, Staff, User, Vendor
from tests.support import fresh_request_globals  # noqa: F401  (autouse: every request gets a fresh g)

PASSWORD = "test-pass-2026"
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
_PASSWORD_HASH = hash_password(PASSWORD)


def _database_url(tmp_path_factory) -> str:
    if os.environ.get("TEST_ON_POSTGRES"):
        url = os.environ["TEST_DATABASE_URL"]
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


class ClosingClient(FlaskClient):
    """Ends each request as a server does: the request's database session is finished, then the
    response is closed, which runs the work the request left for after its response (jobs.enqueue).
    (Test requests share the test's app context, and with it its session.)"""

    def open(self, *args, **kwargs):
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
    application = create_app({"TESTING": True, "DEMO_PASSWORD": PASSWORD, "SERVER_NAME": None, "REDIS_URL": ""})
    application.test_client_class = ClosingClient
    with application.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def db(app):
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())


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


class Org:
    """A small bank: one branch, outlets A and B with counters and staff, one vendor."""

    def __init__(self, db):
        self.db = db
        self.branch = Branch(code="XC", name="相城支行", notice_prefix="相城支行服务整改")
        db.session.add(self.branch)
        db.session.flush()
        self.outlet_a = self._outlet("A01", "元和支行")
        self.outlet_b = self._outlet("B01", "黄埭支行")
        self.vendor = Vendor(code="V01", name="明察调研")
        db.session.add(self.vendor)
        db.session.flush()
        self.staff_a = self.outlet_a.staff
        self.staff_b = self.outlet_b.staff
        self.users = {}
        db.session.commit()

    def _outlet(self, code, name):
        outlet = Outlet(branch_id=self.branch.id, code=code, name=name, address="苏州市相城区",
                        latitude=31.37, longitude=120.64)
        self.db.session.add(outlet)
        self.db.session.flush()
        counter = Counter(outlet_id=outlet.id, number=1, kind="cash", label="现金窗口")
        self.db.session.add(counter)
        self.db.session.flush()
        for index, (name, position) in enumerate([("王晓燕", "teller"), ("李志强", "teller"),
                                                   ("张文静", "lobby_manager")], start=1):
            self.db.session.add(Staff(outlet_id=outlet.id, employee_no=f"{code}-{index}", name=name,
                                      position=position, counter_id=counter.id if position == "teller" else None))
        self.db.session.flush()
        return outlet

    def user(self, role: str, username: str | None = None, outlet=None, vendor=None) -> User:
        username = username or role
        if role == "outlet_manager" and outlet is None:
            outlet = self.outlet_a
        if role == "mystery_shopper" and vendor is None:
            vendor = self.vendor
        user = User(username=username, display_name=username, role=role, password_hash=_PASSWORD_HASH,
                    outlet_id=outlet.id if outlet else None, vendor_id=vendor.id if vendor else None)
        self.db.session.add(user)
        self.db.session.commit()
        self.users[username] = user
        return user


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
