"""Demo survey results: the sub-branch's three segments over the last six months (two quarters) and the
two quarters before, so the trend has a shape; each result written once."""
from __future__ import annotations

from sqlalchemy import select

from core import audit
from core.clock import local_today
from core.extensions import db
from core.seeding import step
from satisfaction.models import SurveyResult

RANKED_UNITS = 42
# Per segment: score and rank in the system of each of the four quarters, oldest first; the corporate
# clients reach the target, the lobby climbs towards it, the high-end clients slip back.
DEMO = {
    "corporate": ([90.2, 91.5, 92.8, 93.4], [9, 7, 5, 4], ["客户经理响应慢", "开户资料要求多次补充", "对公业务等候时间长"]),
    "high_end_personal": ([93.1, 92.4, 91.0, 90.6], [4, 5, 8, 9],
                          ["理财产品到期提醒不及时", "贵宾室预约不便", "专属客户经理更换频繁"]),
    "lobby": ([84.5, 86.0, 87.9, 89.2], [21, 16, 11, 8], ["叫号等候时间长", "自助设备故障未及时处理", "大堂引导不主动"]),
}


def _quarters(count: int) -> list[str]:
    """The last `count` quarters that are over, oldest first."""
    today = local_today()
    year, quarter = today.year, (today.month - 1) // 3  # the quarter before the current one
    labels = []
    for _ in range(count):
        if quarter == 0:
            year, quarter = year - 1, 4
        labels.append(f"{year}-Q{quarter}")
        quarter -= 1
    return labels[::-1]


@step("satisfaction")
def seed_satisfaction(password: str) -> str | None:
    quarters = _quarters(4)
    stored = set(db.session.execute(select(SurveyResult.period, SurveyResult.segment)
                                    .where(SurveyResult.outlet_id.is_(None))).all())
    made = 0
    for segment, (scores, ranks, items) in DEMO.items():
        for index, period in enumerate(quarters):
            if (period, segment) in stored:
                continue
            worst = items[index % len(items):] + items[:index % len(items)]
            db.session.add(SurveyResult(period=period, segment=segment, outlet_id=None, score=scores[index],
                                        system_rank=ranks[index], ranked_units=RANKED_UNITS,
                                        peer_rank=max(1, ranks[index] // 3), worst_items=worst))
            made += 1
    if not made:
        return None
    audit.record("demo.satisfaction", actor=None, object_type="survey_result", details={"results": made})
    return f"{made} survey results ({quarters[0]} to {quarters[-1]})"
