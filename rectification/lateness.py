"""Whose lateness: the outlet's and the verifier's are kept apart.

The outlet is judged on its answer. A finding it has not answered (or whose answer was rejected) is
overdue for the outlet (网点逾期) once its deadline has passed; an answer sent after the deadline
stays counted as answered late; an answer sent in time is never the outlet's lateness, however long
it waits for verification. That wait is the verifier's: an answer not verified by its verification
due date is overdue for verification (验证逾期).

Every list, filter, figure and reminder reads these rules from here, as SQL conditions or for one
finding in Python.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_

from core.clock import local_zone
from rectification.models import Finding


def outlet_overdue(today: date) -> ColumnElement[bool]:
    """Waiting for the outlet, and past its deadline."""
    return and_(Finding.status == "open", Finding.due_date < today)


def answered_late() -> ColumnElement[bool]:
    """Answered (waiting for verification or closed) after the deadline."""
    return and_(Finding.status != "open", Finding.responded_late.is_(True))


def outlet_late(today: date) -> ColumnElement[bool]:
    """The outlet's lateness as the figures count it: overdue now, or answered late."""
    return or_(outlet_overdue(today), answered_late())


def verification_overdue(today: date) -> ColumnElement[bool]:
    """An answer waiting for verification past its verification due date."""
    return and_(Finding.status == "responded", Finding.verification_due_date < today)


def is_outlet_overdue(finding: Finding, today: date) -> bool:
    return finding.status == "open" and finding.due_date is not None and finding.due_date < today


def is_answered_late(finding: Finding) -> bool:
    return finding.status != "open" and bool(finding.responded_late)


def is_verification_overdue(finding: Finding, today: date) -> bool:
    return (finding.status == "responded" and finding.verification_due_date is not None
            and finding.verification_due_date < today)


def local_day(moment: datetime) -> date:
    return moment.astimezone(local_zone()).date()


def judge_answer(finding: Finding, moment: datetime) -> dict:
    """What an answer arriving at `moment` sets: late or not, and the day it is to be verified by."""
    day = local_day(moment)
    return {"responded_late": finding.due_date is not None and day > finding.due_date,
            "verification_due_date": day + timedelta(days=current_app.config["FINDING_VERIFICATION_DAYS"])}


def deadline_after_rejection(finding: Finding, moment: datetime) -> date | None:
    """The outlet's deadline once its answer is rejected at `moment`: an answer sent in time earns at
    least FINDING_REWORK_DAYS to fix it again (the time the verifier took is not the outlet's); an
    answer sent late keeps the deadline it missed."""
    if finding.due_date is None or finding.responded_late:
        return finding.due_date
    rework = local_day(moment) + timedelta(days=current_app.config["FINDING_REWORK_DAYS"])
    return max(finding.due_date, rework)
