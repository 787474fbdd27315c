"""The reports' own records: the rule set, red/black lists with their sign-off, and the monthly rollups.
Scores themselves are never stored here: reports read the score rows the inspections wrote (through the
rollups, which hold counts and sums of them and never points: reports/rollups.py), and the confirmations of
mystery-visit evidence the mystery package keeps."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Model, utcnow

if TYPE_CHECKING:
    from org.models import Branch, Outlet, Staff, User

DRAFT, PUBLISHED = "draft", "published"
RED, BLACK, HELD = "red", "black", "held"


class ReportRule(Model):
    """One changed rule of the report rule set (rules.RULES holds the defaults)."""

    __tablename__ = "report_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    value: Mapped[float]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Set at a node, the value holds for everything below it (over the ones above); none: the whole bank's.
    node_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))

    __table_args__ = (
        UniqueConstraint("key", "node_id"),
        Index("uq_report_rule_key_whole_bank", "key", unique=True, sqlite_where=text("node_id IS NULL"),
              postgresql_where=text("node_id IS NULL")),
    )


class ServiceList(Model):
    """服务红黑榜 of one month, for one outlet or a whole branch; frozen once an admin signs it off."""

    __tablename__ = "service_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    scope: Mapped[str] = mapped_column(String(10))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"), index=True)
    # "branch:<id>" or "outlet:<id>": unique per month even where NULLs would not be.
    scope_key: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    appeal_note: Mapped[str] = mapped_column(Text, default="")
    rules: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    branch: Mapped[Branch] = relationship()
    outlet: Mapped[Outlet | None] = relationship()
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    entries: Mapped[list[ServiceListEntry]] = relationship(
        back_populates="service_list", order_by="ServiceListEntry.position", cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("month", "scope_key"),
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("scope IN ('branch', 'outlet')", name="scope"),
        CheckConstraint("scope = 'branch' OR outlet_id IS NOT NULL", name="outlet_scope"),
    )

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED


class ServiceListEntry(Model):
    __tablename__ = "service_list_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("service_list.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    colour: Mapped[str] = mapped_column(String(5))
    position: Mapped[int]
    rank: Mapped[int | None]
    points: Mapped[float]
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    appeal_note: Mapped[str] = mapped_column(Text, default="")
    # An upheld appeal takes the person off the list while keeping the record of it.
    withdrawn: Mapped[bool] = mapped_column(default=False)

    service_list: Mapped[ServiceList] = relationship(back_populates="entries")
    staff: Mapped[Staff] = relationship()

    __table_args__ = (
        UniqueConstraint("list_id", "staff_id"),
        CheckConstraint("colour IN ('red', 'black', 'held')", name="colour"),
    )


class PublishedListFrozen(RuntimeError):
    pass


@event.listens_for(ServiceList, "before_update")
def _published_lists_are_frozen(mapper, connection, target: ServiceList) -> None:
    stored = connection.execute(select(ServiceList.status).where(ServiceList.id == target.id)).scalar()
    if stored == PUBLISHED:
        raise PublishedListFrozen("a published red/black list never changes")


@event.listens_for(ServiceList, "before_delete")
def _published_lists_stay(mapper, connection, target: ServiceList) -> None:
    stored = connection.execute(select(ServiceList.status).where(ServiceList.id == target.id)).scalar()
    if stored == PUBLISHED:
        raise PublishedListFrozen("a published red/black list is never deleted")


@event.listens_for(ServiceListEntry, "before_insert")
@event.listens_for(ServiceListEntry, "before_update")
@event.listens_for(ServiceListEntry, "before_delete")
def _entries_of_published_lists_are_frozen(mapper, connection, target: ServiceListEntry) -> None:
    stored = connection.execute(select(ServiceList.status).where(ServiceList.id == target.list_id)).scalar()
    if stored == PUBLISHED:
        raise PublishedListFrozen("the entries of a published red/black list never change")


class ItemMonthRollup(Model):
    """Per local month, inspection kind and checklist item: the counted inspections' answers to the item and how
    many of those failed (the quarterly analysis's failure rate of its most frequent findings)."""

    __tablename__ = "rollup_item_month"

    month: Mapped[date] = mapped_column(primary_key=True)  # the month's first day
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    item_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    answered: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)


class OutletMonthRollup(Model):
    """Per local month, outlet and inspection kind: the counted inspections with a percent, and the sum of
    those percents in hundredths (percents are stored to two decimals, so the sum is exact)."""

    __tablename__ = "rollup_outlet_month"

    month: Mapped[date] = mapped_column(primary_key=True)  # the month's first day
    outlet_id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    scored: Mapped[int] = mapped_column(default=0)
    percent_hundredths: Mapped[int] = mapped_column(BigInteger, default=0)


class SectionMonthRollup(Model):
    """Per local month, outlet, kind and section: the counted section scores with a percent, and their sum
    in hundredths."""

    __tablename__ = "rollup_section_month"

    month: Mapped[date] = mapped_column(primary_key=True)
    outlet_id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    section_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    scored: Mapped[int] = mapped_column(default=0)
    percent_hundredths: Mapped[int] = mapped_column(BigInteger, default=0)


class StaffCycleRollup(Model):
    """Per remote cycle (its first local day, for the plan's cycle length when written) and watched person:
    counted remote checks and those with a finding. The month rows below sum these up; a month whose cycles
    are not all over yet is read from here."""

    __tablename__ = "rollup_staff_cycle"

    cycle_first: Mapped[date] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(primary_key=True)
    remote_checks: Mapped[int] = mapped_column(default=0)
    remote_failed: Mapped[int] = mapped_column(default=0)


class StaffMonthRollup(Model):
    """Per local month and person: the counted (published) findings attributed to them by severity, in the
    month of their inspection; the remote checks made in the month and those without any finding; and of the
    remote cycles that start in the month, how many had a check of them and how many checks failed."""

    __tablename__ = "rollup_staff_month"

    month: Mapped[date] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(primary_key=True)
    critical: Mapped[int] = mapped_column(default=0)
    major: Mapped[int] = mapped_column(default=0)
    minor: Mapped[int] = mapped_column(default=0)
    remote_checks: Mapped[int] = mapped_column(default=0)
    remote_passed: Mapped[int] = mapped_column(default=0)
    cycles_covered: Mapped[int] = mapped_column(default=0)
    cycle_failures: Mapped[int] = mapped_column(default=0)
