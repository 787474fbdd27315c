"""Checklists, plans and vendors set at a node of the tree: they apply below it, are inherited by the nodes
below (seen and used there, changed only where they are set), and are unknown beside it.

The tree: 江苏省分行 → 苏州分行 → 相城支行 (outlets A, B); 江苏省分行 → 无锡分行 → 锡山支行 (outlet W)."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from checklists import operations as checklist_operations
from checklists.models import ChecklistTemplate
from checklists.seed import default_documents
from core.clock import local_today
from core.errors import OperationError
from inspections import scheduling
from inspections.models import Assignment, Plan
from inspections.plans import PlanSettings, save_plan
from org import hierarchy
from org.models import Counter, Outlet, Staff, User
from reports import periods, scorecards
from reports.models import ReportRule
from tests.inspections.helpers import SyncApi, draft_body, full_answers, new_uuid


@pytest.fixture
def tree(db, org):
    def node(code, name, level, parent):
        return hierarchy.create_node({"code": code, "name": name, "level": level,
                                      "parent_id": parent.id if parent else None}, None)

    province = node("JS", "江苏省分行", "province", None)
    suzhou, wuxi = node("SZ", "苏州分行", "city", province), node("WX", "无锡分行", "city", province)
    xishan = node("XS", "锡山支行", "sub_branch", wuxi)
    hierarchy.update_node(org.branch, {"parent_id": suzhou.id}, None)
    outlet_w = Outlet(branch_id=xishan.id, code="XS01", name="锡山东亭营业部")
    db.session.add(outlet_w)
    db.session.flush()
    db.session.add(Counter(outlet_id=outlet_w.id, number=1, kind="cash", label="现金窗口"))
    db.session.add(Staff(outlet_id=outlet_w.id, employee_no="XS01-1", name="锡山柜员甲", position="teller"))
    for document in default_documents():
        checklist_operations.import_and_publish_default(document)
    db.session.commit()
    users = {}
    for name, role, scope in (("sz_admin", "admin", suzhou), ("wx_admin", "admin", wuxi),
                              ("xc_admin", "admin", org.branch), ("xc_inspector", "inspector", org.branch),
                              ("wx_inspector", "inspector", wuxi), ("all_admin", "admin", None),
                              ("all_inspector", "inspector", None)):
        users[name] = org.user(role, name)
        users[name].scope_node_id = scope.id if scope else None
    db.session.commit()
    return {"suzhou": suzhou, "wuxi": wuxi, "outlet_w": outlet_w, "users": users}


def _import(client, headers, document: dict):
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(json.dumps(document).encode()), "list.json")})
    return client.post("/api/v1/checklist-templates/import", headers=headers, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def _onsite_document(code: str) -> dict:
    document = next(d for d in default_documents() if d["kind"] == "onsite")
    return {**document, "code": code, "name": {"zh": "苏州分行网点服务检查表", "en": "Suzhou outlet service"}}


def test_a_checklist_set_at_a_city_applies_below_it_only(client, db, org, tree, bearer):
    users = tree["users"]
    imported = _import(client, bearer(users["sz_admin"]), _onsite_document("sz-onsite"))
    assert imported.status_code == 201, imported.get_json()
    version_id = imported.get_json()["id"]
    template = db.session.execute(select(ChecklistTemplate).filter_by(code="sz-onsite")).scalar_one()
    assert template.node_id == tree["suzhou"].id
    assert client.post(f"/api/v1/checklists/{version_id}/publish", headers=bearer(users["sz_admin"])).status_code == 200

    def listed(user) -> bool:
        return version_id in {v["id"] for v in client.get("/api/v1/checklists", headers=bearer(user)).get_json()}

    assert listed(users["xc_inspector"]) and listed(users["all_inspector"])  # inherited below; the whole bank's
    assert not listed(users["wx_inspector"])  # beside
    wuxi_templates = client.get("/api/v1/checklist-templates", headers=bearer(users["wx_admin"])).get_json()
    assert "sz-onsite" not in {t["code"] for t in wuxi_templates}

    # Used for an outlet below the city; refused (in Chinese, nothing written) for one beside it.
    from checklists.models import ChecklistVersion
    version = db.session.get(ChecklistVersion, version_id)
    sync, headers = SyncApi(client), {**bearer(users["all_inspector"]), "Accept-Language": "zh"}
    beside = sync.put(new_uuid(), draft_body(version, tree["outlet_w"], full_answers(version)), headers)
    assert beside.status_code == 422 and beside.get_json()["problem"] == "outside_scope"
    assert "不适用" in beside.get_json()["message"]
    assert sync.put(new_uuid(), draft_body(version, org.outlet_a, full_answers(version)), headers).status_code == 201

    # Inherited below means used there, not changed there; beside it, not even seen.
    draft = client.post(f"/api/v1/checklist-templates/{template.id}/draft", headers=bearer(users["xc_admin"]))
    assert draft.status_code == 403 and draft.get_json()["problem"] == "outside_scope"
    assert client.get(f"/api/v1/checklists/{version_id}", headers=bearer(users["wx_inspector"])).status_code == 404


def _settings(template_id: int, vendor_id: int | None = None, name: str = "苏州分行月度检查") -> PlanSettings:
    return PlanSettings(name=name, template_id=template_id, cadence="monthly", visits_per_period=1, cycle_days=2,
                        window_days=7, assignee_id=None, vendor_id=vendor_id, active=True)


def _template(db, kind: str = "onsite") -> ChecklistTemplate:
    return db.session.execute(select(ChecklistTemplate).where(ChecklistTemplate.kind == kind,
                                                              ChecklistTemplate.node_id.is_(None))).scalars().first()


def test_a_plan_set_at_a_city_schedules_the_outlets_below_it(client, db, org, tree, login):
    users, onsite = tree["users"], _template(db)
    plan = save_plan(None, _settings(onsite.id), users["sz_admin"])
    db.session.commit()
    assert plan.node_id == tree["suzhou"].id
    assert scheduling.generate(plan, local_today()) == 2
    db.session.commit()
    outlets = set(db.session.execute(select(Assignment.outlet_id).where(Assignment.plan_id == plan.id)).scalars())
    assert outlets == {org.outlet_a.id, org.outlet_b.id}  # not W, beside the city

    elsewhere = ChecklistTemplate(code="wx-onsite", kind="onsite", name="无锡分行检查表", node_id=tree["wuxi"].id)
    db.session.add(elsewhere)
    db.session.flush()
    with pytest.raises(OperationError) as refused:
        save_plan(None, _settings(elsewhere.id, name="无锡表"), users["sz_admin"])
    assert "template_id" in refused.value.errors
    db.session.rollback()
    with pytest.raises(OperationError) as refused:  # set at the city: changed there, not by the sub-branch below
        save_plan(db.session.get(Plan, plan.id), _settings(onsite.id, name="改名"), users["xc_admin"])
    assert refused.value.status == 403
    db.session.rollback()

    whole_bank = save_plan(None, _settings(onsite.id, name="全行月度检查"), db.session.get(User, users["all_admin"].id))
    assert scheduling.generate(whole_bank, local_today()) == 3
    db.session.commit()

    login(users["wx_admin"])
    page = client.get("/admin/plans/").get_data(as_text=True)
    assert "苏州分行月度检查" not in page
    assert client.get(f"/admin/plans/{plan.id}").status_code == 404
    # The whole bank's plan, inherited: its assignments counted as far as 无锡 goes (W only), and not its to change.
    row = page[page.index("全行月度检查"):]
    assert re.search(r'data-label="任务">1</td>', row[:row.index("</tr>")]) and "沿用上级" in row[:row.index("</tr>")]


def test_a_vendor_set_at_a_city_serves_below_it(client, db, org, tree, bearer):
    users = tree["users"]
    made = client.post("/api/v1/vendors/", json={"code": "SZV", "name": "苏州暗访调研"}, headers=bearer(users["sz_admin"]))
    assert made.status_code == 201 and made.get_json()["node_id"] == tree["suzhou"].id
    vendor_id = made.get_json()["id"]

    def codes(user) -> set[str]:
        return {v["code"] for v in client.get("/api/v1/vendors/", headers=bearer(user)).get_json()}

    assert "SZV" in codes(users["xc_admin"]) and "SZV" in codes(users["all_admin"]) and "V01" in codes(users["sz_admin"])
    assert "SZV" not in codes(users["wx_admin"])
    patched = client.patch(f"/api/v1/vendors/{vendor_id}", json={"name": "改"}, headers=bearer(users["xc_admin"]))
    assert patched.status_code == 403

    shopper = client.post("/api/v1/users/", json={"username": "sz_shopper", "role": "mystery_shopper",
                                                  "vendor_id": vendor_id, "password": "Strong-pass-2026"},
                          headers=bearer(users["sz_admin"]))
    assert shopper.status_code == 201, shopper.get_json()
    assert "sz_shopper" not in {u["username"] for u in client.get("/api/v1/users/",
                                                                    headers=bearer(users["wx_admin"])).get_json()}

    mystery = _template(db, "mystery")
    with pytest.raises(OperationError) as refused:  # the whole bank's plan cannot send a city's vendor beside it
        save_plan(None, _settings(mystery.id, vendor_id, name="全行暗访"), db.session.get(User, users["all_admin"].id))
    assert "vendor_id" in refused.value.errors
    db.session.rollback()
    city_plan = save_plan(None, _settings(mystery.id, vendor_id, name="苏州暗访"), users["sz_admin"])
    assert city_plan.vendor_id == vendor_id


def test_report_rules_set_at_a_node_hold_below_it(client, db, org, tree, bearer):
    users = tree["users"]

    def patch(user, values):
        response = client.patch("/api/v1/reports/rules", json={"values": values}, headers=bearer(user))
        assert response.status_code == 200, response.get_json()
        return {row["key"]: row["value"] for row in response.get_json()}

    def shown(user) -> dict:
        return {row["key"]: row["value"] for row in client.get("/api/v1/reports/rules", headers=bearer(user)).get_json()}

    assert patch(users["sz_admin"], {"base_points": 90, "deduct_major": 3})["base_points"] == 90
    assert patch(users["xc_admin"], {"deduct_major": 8})["deduct_major"] == 8
    stored = {(row.key, row.node_id) for row in db.session.execute(select(ReportRule)).scalars()}
    # deduct_major 3 equals what the city inherits: not set there, so a change above would still reach below.
    assert stored == {("base_points", tree["suzhou"].id), ("deduct_major", org.branch.id)}
    assert (shown(users["xc_admin"])["base_points"], shown(users["xc_admin"])["deduct_major"]) == (90, 8)
    assert (shown(users["sz_admin"])["base_points"], shown(users["sz_admin"])["deduct_major"]) == (90, 3)
    assert (shown(users["wx_admin"])["base_points"], shown(users["all_admin"])["base_points"]) == (100, 100)

    # Each person is settled by the rules where they work, whoever reads the list.
    month = periods.month_period(local_today().year, local_today().month)
    totals = {s.outlet_id: s.total for s in scorecards.summaries(month)}
    assert (totals[org.outlet_a.id], totals[tree["outlet_w"].id]) == (90, 100)
    card = client.get(f"/api/v1/reports/scorecards/{org.staff_a[0].id}?month={month.label}",
                      headers=bearer(users["all_admin"]))
    assert card.status_code == 200 and card.get_json()["base_points"] == card.get_json()["total"] == 90
