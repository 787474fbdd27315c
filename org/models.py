"""Branches, outlets, counters, staff, vendors and the people who log in."""
from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, event, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from core.db import Model, TimestampMixin, utcnow
from core.permissions import ALL_ROLES


class CounterKind(str, Enum):
    CASH = "cash"
    VIP = "vip"
    CORPORATE = "corporate"


class Position(str, Enum):
    TELLER = "teller"
    LOBBY_MANAGER = "lobby_manager"
    WEALTH_MANAGER = "wealth_manager"
    ACCOUNT_MANAGER = "account_manager"
    OUTLET_MANAGER = "outlet_manager"


COUNTER_KINDS = tuple(kind.value for kind in CounterKind)
POSITIONS = tuple(position.value for position in Position)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Branch(TimestampMixin, Model):
    """A node of the bank's tree at any level (head office, province, city, sub-branch; see org.levels).
    Outlets hang under a node, normally a sub-branch."""

    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    # Used in notice numbers such as 相城支行服务整改〔2026〕第0012号.
    notice_prefix: Mapped[str] = mapped_column(String(40), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)
    level: Mapped[str] = mapped_column(String(20), default="sub_branch", server_default="sub_branch")
    # The ids from the root down to this node, "/1/4/9/": everything below is one LIKE '/1/4/%' away.
    # Set when the node is inserted and rewritten for a whole subtree when it moves (org.hierarchy).
    path: Mapped[str] = mapped_column(String(255), default="", server_default="", index=True)

    parent: Mapped[Branch | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Branch]] = relationship(back_populates="parent", order_by="Branch.code")
    outlets: Mapped[list[Outlet]] = relationship(back_populates="branch", order_by="Outlet.code")

    __table_args__ = (CheckConstraint("parent_id IS NULL OR parent_id != id", name="not_own_parent"),)


@event.listens_for(Branch, "after_insert")
def _set_path(mapper, connection, branch: Branch) -> None:
    """A new node's path is its parent's plus its own id, known only once the row exists."""
    table = Branch.__table__
    prefix = "/"
    if branch.parent_id is not None:
        prefix = connection.execute(select(table.c.path).where(table.c.id == branch.parent_id)).scalar_one()
    path = f"{prefix}{branch.id}/"
    connection.execute(update(table).where(table.c.id == branch.id).values(path=path))
    set_committed_value(branch, "path", path)


class Outlet(TimestampMixin, Model):
    __tablename__ = "outlet"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    active: Mapped[bool] = mapped_column(default=True)

    branch: Mapped[Branch] = relationship(back_populates="outlets")
    counters: Mapped[list[Counter]] = relationship(back_populates="outlet", order_by="Counter.number")
    staff: Mapped[list[Staff]] = relationship(back_populates="outlet", order_by="Staff.employee_no")

    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude_range"),
    )


class Counter(TimestampMixin, Model):
    __tablename__ = "counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(60), default="")
    active: Mapped[bool] = mapped_column(default=True)

    outlet: Mapped[Outlet] = relationship(back_populates="counters")

    __table_args__ = (
        UniqueConstraint("outlet_id", "number"),
        CheckConstraint(_in("kind", COUNTER_KINDS), name="kind"),
    )


class Staff(TimestampMixin, Model):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"), index=True)
    employee_no: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[str] = mapped_column(String(30))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    active: Mapped[bool] = mapped_column(default=True)

    outlet: Mapped[Outlet] = relationship(back_populates="staff")
    counter: Mapped[Counter | None] = relationship()

    __table_args__ = (CheckConstraint(_in("position", POSITIONS), name="position"),)


class Vendor(TimestampMixin, Model):
    __tablename__ = "vendor"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Set at a node of the tree, a vendor serves the outlets below it; none: the whole bank.
    node_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)

    node: Mapped[Branch | None] = relationship()


class User(TimestampMixin, Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(120), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(10), default="zh")
    # A vendor's coordinator hands the vendor's mystery visits to its shoppers.
    is_coordinator: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Bumped on password change so that every existing browser session stops working.
    session_epoch: Mapped[int] = mapped_column(default=0)
    # The node of the bank's tree a bank-side user works over (everything below it); none: the whole tree.
    scope_node_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)

    outlet: Mapped[Outlet | None] = relationship()
    vendor: Mapped[Vendor | None] = relationship()
    scope_node: Mapped[Branch | None] = relationship()

    __table_args__ = (
        CheckConstraint(_in("role", ALL_ROLES), name="role"),
        CheckConstraint("role != 'outlet_manager' OR outlet_id IS NOT NULL", name="outlet_scope"),
        CheckConstraint("role != 'mystery_shopper' OR vendor_id IS NOT NULL", name="vendor_scope"),
    )

    # Flask-Login protocol
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"


class ApiToken(Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    label: Mapped[str] = mapped_column(String(80), default="")

    user: Mapped[User] = relationship()


class LoginAttempt(Model):
    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    ip: Mapped[str] = mapped_column(String(45), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)


class LoginThrottle(Model):
    """Failed logins counted per key: an account as seen from untrusted clients, one client address,
    or one trusted device of an account. A key at its limit is locked for a delay that doubles with
    each further failure; attempts refused while locked are not counted."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    # The account the key belongs to ("" for a client address), so an admin can unlock it.
    username: Mapped[str] = mapped_column(String(80), default="", index=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]


class BrowserSession(Model):
    """One logged-in browser; logout revokes it, so a copied session cookie stops working."""

    __tablename__ = "browser_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # digest of the cookie's nonce
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
