"""Demo step: the plan's four cadences, and this period's assignments."""
from __future__ import annotations

from sqlalchemy import select

from checklists.models import ChecklistTemplate
from core.clock import local_today
from core.extensions import db
from core.seeding import step
from inspections.models import Plan
from inspections.scheduling import generate_all
from org.models import User, Vendor

DEMO_PLANS = [
    # name, template code, cadence, visits per period, assignee username, vendor code
    ("每月现场服务检查", "onsite-service", "monthly", 1, "inspector", None),
    ("每月7S检查", "7s-workplace", "monthly", 1, "inspector", None),
    ("实时非现场检查（每二天一个循环）", "remote-realtime", "cycle", 1, "monitor", None),
    ("第三方神秘人暗访（每季度两次）", "mystery-visit", "quarterly", 2, "shopper", "V01"),
]


@step("plans")
def seed_plans(password: str) -> str | None:
    created = 0
    for name, code, cadence, visits, username, vendor_code in DEMO_PLANS:
        if db.session.execute(select(Plan).where(Plan.name == name)).scalar() is not None:
            continue
        template = db.session.execute(select(ChecklistTemplate).where(ChecklistTemplate.code == code)).scalar()
        assignee = db.session.execute(select(User).where(User.username == username)).scalar()
        vendor = db.session.execute(select(Vendor).where(Vendor.code == vendor_code)).scalar() if vendor_code else None
        if template is None or assignee is None:
            continue
        db.session.add(Plan(name=name, kind=template.kind, template_id=template.id, cadence=cadence,
                            visits_per_period=visits, assignee_id=assignee.id,
                            vendor_id=vendor.id if vendor else None, window_days=7))
        created += 1
    db.session.flush()
    generated = sum(generate_all(local_today()).values())
    if not created and not generated:
        return None
    return f"{created} plans, {generated} assignments"
