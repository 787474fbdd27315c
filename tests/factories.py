"""Factories shared by every test package: the organisation, pictures, bearer headers, a live server,
and the clock. (Fixtures here are made available to all tests by tests/conftest.py.)"""
from __future__ import annotations

import io
import os
import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import time_machine
from PIL import Image, ImageDraw
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from core.db import UTCDateTime, utcnow
from org import accounts
from org.models import Branch, Counter, Outlet, Staff, User, Vendor

PASSWORD = "test-pass-2026"
# Test users' passwords are hashed cheaply (the app under test does the same: TEST_PASSWORD_HASH_METHOD);
# production always uses the slow default, see core.security.
CHEAP_HASH_METHOD = "pbkdf2:sha256:1"
PASSWORD_HASH = generate_password_hash(PASSWORD, method=CHEAP_HASH_METHOD)


class Org:
    """A small bank: one branch, outlets A and B with counters and staff, one vendor."""

    def __init__(self, db, *, before_tree: bool = False):
        """`before_tree`: on a database migrated only as far as before the bank's tree (branch without parent,
        level and path), the branch is written with the columns it had then."""
        self.db = db
        if before_tree:
            self.branch = self._old_branch(code="XC", name="相城支行", notice_prefix="相城支行服务整改")
        else:
            self.branch = Branch(code="XC", name="相城支行", notice_prefix="相城支行服务整改")
            db.session.add(self.branch)
            db.session.flush()
        self.outlet_a = self._outlet("A01", "元和支行")
        self.outlet_b = self._outlet("B01", "黄埭支行")
        self.vendor = self._vendor(code="V01", name="明察调研")
        self.staff_a = self.outlet_a.staff
        self.staff_b = self.outlet_b.staff
        self.users = {}
        db.session.commit()

    def _columns(self, table: str) -> set[str]:
        return {column["name"] for column in sa.inspect(self.db.session.connection()).get_columns(table)}

    def _vendor(self, **values):
        """A vendor; on a database migrated only as far as before vendors were set at nodes, with the columns
        it had then."""
        columns = self._columns("vendor")
        if "node_id" in columns:
            vendor = Vendor(**values)
            self.db.session.add(vendor)
            self.db.session.flush()
            return vendor
        now = utcnow()
        row = {"contact": "", "active": True, **values, "created_at": now, "updated_at": now}
        table = sa.table("vendor", *(sa.column(name) for name in row if not name.endswith("_at")),
                         sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()), sa.column("id"))
        ident = self.db.session.execute(sa.insert(table).values(row).returning(table.c.id)).scalar_one()
        return SimpleNamespace(id=ident, **values)

    def _old_branch(self, **values) -> SimpleNamespace:
        now = utcnow()
        columns = {"name_en": "", **values, "created_at": now, "updated_at": now}
        table = sa.table("branch", *(sa.column(name) for name in columns if not name.endswith("_at")),
                         sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()), sa.column("id"))
        ident = self.db.session.execute(sa.insert(table).values(columns).returning(table.c.id)).scalar_one()
        return SimpleNamespace(id=ident, **values)

    def _outlet(self, code, name):
        outlet = Outlet(branch_id=self.branch.id, code=code, name=name, address="苏州市相城区",
                        latitude=31.37, longitude=120.64)
        self.db.session.add(outlet)
        self.db.session.flush()
        counter = Counter(outlet_id=outlet.id, number=1, kind="cash", label="现金窗口")
        self.db.session.add(counter)
        self.db.session.flush()
        for index, (staff_name, position) in enumerate([("王晓燕", "teller"), ("李志强", "teller"),
                                                         ("张文静", "lobby_manager")], start=1):
            self.db.session.add(Staff(outlet_id=outlet.id, employee_no=f"{code}-{index}", name=staff_name,
                                      position=position, counter_id=counter.id if position == "teller" else None))
        self.db.session.flush()
        return outlet

    def user(self, role: str, username: str | None = None, outlet=None, vendor=None) -> User:
        username = username or role
        if role == "outlet_manager" and outlet is None:
            outlet = self.outlet_a
        if role == "mystery_shopper" and vendor is None:
            vendor = self.vendor
        values = {"username": username, "display_name": username, "role": role, "password_hash": PASSWORD_HASH,
                  "outlet_id": outlet.id if outlet else None, "vendor_id": vendor.id if vendor else None}
        columns = self._columns("user_account")
        if "scope_node_id" not in columns:
            return self._old_user(values, columns)
        user = User(**values)
        self.db.session.add(user)
        self.db.session.commit()
        self.users[username] = user
        return user

    def _old_user(self, values: dict, columns: set[str]) -> SimpleNamespace:
        """An account written with the columns its table had at an older migration (a test of migrations)."""
        now = utcnow()
        row = {"active": True, "locale": "zh", "is_coordinator": False, "session_epoch": 0, "email": "", **values,
               "created_at": now, "updated_at": now}
        row = {key: value for key, value in row.items() if key in columns}
        table = sa.table("user_account", *(sa.column(name) for name in row if not name.endswith("_at")),
                         sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()), sa.column("id"))
        ident = self.db.session.execute(sa.insert(table).values(row).returning(table.c.id)).scalar_one()
        self.db.session.commit()
        user = SimpleNamespace(id=ident, **values)
        self.users[values["username"]] = user
        return user


def jpeg(size=(64, 48), *, exif: bytes | None = None, noise: bool = True, seed: int | None = None) -> bytes:
    """A JPEG. With noise (the default) its bytes are unique to this call; with a `seed` it is a small
    picture of a coloured box that the seed places (as a phone photo of something); else one colour."""
    if seed is not None:
        image = Image.new("RGB", size, (40 + seed * 30 % 200, 90, 160))
        ImageDraw.Draw(image).rectangle([seed * 20, seed * 10, seed * 20 + 400, seed * 10 + 300],
                                        fill=(230, 200, 40))
    elif noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (40, 120, 200))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85 if seed is not None else 90, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def png(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def bearer_headers(user) -> dict:
    """Bearer headers of a token minted directly (no password check), inside an app context: for
    permission matrices and setup. The token endpoint itself is exercised through `token_for`."""
    return {"Authorization": f"Bearer {accounts.issue_token(user).token}"}


@pytest.fixture
def bearer(app):
    return bearer_headers


@pytest.fixture
def live_server(app, db):
    """The app behind a real threaded HTTP server on a free port; its base URL (http://127.0.0.1:port).

    The test's own session must hold no transaction while the server works (SQLite takes the write
    lock when a transaction begins), so it is committed here and tests read data they need first."""
    db.session.commit()
    server = make_server(host="127.0.0.1", port=0, app=app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


class Clock:
    """The time every part of the app reads (datetime.now, time.time), moved forward by the test."""

    def __init__(self, traveller):
        self._traveller = traveller

    def now(self) -> datetime:
        return datetime.now(UTC)

    def advance(self, delta: timedelta) -> None:
        self._traveller.shift(delta)


@pytest.fixture
def clock():
    with time_machine.travel(datetime.now(UTC), tick=True) as traveller:
        yield Clock(traveller)
