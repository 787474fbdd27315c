"""One survey result: a segment's score and rank in the system for one period, for the sub-branch as a
whole (outlet_id empty) or one outlet. A re-import of the same period, segment and scope replaces it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model, utcnow

SEGMENTS = ("corporate", "high_end_personal", "lobby")


class SurveyResult(Model):
    __tablename__ = "survey_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # 2026-Q3 (the plan's cadence) or 2026-09
    segment: Mapped[str] = mapped_column(String(20))
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"), index=True)
    score: Mapped[float]
    system_rank: Mapped[int]
    ranked_units: Mapped[int]
    peer_rank: Mapped[int | None]
    worst_items: Mapped[list] = mapped_column(JSON, default=list)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    __table_args__ = (
        CheckConstraint("segment IN ('corporate', 'high_end_personal', 'lobby')", name="segment"),
        CheckConstraint("score BETWEEN 0 AND 100", name="score_range"),
        CheckConstraint("system_rank >= 1 AND system_rank <= ranked_units", name="rank_range"),
        CheckConstraint("peer_rank IS NULL OR peer_rank >= 1", name="peer_rank_range"),
    )
