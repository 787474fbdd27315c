"""Demo step: six months of the ledger up to today. Most complaints were closed within their deadlines, a few are
open at each step, one is overdue, one was reopened after an unhappy callback, one escalated to the sub-branch and
one referred by the regulator; the contact table names the demo's handlers. Drawn from a fixed seed; a ledger that
has complaints already is left as it is."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select

from complaints import contacts, lifecycle
from complaints.models import (
    ACKNOWLEDGED,
    BRANCH,
    CALLED_BACK,
    CLOSED,
    INVESTIGATED,
    OUTLET,
    RECEIVED,
    RESOLVED,
    Complaint,
    ComplaintEvent,
    ContactPair,
)
from core import audit
from core.clock import local_midnight, local_today
from core.extensions import db
from core.seeding import step
from core.working_days import add_working_days, is_working_day
from org.models import Branch, Outlet, Staff, User

MONTHS = 6
PER_MONTH = 8
CHANNELS = ("walk_in", "walk_in", "hotline", "hotline", "hotline", "online", "letter")
# Category, what the customer said, what they asked for, what the investigation found, what was done.
STORIES = {
    "waiting": ("午间排队等候超过四十分钟，只开了两个窗口", "要求增开窗口并说明原因",
                "午间轮休安排不当，高峰时段仅开两个现金窗口", "调整弹性排班，高峰时段保证四个窗口，向客户致歉"),
    "attitude": ("柜员办理挂失时语气生硬，未做解释", "要求柜员道歉",
                 "调阅录音录像，柜员未使用文明用语", "网点负责人当面致歉，柜员参加服务礼仪复训"),
    "handling": ("办理转账时多次要求补充资料，往返三次", "要求一次性告知所需资料",
                 "柜员未按一次性告知制度执行", "制作业务资料清单张贴于厅堂，对柜员进行制度培训"),
    "fees": ("账户管理费扣费前未收到通知", "要求退还费用",
             "扣费符合规定，但短信通知未送达", "解释收费依据，协助开通短信通知，按政策减免一次"),
    "sales": ("理财经理推荐产品时未充分提示风险", "要求解释产品风险等级",
              "销售录音显示风险提示不完整", "重新进行风险揭示并录音录像，理财经理接受合规培训"),
    "facilities": ("自助取款机故障两天无人处理", "要求尽快修复",
                   "设备报修流程未闭环", "当日修复设备，建立自助设备巡检登记"),
    "privacy": ("在厅堂被大声询问身份证号码", "要求保护个人信息",
                "大堂经理未注意保护客户隐私", "设置一米线和低柜私密区，开展消保培训"),
}
CATEGORY_WEIGHTS = (("waiting", 5), ("attitude", 4), ("handling", 4), ("fees", 2), ("sales", 2),
                    ("facilities", 2), ("privacy", 1))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("秀英", "桂兰", "建国", "志明", "丽华", "海燕", "文斌", "晓东", "佳怡", "子涵", "国强", "美玲")


def _working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _at(day: date, hour: int) -> datetime:
    return local_midnight(day) + timedelta(hours=hour)


def _contacts(branch: Branch, outlet: Outlet, admin: User, manager: User | None) -> None:
    if db.session.execute(select(ContactPair.id).limit(1)).scalar() is not None:
        return
    db.session.add(ContactPair(branch_id=branch.id, outlet_id=None, scope_key=f"branch:{branch.id}",
                               a_user_id=admin.id, a_phone="0512-65880001"))
    if manager is not None:
        db.session.add(ContactPair(branch_id=branch.id, outlet_id=outlet.id, scope_key=f"outlet:{outlet.id}",
                                   a_user_id=manager.id, a_phone="0512-65880101", b_user_id=admin.id,
                                   b_phone="0512-65880001"))
    db.session.flush()


def _plan(today: date) -> list[tuple[date, str]]:
    """Received days, oldest first, and what became of each: the five most recent are still being handled, one
    at each step."""
    draw = random.Random("complaints-demo")
    first = today.replace(day=1)
    for _month in range(MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    settled_until = today - timedelta(days=21)
    days = sorted(max(first, _working_day_on_or_before(first + timedelta(days=draw.randrange(
        (settled_until - first).days + 1)))) for _ in range(MONTHS * PER_MONTH - 5))
    plan = [(day, CLOSED) for day in days]
    recent = [_working_day_on_or_before(today - timedelta(days=back)) for back in (12, 8, 5, 3, 1)]
    return plan + list(zip(recent, (CALLED_BACK, RESOLVED, INVESTIGATED, ACKNOWLEDGED, RECEIVED), strict=True))


@step("complaints")
def seed_complaints(password: str) -> str | None:
    if db.session.execute(select(Complaint.id).limit(1)).scalar() is not None:
        return None
    admin = db.session.execute(select(User).where(User.username == "admin")).scalar()
    outlets = db.session.execute(select(Outlet).order_by(Outlet.code)).scalars().all()
    if admin is None or not outlets:
        return None
    branch = db.session.get(Branch, outlets[0].branch_id)
    manager = db.session.execute(select(User).where(User.username == "outlet")).scalar()
    _contacts(branch, outlets[0], admin, manager)
    staff = {outlet.id: db.session.execute(select(Staff).where(Staff.outlet_id == outlet.id, Staff.active.is_(True))
                                           .order_by(Staff.employee_no)).scalars().all() for outlet in outlets}
    today, draw = local_today(), random.Random("complaints-demo-people")
    sequence: dict[int, int] = {}
    categories = [name for name, weight in CATEGORY_WEIGHTS for _ in range(weight)]
    plan = _plan(today)
    overdue_index = max(index for index, (_day, fate) in enumerate(plan) if fate == CLOSED)
    for index, (received_on, fate) in enumerate(plan):
        outlet = outlets[draw.randrange(len(outlets))] if index % 3 else outlets[0]
        category = categories[draw.randrange(len(categories))]
        channel = "regulator" if index == 7 else CHANNELS[draw.randrange(len(CHANNELS))]
        if index == overdue_index:
            fate = RECEIVED  # the one the sub-branch chases: past its acknowledgement
        sequence[received_on.year] = sequence.get(received_on.year, 0) + 1
        number = f"{branch.name}投诉〔{received_on.year}〕第{sequence[received_on.year]:04d}号"
        person = draw.choice(staff[outlet.id]) if staff[outlet.id] and draw.random() < 0.7 else None
        upheld = draw.random() < 0.6
        _one(index, number, branch, outlet, person, category, channel, received_on, fate, upheld, draw, admin,
             reopened=index == 11, escalated=index in (7, 15), today=today)
    db.session.flush()
    audit.record("demo.complaints", actor=None, object_type="complaint", details={"complaints": len(plan)})
    return f"{len(plan)} complaints ({plan[0][0]} to {plan[-1][0]}) and the contact table"


def _one(index, number, branch, outlet, person, category, channel, received_on, fate, upheld, draw, admin, *,
         reopened: bool, escalated: bool, today: date) -> None:
    said, asked, found, done = STORIES[category]
    level = BRANCH if escalated else OUTLET
    step_due_on, due_on = lifecycle.deadlines_from(received_on)
    handler = contacts.handler_for(level, branch.id, outlet.id, today)
    complaint = Complaint(
        year=received_on.year, sequence=int(number[-5:-1]), number=number, level=level, branch_id=branch.id,
        outlet_id=outlet.id, staff_id=person.id if person else None, channel=channel, category=category,
        severity="serious" if channel == "regulator" else "general",
        customer_name=draw.choice(SURNAMES) + draw.choice(GIVEN), customer_phone=f"13{draw.randrange(10**9):09d}",
        description=said, request=asked, status=RECEIVED, received_on=received_on, step_due_on=step_due_on,
        due_on=due_on, handler_id=handler, received_by_id=handler, created_at=_at(received_on, 10))
    db.session.add(complaint)
    db.session.flush()
    events = [("received", received_on, said)]
    if escalated:
        complaint.escalated_at = _at(received_on, 11)
        events.append(("escalated", received_on, "监管转办，支行直接处理" if channel == "regulator" else "客户要求支行出面处理"))
    order = (ACKNOWLEDGED, INVESTIGATED, RESOLVED, CALLED_BACK, CLOSED)
    wanted = order.index(fate) + 1 if fate in order else 0
    day = received_on
    for position, status in enumerate(order[:wanted]):
        day = min(today, add_working_days(day, 1 if position == 0 else draw.randint(1, 3)))
        if status == INVESTIGATED:
            complaint.upheld, complaint.findings_text = upheld, found if upheld else "经调阅录音录像，员工操作符合规定"
        if status == RESOLVED:
            complaint.resolution, complaint.resolved_at = done, _at(day, 15)
        if status == CALLED_BACK and reopened:
            events.append(("reopened", day, "客户对处理结果不满意，要求进一步说明"))
            complaint.reopen_count = 1
            day = min(today, add_working_days(day, 2))
            events.append(("investigated", day, "再次核实并补充说明"))
            events.append(("resolved", day, done))
        if status == CLOSED:
            complaint.closed_at = _at(day, 17)
        note = {INVESTIGATED: complaint.findings_text, RESOLVED: done, CALLED_BACK: "客户表示满意"}.get(status, "")
        events.append((lifecycle.EVENT_OF[_step_to(status)], day, note))
        complaint.status = status
    complaint.step_due_on = lifecycle.next_step_due(complaint.status, day, complaint.due_on) \
        if complaint.status != RECEIVED else step_due_on
    for offset, (action, on, note) in enumerate(events):
        db.session.add(ComplaintEvent(complaint_id=complaint.id, action=action, actor_id=handler, note=note,
                                      at=_at(on, 10 + min(offset, 7))))


def _step_to(status: str) -> str:
    return next(step for step, (_starts, leads_to) in lifecycle.STEPS.items() if leads_to == status)
