"""Demo organisation: the 相城支行 under 苏州分行 under 江苏省分行, its outlets, counters and staff; a sibling
sub-branch with two outlets of its own; a vendor and one user per role."""
from __future__ import annotations

import random

from sqlalchemy import select

from core import audit, seeding
from core.extensions import db
from core.security import hash_password
from core.seeding import step
from org import hierarchy
from org.models import Branch, Counter, Outlet, Staff, User, Vendor

BRANCH = {"code": "XC", "name": "相城支行", "name_en": "Xiangcheng Sub-branch", "notice_prefix": "相城支行服务整改"}
# Above the sub-branch, highest first: (code, name, English name, level).
ANCESTORS = [("JS", "江苏省分行", "Jiangsu Provincial Branch", "province"),
             ("SZ", "苏州分行", "Suzhou Branch", "city")]
SIBLING = {"code": "YQ", "name": "园区支行", "name_en": "Industrial Park Sub-branch", "notice_prefix": "园区支行服务整改"}
SIBLING_OUTLETS = [
    ("YQ01", "园区支行营业部", "苏州工业园区苏州大道东265号", 31.3170, 120.6720),
    ("YQ02", "湖东支行", "苏州工业园区星湖街328号", 31.3130, 120.7210),
]

OUTLETS = [
    ("XC01", "相城支行营业部", "苏州市相城区相城大道1088号", 31.3690, 120.6420),
    ("XC02", "元和支行", "苏州市相城区元和街道人民路256号", 31.3765, 120.6365),
    ("XC03", "黄埭支行", "苏州市相城区黄埭镇春申路98号", 31.4468, 120.5380),
    ("XC04", "渭塘支行", "苏州市相城区渭塘镇渭中路36号", 31.4278, 120.6385),
    ("XC05", "望亭支行", "苏州市相城区望亭镇鹤溪路12号", 31.4500, 120.4380),
    ("XC06", "北桥支行", "苏州市相城区北桥街道庄基路8号", 31.4805, 120.6048),
    ("XC07", "太平支行", "苏州市相城区太平街道金澄路77号", 31.4250, 120.7040),
    ("XC08", "阳澄湖支行", "苏州市相城区阳澄湖镇湘城路168号", 31.4380, 120.7660),
]

COUNTER_LAYOUT = [(1, "vip", "VIP窗口"), (2, "cash", "现金窗口"), (3, "cash", "现金窗口"),
                  (4, "cash", "现金窗口"), (5, "corporate", "对公窗口")]

POSITIONS = ["outlet_manager", "lobby_manager", "wealth_manager", "account_manager",
             "teller", "teller", "teller", "teller", "teller"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚陆顾钱"
GIVEN = ["晓燕", "丽娟", "志强", "建华", "文静", "海峰", "雪梅", "俊杰", "秀英", "伟", "婷婷", "磊", "敏",
         "静怡", "子涵", "浩然", "佳琪", "欣怡", "宇轩", "思远", "明", "芳", "颖", "洁", "超", "勇",
         "霞", "倩", "鹏", "琳", "嘉怡", "一鸣", "晨曦", "梦瑶", "国庆", "春燕", "立新", "雨桐"]

VENDOR = {"code": "V01", "name": "苏州明察市场调研有限公司", "contact": "周经理 0512-65001234"}

DEMO_USERS = [
    # username, display name, role, the vendor's coordinator (hands its mystery visits to its shoppers)
    ("admin", "服务领导小组管理员", "admin", False),
    ("inspector", "服务检查员 沈佳", "inspector", False),
    ("monitor", "综合管理部 远程监看 钱颖", "remote_monitor", False),
    ("shopper", "神秘人 顾先生", "mystery_shopper", False),
    ("coordinator", "暗访机构协调人 周经理", "mystery_shopper", True),
    ("outlet", "营业部负责人", "outlet_manager", False),
    ("viewer", "支行行长", "viewer", False),
]
# Accounts bound to one node of the tree: they work over what lies below it and nothing beside it.
NODE_USERS = [
    # username, display name, role, the node's code
    ("suzhou", "苏州分行 个人金融部", "viewer", "SZ"),
    ("yuanqu", "园区支行 服务管理员", "admin", "YQ"),
]
seeding.logins(*(username for username, *_ in DEMO_USERS + NODE_USERS))


def _get_or_add(model, lookup: dict, values: dict):
    obj = db.session.execute(select(model).filter_by(**lookup)).scalar()
    if obj is not None:
        return obj, False
    obj = model(**lookup, **values)
    db.session.add(obj)
    db.session.flush()
    return obj, True


def _seed_outlets(branch: Branch, outlets, names: random.Random, staff_no: int) -> tuple[int, int, Outlet]:
    """Outlets with counters and staff; returns the records created, the last employee number and the first outlet."""
    created = 0
    first_outlet = None
    for code, name, address, lat, lng in outlets:
        outlet, new = _get_or_add(Outlet, {"code": code}, {"branch_id": branch.id, "name": name,
                                                           "address": address, "latitude": lat, "longitude": lng})
        created += new
        first_outlet = first_outlet or outlet
        counters = []
        for number, kind, label in COUNTER_LAYOUT:
            counter, new = _get_or_add(Counter, {"outlet_id": outlet.id, "number": number},
                                       {"kind": kind, "label": label})
            counters.append(counter)
            created += new
        tellers = 0
        for position in POSITIONS:
            staff_no += 1
            person = names.choice(SURNAMES) + names.choice(GIVEN)
            counter_id = None
            if position == "teller":
                counter_id = counters[tellers % len(counters)].id
                tellers += 1
            _, new = _get_or_add(Staff, {"employee_no": f"{200000 + staff_no}"},
                                 {"outlet_id": outlet.id, "name": person, "position": position,
                                  "counter_id": counter_id})
            created += new
    return created, staff_no, first_outlet


def _seed_tree() -> tuple[int, Branch, Branch]:
    """The province and city above the sub-branch, and the sibling sub-branch. The sub-branch comes first (the
    bank's first node, as before the tree) and is then moved under its city, as one made by an older seed is."""
    branch, created = _get_or_add(Branch, {"code": BRANCH["code"]}, {k: v for k, v in BRANCH.items() if k != "code"})
    parent = None
    for code, name, name_en, level in ANCESTORS:
        parent, new = _get_or_add(Branch, {"code": code}, {"name": name, "name_en": name_en, "level": level,
                                                           "parent_id": parent.id if parent else None})
        created += new
    if branch.parent_id is None:
        hierarchy.update_node(branch, {"parent_id": parent.id}, actor=None)
    sibling, new = _get_or_add(Branch, {"code": SIBLING["code"]},
                               {**{k: v for k, v in SIBLING.items() if k != "code"}, "parent_id": parent.id})
    return created + new, branch, sibling


@step("organisation")
def seed_organisation(password: str) -> str | None:
    created, branch, sibling = _seed_tree()
    names = random.Random(2026)
    made, staff_no, first_outlet = _seed_outlets(branch, OUTLETS, names, 0)
    created += made
    made, _, _ = _seed_outlets(sibling, SIBLING_OUTLETS, names, staff_no)
    created += made
    vendor, new = _get_or_add(Vendor, {"code": VENDOR["code"]}, {"name": VENDOR["name"], "contact": VENDOR["contact"]})
    created += new
    password_hash = None
    for username, display_name, role, coordinator in DEMO_USERS:
        if db.session.execute(select(User).filter_by(username=username)).scalar() is None:
            password_hash = password_hash or hash_password(password)
            db.session.add(User(username=username, display_name=display_name, role=role,
                                password_hash=password_hash, is_coordinator=coordinator,
                                outlet_id=first_outlet.id if role == "outlet_manager" else None,
                                vendor_id=vendor.id if role == "mystery_shopper" else None))
            created += 1
    for username, display_name, role, code in NODE_USERS:
        if db.session.execute(select(User).filter_by(username=username)).scalar() is None:
            node = db.session.execute(select(Branch).filter_by(code=code)).scalar_one()
            db.session.add(User(username=username, display_name=display_name, role=role,
                                password_hash=password_hash or hash_password(password), scope_node_id=node.id))
            created += 1
    if not created:
        return None
    audit.record("demo.seed", actor=None, object_type="organisation", details={"created": created})
    return f"{created} records created"
