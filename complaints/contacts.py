"""The complaint contact table (AB角): who handles a ledger's complaints. A handles; while A is away (until the
day set), B takes over. A ledger without a line falls back on its natural owner: the outlet's own manager (the
sub-branch's handler where the outlet has no account), or the sub-branch's first administrator."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from complaints.models import BRANCH, ContactPair
from core.extensions import db
from core.permissions import Role
from org.models import User


def scope_key(level: str, branch_id: int, outlet_id: int | None) -> str:
    return f"branch:{branch_id}" if level == BRANCH else f"outlet:{outlet_id}"


def pair_for(level: str, branch_id: int, outlet_id: int | None) -> ContactPair | None:
    return db.session.execute(
        select(ContactPair).where(ContactPair.scope_key == scope_key(level, branch_id, outlet_id))).scalar()


def a_is_away(pair: ContactPair, today: date) -> bool:
    return pair.a_away_until is not None and pair.a_away_until >= today


def handler_for(level: str, branch_id: int, outlet_id: int | None, today: date) -> int | None:
    """The user who handles a new complaint of that ledger today."""
    pair = pair_for(level, branch_id, outlet_id)
    if pair is not None:
        if a_is_away(pair, today) and pair.b_user_id is not None and _active(pair.b_user_id):
            return pair.b_user_id
        if _active(pair.a_user_id):
            return pair.a_user_id
        if pair.b_user_id is not None and _active(pair.b_user_id):
            return pair.b_user_id
    query = select(User.id).where(User.active.is_(True))
    if level != BRANCH:
        manager = db.session.execute(query.where(User.role == Role.OUTLET_MANAGER.value, User.outlet_id == outlet_id)
                                     .order_by(User.id).limit(1)).scalar()
        # An outlet without an account of its own has its complaints handled by the sub-branch.
        return manager if manager is not None else handler_for(BRANCH, branch_id, None, today)
    return db.session.execute(query.where(User.role == Role.ADMIN.value).order_by(User.id).limit(1)).scalar()


def _active(user_id: int) -> bool:
    return bool(db.session.execute(select(User.active).where(User.id == user_id)).scalar())


def stand_in(pair: ContactPair | None, handler_id: int | None, today: date) -> int | None:
    """Who else hears of an overdue complaint: the other of the pair."""
    if pair is None:
        return None
    if handler_id == pair.a_user_id:
        return pair.b_user_id
    if handler_id == pair.b_user_id and not a_is_away(pair, today):
        return pair.a_user_id
    return None
