"""What the filter form above a list offers its reader: the outlets they may see (none to choose for an
outlet's own manager), the kinds of inspection by name, and a few recent periods."""
from __future__ import annotations

from sqlalchemy import select

from checklists.kinds import kind_name
from core.clock import local_today
from core.extensions import db
from core.period_filter import offered_periods
from inspections.kinds import names as kind_names
from org.models import Outlet, User
from org.policies import scope_outlets


def filter_choices(user: User) -> dict:
    outlets = [] if user.outlet_id else db.session.execute(
        scope_outlets(user, select(Outlet.id, Outlet.name), Outlet.id).order_by(Outlet.code)).all()
    return {"outlets": outlets, "kinds": [(name, kind_name(name)) for name in kind_names()],
            "periods": offered_periods(local_today())}
