"""A vendor's coordinator hands the vendor's mystery visits to its shoppers: through the API and on
the vendor page; nobody else does, and no visit goes to another vendor's shopper."""
from __future__ import annotations

import re

from core.audit import AuditEntry
from inspections.models import Assignment
from tests.inspections.helpers import count, rows
from tests.mystery.helpers import visit_times
from tests.rectification.helpers import browser
from tests.support import form_post

NARRATIVE = "取号后等候五分钟，大堂经理主动问候并引导到2号窗口办理。"


def _assign(client, headers, assignment_id, shopper_id):
    return client.post(f"/api/v1/mystery/assignments/{assignment_id}/shopper", json={"shopper_id": shopper_id},
                       headers=headers)


def _listed(client, headers) -> set[int]:
    response = client.get("/api/v1/assignments", headers=headers)
    assert response.status_code == 200
    return {a["id"] for a in response.get_json()}


def test_the_coordinator_hands_a_visit_to_another_shopper_of_the_vendor(desk, shopper, colleague, coordinator,
                                                                       client, bearer, visit):
    coordinating = bearer(coordinator)
    assert visit.id in {a["id"] for a in client.get("/api/v1/mystery/assignments", headers=coordinating).get_json()}
    assert visit.id in _listed(client, bearer(shopper)) and visit.id not in _listed(client, bearer(colleague))

    handed = _assign(client, coordinating, visit.id, colleague.id)
    assert handed.status_code == 200, handed.get_json()
    assert handed.get_json()["assignee_id"] == colleague.id
    assert rows(Assignment, id=visit.id)[0].assignee_id == colleague.id
    assert visit.id in _listed(client, bearer(colleague))
    assert visit.id not in _listed(client, bearer(shopper))
    # ...and the former shopper can no longer start a report for it.
    refused = desk.sync.put("11111111-1111-4111-8111-111111111111", desk.body(visit, narrative=NARRATIVE),
                            bearer(shopper))
    assert refused.status_code == 422 and "assignment_id" in refused.get_json()["errors"]

    pooled = _assign(client, coordinating, visit.id, None)
    assert pooled.status_code == 200 and pooled.get_json()["assignee_id"] is None
    assert visit.id in _listed(client, bearer(shopper)) and visit.id in _listed(client, bearer(colleague))
    assert [e.action for e in rows(AuditEntry, object_type="assignment")] == ["mystery.assign", "mystery.assign"]


def test_a_visit_goes_only_to_an_active_shopper_of_the_same_vendor(org, coordinator, colleague, users, client,
                                                                  bearer, visit, rival_coordinator, other_vendor):
    coordinating = bearer(coordinator)
    rival_shopper = org.user("mystery_shopper", "rival_shopper", vendor=other_vendor)
    for candidate in (rival_shopper.id, users["inspector"].id, users["admin"].id, 987654):
        refused = _assign(client, coordinating, visit.id, candidate)
        assert refused.status_code == 422, (candidate, refused.get_json())
        assert "shopper_id" in refused.get_json()["errors"]
    colleague.active = False
    org.db.session.commit()
    assert _assign(client, coordinating, visit.id, colleague.id).status_code == 422
    assert rows(Assignment, id=visit.id)[0].assignee_id == users["mystery_shopper"].id
    assert count(AuditEntry, AuditEntry.action == "mystery.assign") == 0


def test_only_the_vendors_coordinator_hands_out_its_visits(desk, shopper, colleague, coordinator, rival_coordinator,
                                                         client, bearer, visit, users):
    # A plain shopper is no coordinator.
    plain = _assign(client, bearer(shopper), visit.id, colleague.id)
    assert plain.status_code == 403
    assert client.get("/api/v1/mystery/assignments", headers=bearer(shopper)).status_code == 403
    for role in ("inspector", "outlet_manager", "viewer", "remote_monitor"):
        assert _assign(client, bearer(users[role]), visit.id, colleague.id).status_code == 403, role

    # Another vendor's coordinator cannot even tell that this visit exists.
    rival = bearer(rival_coordinator)
    foreign = _assign(client, rival, visit.id, colleague.id)
    missing_id = visit.id + 1000
    missing = _assign(client, rival, missing_id, colleague.id)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.get_json()["message"].replace(str(visit.id), "N") == \
        missing.get_json()["message"].replace(str(missing_id), "N")
    assert visit.id not in {a["id"] for a in client.get("/api/v1/mystery/assignments", headers=rival).get_json()}
    assert rows(Assignment, id=visit.id)[0].assignee_id == shopper.id

    # The admin may hand out any visit; only open visits can be handed out.
    assert _assign(client, desk.admin_headers, visit.id, colleague.id).status_code == 200
    desk.file(colleague, visit, narrative=NARRATIVE, **visit_times())
    assert rows(Assignment, id=visit.id)[0].status == "done"
    assert _assign(client, bearer(coordinator), visit.id, None).status_code == 409


def test_the_coordinator_hands_out_visits_on_the_vendor_page(app, org, coordinator, colleague, shopper, visit,
                                                            rival_coordinator, other_vendor):
    rival_shopper = org.user("mystery_shopper", "rival_shopper", vendor=other_vendor)
    page = browser(app, coordinator)
    shown = page.get("/vendor/")
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert f'name="assignment_id" value="{visit.id}"' in html and org.outlet_a.name in html
    offered = {int(v) for v in re.findall(r'<option value="(\d+)"', html)}
    assert {shopper.id, colleague.id} <= offered and rival_shopper.id not in offered

    assert page.post("/vendor/", data={"assignment_id": visit.id, "shopper_id": colleague.id}).status_code == 400
    assert rows(Assignment, id=visit.id)[0].assignee_id == shopper.id
    handed = form_post(page, "/vendor/", assignment_id=str(visit.id), shopper_id=str(colleague.id))
    assert handed.status_code == 302
    assert rows(Assignment, id=visit.id)[0].assignee_id == colleague.id
    refused = form_post(page, "/vendor/", assignment_id=str(visit.id), shopper_id=str(rival_shopper.id))
    assert refused.status_code == 422
    assert rows(Assignment, id=visit.id)[0].assignee_id == colleague.id

    # Another vendor's coordinator sees none of it, and a plain shopper has no vendor page.
    rival_page = browser(app, rival_coordinator)
    rival_html = rival_page.get("/vendor/").get_data(as_text=True)
    assert f'value="{visit.id}"' not in rival_html and org.outlet_a.name not in rival_html
    assert browser(app, shopper).get("/vendor/").status_code == 403


def test_the_vendor_page_says_what_it_refuses_beside_the_visit(app, org, coordinator, shopper, visit, other_vendor):
    rival_shopper = org.user("mystery_shopper", "rival_shopper2", vendor=other_vendor)
    page = browser(app, coordinator)
    for wrong in (str(rival_shopper.id), "somebody"):
        refused = form_post(page, "/vendor/", assignment_id=str(visit.id), shopper_id=wrong)
        assert refused.status_code == 422
        row = re.search(rf'<tr>(?:(?!<tr>).)*name="assignment_id" value="{visit.id}".*?</tr>',
                        refused.get_data(as_text=True), re.DOTALL).group(0)
        assert '<span class="field-error">请从列出的神秘人中选择。</span>' in row
    english = form_post(page, "/vendor/?lang=en", assignment_id=str(visit.id), shopper_id=str(rival_shopper.id))
    assert '<span class="field-error">Choose one of the shoppers offered.</span>' in english.get_data(as_text=True)
    not_ours = form_post(page, "/vendor/", assignment_id="first", shopper_id=str(shopper.id))
    assert not_ours.status_code == 422
    assert "表单内容与本页不符，请刷新页面后重试。" in not_ours.get_data(as_text=True)
    assert rows(Assignment, id=visit.id)[0].assignee_id == shopper.id
