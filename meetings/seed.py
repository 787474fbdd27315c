"""Demo: the meetings on the two quarters before the current one, each held in the first weeks of the
quarter after, with their action items: some done, some still open, one of the earlier meeting's past
its deadline and carried over to the later one. Written once; a quarter already recorded is left alone."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from core import audit
from core.clock import local_today
from core.extensions import db
from core.seeding import step
from meetings import quarters
from meetings.models import DONE, OPEN, RECORDED, ActionItem, Meeting
from org.models import Outlet, User
from org.seed import OUTLETS

ATTENDEES = ("支行行长（服务领导小组组长）", "分管副行长", "个人金融部总经理", "公司业务部总经理", "综合管理部总经理",
             "运营管理部总经理", "各网点负责人", "第三方暗访机构代表（列席）")
EARLIER = {
    "points": "一、客户满意度：本季度测评对公客户系统内排名较上季度前移，厅堂服务仍未进入系统内前六，客户集中反映叫号等候时间长、"
              "大堂引导不主动。\n二、客户投诉：本季度受理金融消费者投诉七笔，均在规定时限内办结，办结率100%；其中两笔涉及柜面服务态度。\n"
              "三、服务差错：柜面操作差错与凭证差错合计较上季度上升，集中在元和支行、望亭支行。\n"
              "四、现场检查与7S检查：各网点清洁卫生第三方托管已全部到位，个别网点物品定位不规范。\n"
              "五、神秘人暗访：第三方暗访机构反映部分网点大堂经理对VIP客户甄别不到位。",
    "decisions": "1. 营业部设立对公VIP服务区，缩短对公客户等候时间。\n2. 理财经理客户联系率纳入个人BSC考核，每月通报。\n"
                 "3. 元和支行对7S检查发现的问题逐项整改。\n4. 各网点针对神秘人暗访反映的问题制定整改措施。",
    "items": [  # text, owner (account username, outlet name), days from the meeting to the deadline, done after
        ("营业部设立对公VIP服务区，优化对公业务流程，缩短对公客户排队等候时间。", "outlet", "相城支行营业部", 45, 40,
         "对公VIP服务区已于本月启用，对公客户平均等候时间由25分钟降至12分钟。"),
        ("提高理财经理客户联系率：核心客户每月拜访，重点客户每月电话联系，联系情况纳入个人BSC考核。", "admin", None, 60,
         None, None),
        ("元和支行对7S检查发现的物品定位不规范、标识缺失问题逐项整改，并报送整改前后照片。", None, "元和支行", 30, 26,
         "已按7S标准重新定位柜面物品、补齐标识，整改照片已报送综合管理部。"),
        ("黄埭支行针对神秘人暗访反映的大堂经理对VIP客户甄别不到位问题，组织大堂经理专项培训。", None, "黄埭支行", 150, None,
         None),
    ],
}
LATER = {
    "points": "一、客户满意度：厅堂服务系统内排名前移至第八，距“系统内前六”目标仍差两名；高端个人客户满意度有所下滑，"
              "客户反映理财经理更换频繁。\n二、客户投诉：本季度受理投诉五笔，全部办结；投诉台账（二级）登记不及时的情况仍有发生。\n"
              "三、服务差错：望亭支行凭证差错偏多，已由运营管理部约谈。\n四、服务红黑榜：本季度红榜员工十二人、黑榜员工三人，"
              "已在各网点公示。\n五、上季度督办事项：理财经理客户联系率一项未按期办结，结转本次会议继续督办。",
    "decisions": "1. 营业部完善投诉台账（二级）登记，做到当日受理、当日登记。\n2. 服务红黑榜结果纳入员工个人BSC考核。\n"
                 "3. 望亭支行开展凭证差错专项整治。\n4. 厅堂服务对照客户满意度测评最差事项逐项改进。",
    "items": [
        ("营业部完善金融消费者投诉受理登记二级台账，做到当日受理、当日登记，并每周报送支行。", "outlet", "相城支行营业部", 35, None,
         None),
        ("望亭支行开展凭证差错专项整治，柜员每日自查、网点负责人每周抽查。", None, "望亭支行", 25, 20,
         "专项整治已完成，十月份凭证差错较九月份下降六成。"),
        ("服务红黑榜结果纳入员工个人BSC考核，制定考核细则并下发各网点。", "viewer", None, 75, None, None),
        ("厅堂服务对照客户满意度测评最差事项（叫号等候时间长、大堂引导不主动）逐项改进，下季度测评进入系统内前六。",
         "admin", None, 100, None, None),
    ],
}


def _held_on(quarter: str, today: date) -> date:
    """The second week of the quarter after, never later than yesterday."""
    return min(quarters.first_day(quarters.after(quarter)) + timedelta(days=9), today - timedelta(days=1))


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 30), tzinfo=UTC)


@step("meetings")
def seed_meetings(password: str) -> str | None:
    today = local_today()
    admin = db.session.execute(select(User).where(User.username == "admin")).scalar()
    if admin is None:
        return None
    users = {u.username: u for u in db.session.execute(select(User)).scalars()}
    # By the demo outlets' names (org.seed, whose step runs before this one).
    codes = {name: code for code, name, *_rest in OUTLETS}
    outlets = {o.name: o for o in db.session.execute(select(Outlet).where(Outlet.code.in_(codes.values()))).scalars()}
    current = quarters.of_day(today)
    made = []
    for quarter, content in ((quarters.before(current, 2), EARLIER), (quarters.before(current), LATER)):
        if db.session.execute(select(Meeting.id).where(Meeting.quarter == quarter)).scalar() is not None:
            continue
        held_on = _held_on(quarter, today)
        meeting = Meeting(quarter=quarter, held_on=held_on, place="相城支行三楼会议室", chair="支行行长",
                          attendees="\n".join(ATTENDEES), points=content["points"], decisions=content["decisions"],
                          status=RECORDED, recorded_by_id=admin.id, recorded_at=_at(held_on + timedelta(days=1)))
        db.session.add(meeting)
        db.session.flush()
        for text, username, outlet_name, days, done_after, note in content["items"]:
            owner, outlet = users.get(username) if username else None, outlets.get(outlet_name) if outlet_name else None
            item = ActionItem(meeting_id=meeting.id, text=text, owner_user_id=owner.id if owner else None,
                              owner_outlet_id=outlet.id if outlet else None, deadline=held_on + timedelta(days=days),
                              status=OPEN)
            closed_on = held_on + timedelta(days=done_after) if done_after is not None else None
            if closed_on is not None and closed_on < today:
                item.status, item.closing_note, item.closed_at = DONE, note, _at(closed_on)
                item.closed_by_id = (owner or admin).id
            db.session.add(item)
        made.append(quarter)
    if not made:
        return None
    db.session.flush()
    audit.record("demo.meetings", actor=None, object_type="meeting", details={"quarters": made})
    return f"{len(made)} service-quality meetings ({', '.join(made)}) with their action items"
