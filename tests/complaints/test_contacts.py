"""The A/B contact table: the admin saves a line (checked: A required, B not A, users active and fitting the
ledger, phones of digits, audited), the viewer reads it, the others are refused; a saved line decides who handles
the next complaint."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from complaints import contact_operations
from complaints.models import ContactPair
from core.audit import AuditEntry
from core.errors import OperationError
from tests.complaints.helpers import Browser, record, text_of


def _line(org, outlet=None, **fields) -> dict:
    data = {"branch_id": str(org.branch.id), "outlet_id": str(outlet.id) if outlet else "", "a_user_id": "",
            "a_phone": "", "b_user_id": "", "b_phone": "", "a_away_until": ""}
    return {**data, **{key: str(value) for key, value in fields.items()}}


def _pairs(db) -> list[ContactPair]:
    db.session.expire_all()
    return db.session.execute(select(ContactPair).order_by(ContactPair.id)).scalars().all()


def test_the_admin_saves_an_outlets_line_and_it_decides_the_handler(app, db, org, users):
    deputy = org.user("outlet_manager", "deputy", outlet=org.outlet_a)
    admin = Browser(app, users["admin"])
    page = admin.get("/complaints/contacts").get_data(as_text=True)
    assert "元和支行" in page and "黄埭支行" in page and "相城支行 · 支行台账" in page
    response = admin.post("/complaints/contacts", _line(org, org.outlet_a, a_user_id=deputy.id,
                                                        a_phone="0512-6588 1234", b_user_id=users["outlet_manager"].id,
                                                        b_phone="13900001111"))
    assert response.status_code == 302
    (pair,) = _pairs(db)
    assert (pair.scope_key, pair.a_user_id, pair.b_user_id, pair.a_phone) == (
        f"outlet:{org.outlet_a.id}", deputy.id, users["outlet_manager"].id, "0512-6588 1234")
    assert db.session.execute(select(func.count()).where(AuditEntry.action == "complaint.contacts")).scalar_one() == 1
    assert record(db, org, users["admin"]).handler_id == deputy.id
    # Saved again: the same line changes, A away until a day to come hands new complaints to B.
    assert admin.post("/complaints/contacts", _line(org, org.outlet_a, a_user_id=deputy.id,
                                                    b_user_id=users["outlet_manager"].id,
                                                    a_away_until="2099-01-01")).status_code == 302
    (pair,) = _pairs(db)
    assert pair.a_away_until == date(2099, 1, 1) and pair.a_phone == ""
    assert record(db, org, users["admin"]).handler_id == users["outlet_manager"].id
    viewer = text_of(Browser(app, users["viewer"]).get("/complaints/contacts"))
    assert "deputy" in viewer and "2099-01-01" in viewer


def test_the_sub_branch_line_takes_administrators_only(app, db, org, users):
    second_admin = org.user("admin", "admin2")
    admin = Browser(app, users["admin"])
    refused = admin.post("/complaints/contacts", _line(org, a_user_id=users["outlet_manager"].id))
    assert refused.status_code == 422 and "请选择在用的管理员。" in refused.get_data(as_text=True)
    assert admin.post("/complaints/contacts", _line(org, a_user_id=second_admin.id, b_user_id=users["admin"].id)
                      ).status_code == 302
    assert [p.scope_key for p in _pairs(db)] == [f"branch:{org.branch.id}"]
    assert record(db, org, users["admin"], severity="serious").handler_id == second_admin.id


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({}, "a_user_id", "请选择负责处理投诉的人（A角）。"),
    ({"a_user_id": "same", "b_user_id": "same"}, "b_user_id", "B角须与A角不是同一人。"),
    ({"a_user_id": "inspector"}, "a_user_id", "请选择在用的管理员或本网点负责人。"),
    ({"a_user_id": "manager_b"}, "a_user_id", "请选择在用的管理员或本网点负责人。"),
    ({"a_user_id": "retired"}, "a_user_id", "请选择在用的管理员或本网点负责人。"),
    ({"a_user_id": "admin", "a_phone": "call me"}, "a_phone", "电话号码只能包含数字（可用连字符或空格分隔）。"),
    ({"a_user_id": "admin", "b_phone": "--"}, "b_phone", "电话号码只能包含数字（可用连字符或空格分隔）。"),
    ({"a_user_id": "admin", "a_away_until": "2099-01-01"}, "a_away_until", "A角外出期间须有人顶岗：请选择B角。"),
    ({"a_user_id": "admin", "a_away_until": "next week"}, "a_away_until", "请按 2026-11-30 的格式输入日期。"),
    ({"a_user_id": "x1"}, "a_user_id", "请从给出的选项中选择。"),
])
def test_a_wrong_line_is_refused_beside_its_field_in_chinese_and_nothing_is_saved(app, db, org, users, fields, field,
                                                                                   message):
    people = {"same": users["admin"], "inspector": users["inspector"], "admin": users["admin"],
              "manager_b": org.user("outlet_manager", "manager_b", outlet=org.outlet_b)}
    retired = org.user("outlet_manager", "retired", outlet=org.outlet_a)
    retired.active = False
    people["retired"] = retired
    db.session.commit()
    values = {key: (people[value].id if key.endswith("_user_id") and value in people else value)
              for key, value in fields.items()}
    response = Browser(app, users["admin"]).post("/complaints/contacts", _line(org, org.outlet_a, **values))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<span class="field-error">{message}</span>' in html, field
    assert _pairs(db) == []
    assert db.session.execute(select(func.count()).where(AuditEntry.action == "complaint.contacts")).scalar_one() == 0


def test_a_line_for_no_such_ledger_is_refused(app, db, org, users):
    admin = Browser(app, users["admin"])
    assert admin.post("/complaints/contacts", {**_line(org, a_user_id=users["admin"].id), "outlet_id": "879999"}
                      ).status_code == 404
    assert admin.post("/complaints/contacts", {**_line(org, a_user_id=users["admin"].id), "branch_id": "x"}
                      ).status_code == 400
    assert _pairs(db) == []


@pytest.mark.parametrize("role", ["viewer", "outlet_manager", "inspector", "remote_monitor", "mystery_shopper"])
def test_only_the_admin_saves_a_line(app, db, org, users, role):
    response = Browser(app, users[role]).post("/complaints/contacts", _line(org, org.outlet_a,
                                                                             a_user_id=users["admin"].id))
    assert response.status_code == 403 and _pairs(db) == []


def test_the_viewer_reads_the_table_without_forms(app, users):
    page = Browser(app, users["viewer"]).get("/complaints/contacts").get_data(as_text=True)
    assert "<select" not in page and 'name="a_phone"' not in page and "投诉联系人（AB角）" in page


def test_the_operation_refuses_a_caller_without_the_right(db, org, users):
    with pytest.raises(Exception) as refused:
        contact_operations.save_line(org.branch.id, org.outlet_a.id, {"a_user_id": users["admin"].id},
                                     users["viewer"])
    assert getattr(refused.value, "code", None) == 403
    with pytest.raises(OperationError):
        contact_operations.save_line(org.branch.id, org.outlet_a.id, {"a_user_id": None}, users["admin"])


def test_the_admin_clears_a_line_and_the_ledger_falls_back_to_its_default_handler(app, db, org, users):
    deputy = org.user("outlet_manager", "deputy", outlet=org.outlet_a)
    admin = Browser(app, users["admin"])
    assert admin.post("/complaints/contacts", _line(org, org.outlet_a, a_user_id=deputy.id)).status_code == 302
    assert record(db, org, users["admin"]).handler_id == deputy.id
    page = admin.get("/complaints/contacts").get_data(as_text=True)
    assert page.count('value="clear"') == 1  # only the line that exists can be cleared
    response = admin.post("/complaints/contacts", {**_line(org, org.outlet_a), "action": "clear"})
    assert response.status_code == 302 and _pairs(db) == []
    assert "已清除联系人" in text_of(admin.get("/complaints/contacts"))
    assert record(db, org, users["admin"]).handler_id == users["outlet_manager"].id  # the outlet's manager
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "complaint.contacts_cleared")).scalar_one()
    assert entry.actor_id == users["admin"].id and entry.before_hash


def test_clearing_a_line_that_is_not_there_is_refused_in_chinese(app, db, org, users):
    response = Browser(app, users["admin"]).post("/complaints/contacts", {**_line(org, org.outlet_b), "action": "clear"})
    assert response.status_code == 404 and "该台账尚无联系人。" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["viewer", "outlet_manager", "inspector", "remote_monitor", "mystery_shopper"])
def test_only_the_admin_clears_a_line(app, db, org, users, role):
    contact_operations.save_line(org.branch.id, org.outlet_a.id, {"a_user_id": users["admin"].id}, users["admin"])
    db.session.commit()
    response = Browser(app, users[role]).post("/complaints/contacts", {**_line(org, org.outlet_a), "action": "clear"})
    assert response.status_code == 403 and len(_pairs(db)) == 1
