"""A bank of three parts for the scoping matrix, built once: 江苏省分行 → 苏州分行 → 相城支行 (outlets A, B) and
园区支行 (outlet Y); 江苏省分行 → 无锡分行 → 锡山支行 (outlet W). Each outlet has a counter, tellers with names
of their own, an outlet manager, an on-site inspection with findings and its notice, and a complaint.

Users bound to 苏州分行 (a city branch) and to 相城支行 (a sub-branch) hold every bank-side role. What lies
beside each is named by markers (codes, names, usernames, customers) and ids, so a response can be
searched for anything it should not hold."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from checklists import operations as checklist_operations
from checklists.models import ChecklistTemplate, ChecklistVersion
from checklists.seed import default_documents
from complaints import operations as complaint_operations
from complaints.models import Complaint
from core.extensions import db as _db
from inspections.models import Inspection
from org import hierarchy
from org.models import Branch, Counter, Outlet, Staff, User
from rectification.models import Finding, Notice
from tests.conftest import PASSWORD
from tests.factories import Org
from tests.inspections.helpers import SyncApi
from tests.rectification.helpers import FAILING_ONSITE_ITEMS, browser, submit_onsite

BANK_SIDE = ("admin", "viewer", "inspector", "remote_monitor")
LEVELS = ("city", "sub_branch")


@dataclass
class Part:
    """What hangs below one node: its outlets and everything on them, by kind, and words that name it."""

    nodes: list[int] = field(default_factory=list)
    ids: dict[str, list[int]] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)
    uuids: list[str] = field(default_factory=list)


@dataclass
class World:
    app: object
    users: dict  # (level, role) -> User
    parts: dict  # "xiangcheng", "park", "wuxi" -> Part
    nodes: dict  # name -> Branch id
    headers: dict = field(default_factory=dict)
    browsers: dict = field(default_factory=dict)

    def beside(self, level: str) -> list[Part]:
        """What a user bound at this level must never see."""
        return [self.parts["wuxi"]] if level == "city" else [self.parts["wuxi"], self.parts["park"]]

    def within(self, level: str) -> list[Part]:
        return [self.parts["xiangcheng"], self.parts["park"]] if level == "city" else [self.parts["xiangcheng"]]


def _outlet(branch: Branch, code: str, name: str, people: tuple[str, str]) -> Outlet:
    outlet = Outlet(branch_id=branch.id, code=code, name=name, address="江苏省", latitude=31.3, longitude=120.6)
    _db.session.add(outlet)
    _db.session.flush()
    counter = Counter(outlet_id=outlet.id, number=1, kind="cash", label="现金窗口")
    _db.session.add(counter)
    _db.session.flush()
    for index, person in enumerate(people, start=1):
        _db.session.add(Staff(outlet_id=outlet.id, employee_no=f"{code}-{index}", name=person, position="teller",
                              counter_id=counter.id))
    _db.session.flush()
    return outlet


def _part(outlets: list[Outlet], nodes: list[Branch], customer: str, manager: User) -> Part:
    ids = {"outlet": [o.id for o in outlets], "node": [n.id for n in nodes], "user": [manager.id],
           "staff": [s.id for o in outlets for s in o.staff],
           "counter": list(_db.session.execute(select(Counter.id).where(
               Counter.outlet_id.in_([o.id for o in outlets]))).scalars())}
    markers = [manager.username, customer]
    markers += [text for o in outlets for text in (o.code, o.name)] + [n.name for n in nodes]
    markers += [s.name for o in outlets for s in o.staff]
    return Part(nodes=[n.id for n in nodes], ids=ids, markers=markers)


def _node(code: str, name: str, level: str, parent: Branch | None) -> Branch:
    return hierarchy.create_node({"code": code, "name": name, "level": level,
                                  "parent_id": parent.id if parent else None}, None)


def build(app) -> World:
    org = Org(_db)
    province = _node("JS", "江苏省分行", "province", None)
    suzhou = _node("SZ", "苏州分行", "city", province)
    wuxi = _node("WX", "无锡分行", "city", province)
    park = _node("YQ", "园区支行", "sub_branch", suzhou)
    xishan = _node("XS", "锡山支行", "sub_branch", wuxi)
    hierarchy.update_node(org.branch, {"parent_id": suzhou.id}, None)
    outlet_y = _outlet(park, "YQ01", "园区湖东营业部", ("园区柜员甲", "园区柜员乙"))
    outlet_w = _outlet(xishan, "XS01", "锡山东亭营业部", ("锡山柜员甲", "锡山柜员乙"))
    _db.session.commit()
    for document in default_documents():
        checklist_operations.import_and_publish_default(document)
    _db.session.commit()

    inspector = org.user("inspector", "inspector_all")
    admin = org.user("admin", "admin_all")
    managers = {key: org.user("outlet_manager", f"manager_{key}", outlet=outlet)
                for key, outlet in (("a", org.outlet_a), ("y", outlet_y), ("w", outlet_w))}
    users = {(level, role): org.user(role, f"{role}_{level}") for level in LEVELS for role in BANK_SIDE}
    for (level, _role), user in users.items():
        user.scope_node_id = suzhou.id if level == "city" else org.branch.id
    _db.session.commit()

    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"username": inspector.username, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    version = _db.session.execute(select(ChecklistVersion).join(ChecklistTemplate).where(
        ChecklistTemplate.kind == "onsite", ChecklistVersion.status == "published")).scalar_one()
    customers = {"a": "相城客户", "y": "园区客户", "w": "锡山客户"}
    for key, outlet in (("a", org.outlet_a), ("y", outlet_y), ("w", outlet_w)):
        submit_onsite(SyncApi(client), version, outlet, headers, FAILING_ONSITE_ITEMS[:2])
        complaint_operations.receive({
            "outlet_id": outlet.id, "channel": "walk_in", "category": "attitude", "severity": "general",
            "customer_name": customers[key], "customer_phone": "13812345678", "description": "柜员态度生硬",
            "request": "要求道歉", "staff_id": outlet.staff[0].id}, admin)
        _db.session.commit()

    parts = {"xiangcheng": _part([org.outlet_a, org.outlet_b], [org.branch], customers["a"], managers["a"]),
             "park": _part([outlet_y], [park], customers["y"], managers["y"]),
             "wuxi": _part([outlet_w], [wuxi, xishan], customers["w"], managers["w"])}
    for part in parts.values():
        outlets = part.ids["outlet"]
        for kind, model in (("inspection", Inspection), ("finding", Finding), ("notice", Notice)):
            part.ids[kind] = list(_db.session.execute(select(model.id).where(model.outlet_id.in_(outlets))).scalars())
        part.ids["complaint"] = list(_db.session.execute(
            select(Complaint.id).where(Complaint.outlet_id.in_(outlets))).scalars())
        part.uuids = list(_db.session.execute(select(Inspection.uuid).where(Inspection.outlet_id.in_(outlets))).scalars())
    world = World(app, users, parts, {"province": province.id, "suzhou": suzhou.id, "wuxi": wuxi.id,
                                      "park": park.id, "xishan": xishan.id, "xiangcheng": org.branch.id})
    for key, user in users.items():
        response = client.post("/api/v1/auth/tokens", json={"username": user.username, "password": PASSWORD})
        world.headers[key] = {"Authorization": f"Bearer {response.get_json()['token']}"}
        world.browsers[key] = browser(app, user)
    world.admin_all, world.vendor_id = admin, org.vendor.id
    return world
