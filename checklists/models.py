"""Checklist templates and their immutable published versions."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Model, TimestampMixin, utcnow

if TYPE_CHECKING:
    from org.models import Branch

DRAFT, PUBLISHED = "draft", "published"


class ChecklistTemplate(TimestampMixin, Model):
    __tablename__ = "checklist_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Set at a node of the tree, a checklist is used for the outlets below it; none: the whole bank.
    # Loaded when asked for: most readers never look (the phone's checklist, a plan's assignments).
    node_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True, deferred=True)
    node: Mapped[Branch | None] = relationship(foreign_keys=[node_id])

    versions: Mapped[list[ChecklistVersion]] = relationship(
        back_populates="template", order_by="ChecklistVersion.version")

    __table_args__ = (CheckConstraint("kind IN ('onsite', '7s', 'remote', 'mystery')", name="kind"),)


class ChecklistVersion(Model):
    __tablename__ = "checklist_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id"), index=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    definition: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    item_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    template: Mapped[ChecklistTemplate] = relationship(back_populates="versions")

    __table_args__ = (
        UniqueConstraint("template_id", "version"),
        CheckConstraint("status IN ('draft', 'published')", name="status"),
    )

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def node_id(self) -> int | None:
        """The node its checklist is set at: where it applies, and who may see it (org.scope.reaches)."""
        return self.template.node_id


class PublishedVersionChanged(RuntimeError):
    pass


@event.listens_for(ChecklistVersion, "before_update")
def _published_versions_are_frozen(mapper, connection, target: ChecklistVersion) -> None:
    state = inspect(target)
    status_history = state.attrs.status.history
    was_published = (status_history.deleted and status_history.deleted[0] == PUBLISHED) or (
        not status_history.has_changes() and target.status == PUBLISHED)
    changed = [name for name in ("definition", "content_hash", "version", "template_id")
               if state.attrs[name].history.has_changes()]
    if was_published and (changed or status_history.has_changes()):
        raise PublishedVersionChanged("a published checklist version never changes; start a new draft")


@event.listens_for(ChecklistVersion, "before_delete")
def _published_versions_stay(mapper, connection, target: ChecklistVersion) -> None:
    if target.status == PUBLISHED:
        raise PublishedVersionChanged("a published checklist version is never deleted")
