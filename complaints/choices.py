"""What the ledger's forms offer their reader: the outlets they may record complaints for and those outlets'
staff, the users who may handle a complaint or stand in a line of the contact table; and the complaint an intake
form already recorded."""
from __future__ import annotations

from sqlalchemy import select

from complaints.contacts import scope_key
from complaints.models import BRANCH, OUTLET, Complaint, ContactPair
from complaints.operations import may_handle_ledger
from complaints.policies import may_receive_for
from core.extensions import db
from core.permissions import Role
from org.models import Branch, Outlet, Staff, User
from org.policies import scope_outlets


def visible_outlets(user: User) -> list[Outlet]:
    return list(db.session.execute(scope_outlets(user, select(Outlet), Outlet.id).order_by(Outlet.code)).scalars())


def intake_outlets(user: User) -> list[Outlet]:
    return [outlet for outlet in visible_outlets(user) if outlet.active and may_receive_for(user, outlet.id)]


def staff_by_outlet(outlets: list[Outlet]) -> list[tuple[Outlet, list[Staff]]]:
    ids = [outlet.id for outlet in outlets]
    staff = db.session.execute(select(Staff).where(Staff.outlet_id.in_(ids), Staff.active.is_(True))
                               .order_by(Staff.employee_no)).scalars().all() if ids else []
    return [(outlet, [person for person in staff if person.outlet_id == outlet.id]) for outlet in outlets]


def outlet_staff(outlet_id: int) -> list[Staff]:
    return list(db.session.execute(select(Staff).where(Staff.outlet_id == outlet_id, Staff.active.is_(True))
                                   .order_by(Staff.employee_no)).scalars())


def _active_users(*conditions) -> list[User]:
    return list(db.session.execute(select(User).where(User.active.is_(True), *conditions)
                                   .order_by(User.role, User.username)).scalars())


def recorded_intake(client_uuid: str, user: User) -> Complaint | None:
    """The complaint this person already recorded from the intake form of that UUID, if any."""
    return db.session.execute(select(Complaint).where(Complaint.client_uuid == client_uuid,
                                                      Complaint.received_by_id == user.id)).scalar()


def handlers_for(complaint: Complaint) -> list[User]:
    """The active users the complaint may be handed to."""
    candidates = _active_users(User.role.in_((Role.ADMIN.value, Role.OUTLET_MANAGER.value)))
    return [user for user in candidates if may_handle_ledger(user, complaint)]


def contact_users(outlet_id: int | None) -> list[User]:
    """Who may stand in a line of the contact table: administrators, and for an outlet its managers."""
    if outlet_id is None:
        return _active_users(User.role == Role.ADMIN.value)
    return _active_users((User.role == Role.ADMIN.value)
                         | ((User.role == Role.OUTLET_MANAGER.value) & (User.outlet_id == outlet_id)))


def contact_lines() -> list[dict]:
    """The contact table's lines: for each node holding outlets (a sub-branch) its own, then one per active outlet,
    with who may stand in. Nodes above (a city, a province) keep no ledger of their own."""
    pairs = {pair.scope_key: pair for pair in db.session.execute(select(ContactPair)).scalars()}
    lines = []
    for branch in db.session.execute(select(Branch).where(Branch.outlets.any()).order_by(Branch.id)).scalars():
        lines.append({"key": f"{branch.id}:", "branch": branch, "outlet": None,
                      "pair": pairs.get(scope_key(BRANCH, branch.id, None)), "users": contact_users(None)})
        for outlet in db.session.execute(select(Outlet).where(Outlet.branch_id == branch.id, Outlet.active.is_(True))
                                         .order_by(Outlet.code)).scalars():
            lines.append({"key": f"{branch.id}:{outlet.id}", "branch": branch, "outlet": outlet,
                          "pair": pairs.get(scope_key(OUTLET, branch.id, outlet.id)), "users": contact_users(outlet.id)})
    return lines
