"""How the demo history's inspectors answered: values per item type, failures at an outlet's and a
person's rate, and who a failure is attributed to. Every choice comes from the caller's seeded random."""
from __future__ import annotations

import random

from checklists.definition import Item

SEVERITY_FACTOR = {"minor": 1.0, "major": 0.7, "critical": 0.08}
KIND_FACTOR = {"onsite": 1.0, "7s": 0.8, "remote": 0.45, "mystery": 1.3}
# Who an attributable failure is put on, by section: a position, or the watched/random teller.
SECTION_OWNER = {"lobby": "lobby_manager", "arrival": "lobby_manager", "vip": "wealth_manager",
                 "wealth_advice": "wealth_manager", "counter": "teller", "teller": "teller"}
NOTES = {
    "onsite": ["检查时发现该项不符合要求，已当场指出。", "现场抽查两次均未做到。", "已拍照留存，请网点整改。"],
    "7s": ["现场检查发现，已拍照。", "与定置要求不一致。", "清洁不到位，需加强日常自查。"],
    "remote": ["监控回放确认。", "实时监看发现，已截图。", "同一笔业务中两次出现。"],
    "mystery": ["暗访人员亲历。", "等候期间观察到。", "暗访录音可佐证。"],
}
TEXTS = ["正常", "无异常", "整体良好"]
# The shopper's own account of a visit: staff by role, window and appearance, never by name.
NARRATIVES = [
    ("上午进入网点，大堂经理上前问候并引导取号，等候约十分钟后到3号窗口办理存款，短发戴眼镜的女柜员起立迎接，"
     "唱收唱付清楚；随后向理财经理咨询理财产品，对方询问了资金期限并提示了风险，离开时工作人员送别。"),
    ("进门后无人主动问候，自行取号等候，等候区座位较满。2号窗口男柜员办理转账时用语规范，但未起立迎接；"
     "咨询理财时理财经理讲解了产品期限和赎回规则，留下了联系方式。"),
    ("中午时段到访，取号后前面有六人，等候期间大堂经理巡视并提供饮水。1号窗口女柜员办理挂失，解释清楚、"
     "双手递交单据；厅堂整洁，利率牌和投诉电话公示醒目。"),
    ("下午到达网点，门口招牌完好，已拍外景照片。大堂经理询问需求后引导至自助设备，操作中遇到问题，"
     "工作人员及时协助。柜面办理现金取款，柜员提醒带好物品并道别。"),
]


def fails(item: Item, kind: str, rate: float, rng: random.Random) -> bool:
    return item.scored and rng.random() < rate * KIND_FACTOR[kind] * SEVERITY_FACTOR.get(item.severity, 1.0)


def value_for(item: Item, failing: bool, rng: random.Random):
    """An answer the scoring engine reads as passing, or failing when `failing`."""
    if item.type == "check":
        if failing:
            return "fail"
        return "na" if item.allow_na and item.critical == "none" and rng.random() < 0.02 else "pass"
    if item.type == "scale":
        top = item.scale_max or 4
        threshold = item.pass_min if item.pass_min is not None else 1
        if failing and threshold > 0:
            return rng.randint(0, int(threshold) - 1)
        return rng.randint(max(int(threshold), top - 1), top)
    if item.type == "choice":
        failing_options = [o for o in item.options if o.fail]
        passing_options = sorted((o for o in item.options if not o.fail), key=lambda o: -o.points)
        if failing and failing_options:
            chosen = rng.choice(failing_options)
        elif passing_options:
            chosen = passing_options[0] if rng.random() < 0.75 else rng.choice(passing_options)
        else:
            chosen = item.options[0]
        return [chosen.key] if item.multiple else chosen.key
    if item.type in ("number", "duration"):
        low = item.pass_min if item.pass_min is not None else (item.min if item.min is not None else 0)
        high = item.pass_max if item.pass_max is not None else (item.max if item.max is not None else low + 10)
        if failing and item.pass_max is not None:
            return int(item.pass_max) + rng.randint(1, 120 if item.type == "duration" else 8)
        if failing and item.pass_min is not None and item.pass_min > 0:
            return max(0, int(item.pass_min) - rng.randint(1, 3))
        span_low = int(high * 0.3) if item.type == "duration" else int(low)
        return rng.randint(min(span_low, int(high)), int(high))
    if item.type == "text":
        return rng.choice(TEXTS)
    return "na" if item.allow_na else None


def owner(item: Item, section_key: str, kind: str, watched: int | None, staff: dict[str, list[int]],
          rng: random.Random) -> int | None:
    """The person a failed, attributable item names: the watched teller of a remote check, else the
    section's owner at the outlet."""
    if not item.attribute_to_staff:
        return None
    if kind == "remote":
        return watched
    position = SECTION_OWNER.get(section_key, "teller")
    people = staff.get(position) or staff.get("teller") or []
    return rng.choice(people) if people else None


def narrative_for(rng: random.Random) -> str:
    return rng.choice(NARRATIVES)


def note_for(kind: str, rng: random.Random) -> str:
    return rng.choice(NOTES[kind])
