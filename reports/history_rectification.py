"""The demo history's rectification loop: each finding taken as far as its age makes likely (old ones
mostly closed, some after a rejected first fix, a few left overdue; recent ones open or awaiting
verification), with the outlet's responses, the inspector's verifications, and the notices."""
from __future__ import annotations

import random
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, insert, select

from core.clock import local_zone
from core.db import utcnow
from core.extensions import db
from org.models import Branch, Outlet
from rectification.models import Finding, Notice, Response, Verification

RESPONSES = ["已整改，附整改后照片。", "已组织网点人员学习相关规范并现场纠正。", "已更换并重新张贴，专人每日检查。",
             "已对当事员工进行提醒教育，晨会通报。"]
REJECTIONS = ["照片未能体现整改效果，请补充。", "整改不彻底，请重新落实。"]


def _walk(finding: dict, today: date, now) -> list[tuple]:
    """Set the finding's status and times; return its (response time, verdict, reason, verified time) steps."""
    rng = random.Random(f"rectify:{finding['inspection_id']}:{finding['item_key']}")
    raised = finding["created_at"]
    finding.update(status="open", responded_at=None, closed_at=None, updated_at=raised, responded_late=False,
                   verification_due_date=None)
    old = finding["due_date"] < today - timedelta(days=10)
    roll = rng.random()
    outcome = ("closed" if roll < 0.88 else "responded" if roll < 0.93 else "open") if old else \
        ("closed" if roll < 0.45 else "responded" if roll < 0.75 else "open")
    allowed = max(1, (finding["due_date"] - raised.astimezone(local_zone()).date()).days)
    responded = raised + timedelta(days=rng.uniform(0.5, allowed + 2), hours=rng.randint(0, 6))
    if responded + timedelta(days=7) > now:  # nothing is dated after today
        outcome = "open" if responded > now else "responded"
    if outcome == "open":
        return []
    steps = []
    if outcome == "closed" and rng.random() < 0.1:
        steps.append((responded, False, rng.choice(REJECTIONS), responded + timedelta(days=1)))
        responded += timedelta(days=rng.uniform(2, 4))
    closed = responded + timedelta(days=rng.uniform(0.3, 2.5)) if outcome == "closed" else None
    steps.append((responded, True if closed else None, "", closed))
    answered_on = responded.astimezone(local_zone()).date()
    finding.update(status=outcome, responded_at=responded, closed_at=closed, updated_at=closed or responded,
                   responded_late=answered_on > finding["due_date"],
                   verification_due_date=answered_on + timedelta(days=current_app.config["FINDING_VERIFICATION_DAYS"]))
    return steps


def write(findings: list[dict], users: dict, today: date) -> None:
    now = utcnow()
    walks = [_walk(finding, today, now) for finding in findings]
    table = Finding.__table__
    ids = db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                             findings).scalars().all()
    responses, verdicts = [], []
    for finding_id, finding, steps in zip(ids, findings, walks):
        author = users["outlet"] if users["outlet"].outlet_id == finding["outlet_id"] else users["admin"]
        for index, (responded, accepted, reason, verified) in enumerate(steps):
            rng = random.Random(f"response:{finding_id}:{index}")
            responses.append({"finding_id": finding_id, "author_id": author.id, "text": rng.choice(RESPONSES),
                              "photo_ids": [], "created_at": responded})
            verdicts.append((finding_id, accepted, reason, verified))
    if not responses:
        return
    response_table = Response.__table__
    response_ids = db.session.execute(insert(response_table).returning(response_table.c.id,
                                                                       sort_by_parameter_order=True),
                                      responses).scalars().all()
    rows = [{"finding_id": finding_id, "response_id": response_id, "inspector_id": users["inspector"].id,
             "accepted": accepted, "reason": reason, "created_at": verified}
            for response_id, (finding_id, accepted, reason, verified) in zip(response_ids, verdicts)
            if accepted is not None]
    if rows:
        db.session.execute(insert(Verification.__table__), rows)


def issue_notices(findings: list[dict], inspections: dict[int, dict]) -> None:
    """A numbered notice per inspection with findings, dated when its findings reached the outlet and
    numbered on from the branch's last notice of the year, as rectification.notices.issue numbers them."""
    raised: dict[int, object] = {}
    for finding in findings:
        raised[finding["inspection_id"]] = min(raised.get(finding["inspection_id"], finding["created_at"]),
                                               finding["created_at"])
    branches = {outlet_id: branch for outlet_id, branch in db.session.execute(
        select(Outlet.id, Branch).join(Branch, Branch.id == Outlet.branch_id))}
    following: dict[tuple[int, int], int] = {}
    rows = []
    for inspection_id, issued_at in sorted(raised.items(), key=lambda pair: (pair[1], pair[0])):
        inspection = inspections[inspection_id]
        branch = branches[inspection["outlet_id"]]
        year = inspection["submitted_at"].astimezone(local_zone()).year
        key = (branch.id, year)
        if key not in following:
            following[key] = (db.session.execute(select(func.max(Notice.sequence)).where(
                Notice.branch_id == branch.id, Notice.year == year)).scalar() or 0) + 1
        sequence = following[key]
        following[key] += 1
        prefix = branch.notice_prefix or f"{branch.name}服务整改"
        rows.append({"inspection_id": inspection_id, "outlet_id": inspection["outlet_id"], "branch_id": branch.id,
                     "year": year, "sequence": sequence, "number": f"{prefix}〔{year}〕第{sequence:04d}号",
                     "issued_at": issued_at})
    db.session.execute(insert(Notice.__table__), rows)
