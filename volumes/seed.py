"""Demo step: six months up to the current one of business volume and service errors for the demo tellers,
drawn from a seed per teller and month; a month that already has counts is left as it is."""
from __future__ import annotations

import random

from sqlalchemy import select

from core.clock import local_today
from core.extensions import db
from core.seeding import step
from org.models import Outlet, Staff
from org.seed import OUTLETS, SIBLING_OUTLETS
from volumes import months
from volumes.models import ERRORS, TRANSACTIONS, TellerCount

MONTHS = 6
# Business type and the typical count a teller handles in a month.
BUSINESS_TYPES = (("个人存取款", 900), ("对公结算", 250), ("开户", 80), ("转账汇款", 420), ("其他", 120))
ERROR_KINDS = ("操作差错", "凭证差错")
# Per demo outlet, in order: errors per 10,000 transactions around which its tellers lie.
ERROR_LEVELS = (6, 10, 14, 8, 20, 9, 12, 16, 7, 11)


@step("volumes")
def seed_volumes(password: str) -> str | None:
    codes = [code for code, *_rest in OUTLETS + SIBLING_OUTLETS]
    level_of = dict(zip(codes, ERROR_LEVELS, strict=True))
    tellers = db.session.execute(select(Staff, Outlet.code).join(Outlet, Outlet.id == Staff.outlet_id)
                                 .where(Outlet.code.in_(codes), Staff.position == "teller")
                                 .order_by(Staff.employee_no)).all()
    if not tellers:
        return None
    month = local_today().replace(day=1)
    wanted = []
    for _index in range(MONTHS):
        wanted.append(month)
        month = months.previous(month)
    stored = set(db.session.execute(select(TellerCount.month).distinct()
                                    .where(TellerCount.month.in_(wanted))).scalars())
    added = 0
    for month in sorted(set(wanted) - stored):
        for staff, code in tellers:
            draw = random.Random(f"{staff.employee_no}-{months.text(month)}")
            volume = 0
            for label, typical in BUSINESS_TYPES:
                count = max(0, round(draw.gauss(typical, typical / 5)))
                volume += count
                db.session.add(TellerCount(month=month, staff_id=staff.id, measure=TRANSACTIONS, label=label,
                                           count=count))
            expected = volume * level_of[code] * draw.uniform(0.3, 1.7) / 10_000
            for label, share in zip(ERROR_KINDS, (0.7, 0.3), strict=True):
                db.session.add(TellerCount(month=month, staff_id=staff.id, measure=ERRORS, label=label,
                                           count=round(expected * share * draw.uniform(0.5, 1.5))))
            added += 1
    db.session.flush()
    return f"{added} teller-months of volumes and errors" if added else None
