"""What the outlet is told to do (整改要求) on the notice, the finding's page and in the API; where an
inspection's notice is linked (its page, the app's receipt); and what the public check says of an
edition that a newer one has replaced."""
from __future__ import annotations

import copy
import re

from checklists import operations as checklist_operations
from core.clock import local_zone
from inspections.models import Inspection
from rectification.models import Finding, Notice, NoticeEdition
from tests.factories import jpeg
from tests.inspections.helpers import DEFAULT_DOCUMENTS, draft_body, full_answers, new_uuid, rows
from tests.rectification.helpers import browser, flat_text, submit_onsite

QUEUE_MACHINE = "facility_queue_machine"
QUEUE_REQUIREMENT = "立即报修叫号机，确保正常运行；修复前安排人工叫号引导。"
QUEUE_GUIDANCE = "取号、打印、叫号显示屏及语音播报均正常，号票纸充足。"
PAUSE_GUIDANCE = "无人离柜时可选不适用"


def notice_pdf(client, uuid, headers) -> bytes:
    response = client.get(f"/api/v1/inspections/{uuid}/notice.pdf", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.data


def without_requirement(key: str):
    """The on-site checklist as a bank wrote it before items had requirements: `key` has none."""
    document = copy.deepcopy(DEFAULT_DOCUMENTS["onsite"])
    document["code"] = "onsite-before-requirements"
    for section in document["sections"]:
        for item in section["items"]:
            if item["key"] == key:
                del item["requirement"]
    return checklist_operations.publish(checklist_operations.import_checklist(document, None), None)


def test_the_notice_prints_each_items_requirement_and_never_its_guidance(onsite, client, bearer, inspector):
    uuid, _receipt = onsite(items=(QUEUE_MACHINE, "facility_atm_self_service"))
    text = flat_text(notice_pdf(client, uuid, bearer(inspector)))
    assert f"整改要求：{QUEUE_REQUIREMENT}" in text
    assert "整改要求：对ATM及自助设备加强维护保养，确保正常运行，故障及时报修。" in text
    assert QUEUE_GUIDANCE not in text and "逐台查看ATM" not in text
    assert {f.requirement for f in rows(Finding)} == {QUEUE_REQUIREMENT, "对ATM及自助设备加强维护保养，确保正常运行，故障及时报修。"}


def test_a_guidance_that_talks_to_the_inspector_reaches_neither_notice_nor_finding(checklists, org, sync, client,
                                                                                  bearer, inspector, users):
    """The pause-sign item's guidance says when the inspector may choose 不适用; the outlet reads its requirement."""
    photo = new_uuid()
    answers = full_answers(checklists["onsite"], counter_pause_sign={"value": "fail", "staff_id": org.staff_a[0].id,
                                                                     "photo_ids": [photo]})
    uuid = new_uuid()
    headers = bearer(inspector)
    assert sync.put(uuid, draft_body(checklists["onsite"], org.outlet_a, answers), headers).status_code == 201
    assert sync.photo(uuid, photo, jpeg(), headers).status_code == 201
    assert sync.submit(uuid, headers).status_code == 200
    text = flat_text(notice_pdf(client, uuid, headers))
    assert "整改要求：临时离柜时放置“暂停服务”牌，并向等候客户致歉说明。" in text
    assert PAUSE_GUIDANCE not in text
    [finding] = rows(Finding)
    shown = client.get(f"/api/v1/findings/{finding.id}", headers=bearer(users["outlet_manager"])).get_json()
    assert shown["requirement"] == "临时离柜时放置“暂停服务”牌，并向等候客户致歉说明。"


def test_an_item_without_a_requirement_is_worded_from_its_label_in_the_readers_language(
        app, checklists, org, sync, client, bearer, inspector, manager_a):
    version = without_requirement(QUEUE_MACHINE)
    uuid, _receipt = submit_onsite(sync, version, org.outlet_a, bearer(inspector), (QUEUE_MACHINE,))
    text = flat_text(notice_pdf(client, uuid, bearer(inspector)))
    assert "整改要求：请按“叫号机运行正常”要求整改。" in text
    assert QUEUE_GUIDANCE not in text and QUEUE_REQUIREMENT not in text

    [finding] = rows(Finding)
    outlet = bearer(manager_a)
    chinese = client.get(f"/api/v1/findings/{finding.id}", headers={**outlet, "Accept-Language": "zh-CN"})
    english = client.get(f"/api/v1/findings/{finding.id}", headers={**outlet, "Accept-Language": "en"})
    assert chinese.get_json()["requirement"] == "请按“叫号机运行正常”要求整改。"
    assert english.get_json()["requirement"] == "Rectify as “The queue ticket machine works” requires."
    listed = client.get("/api/v1/findings", headers={**outlet, "Accept-Language": "en"}).get_json()
    assert [f["requirement"] for f in listed] == ["Rectify as “The queue ticket machine works” requires."]

    page = browser(app, manager_a)
    assert "整改要求</b>: 请按“叫号机运行正常”要求整改。" in page.get(f"/findings/{finding.id}").get_data(as_text=True)
    english_page = page.get(f"/findings/{finding.id}?lang=en").get_data(as_text=True)
    assert "Requirement</b>: Rectify as “The queue ticket machine works” requires." in english_page


def test_the_receipt_names_the_notice_and_its_pdf_and_a_clean_inspection_has_none(checklists, org, sync, client,
                                                                                   onsite, bearer, inspector):
    uuid, receipt = onsite(1)
    [notice] = rows(Notice)
    assert receipt["notice"] == {"id": notice.id, "number": notice.number,
                                 "url": f"/api/v1/inspections/{uuid}/notice.pdf"}
    headers = bearer(inspector)
    downloaded = client.get(receipt["notice"]["url"], headers=headers)
    assert downloaded.status_code == 200 and downloaded.data.startswith(b"%PDF-")
    assert sync.submit(uuid, headers).get_json()["notice"] == receipt["notice"]  # the same receipt again

    clean = new_uuid()
    assert sync.put(clean, draft_body(checklists["onsite"], org.outlet_a, full_answers(checklists["onsite"])),
                    headers).status_code == 201
    clean_receipt = sync.submit(clean, headers).get_json()
    assert clean_receipt["findings"] == [] and clean_receipt["notice"] is None

    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert set(schemas["ReceiptNotice"]["properties"]) == {"id", "number", "url"}
    assert "notice" in schemas["Receipt"]["properties"]


def test_the_inspection_page_links_its_notice_for_those_who_may_see_notices(app, checklists, org, onsite, sync,
                                                                            bearer, inspector, users):
    uuid, _receipt = onsite(1)
    [notice] = rows(Notice)
    link = f'href="/inspections/{uuid}/notice.pdf"'
    for user in (inspector, users["admin"], users["outlet_manager"]):
        html = browser(app, user).get(f"/inspections/{uuid}").get_data(as_text=True)
        assert link in html and notice.number in html, user.role
        assert re.search(r'id="notice-link"[^>]*>整改通知书 ', html), user.role
    downloaded = browser(app, users["outlet_manager"]).get(f"/inspections/{uuid}/notice.pdf")
    assert downloaded.status_code == 200 and downloaded.data.startswith(b"%PDF-")

    clean = new_uuid()
    headers = bearer(inspector)
    sync.put(clean, draft_body(checklists["onsite"], org.outlet_a, full_answers(checklists["onsite"])), headers)
    assert sync.submit(clean, headers).status_code == 200
    html = browser(app, inspector).get(f"/inspections/{clean}").get_data(as_text=True)
    assert 'id="notice-link"' not in html and "notice.pdf" not in html


def _reissue(client, onsite, bearer, inspector, manager_a) -> tuple[NoticeEdition, NoticeEdition]:
    """A notice printed, one finding answered and accepted, printed again: its two editions."""
    uuid, _receipt = onsite(2)
    headers = bearer(inspector)
    notice_pdf(client, uuid, headers)
    finding = rows(Finding)[0]
    outlet = bearer(manager_a)
    after = new_uuid()
    assert client.put(f"/api/v1/findings/{finding.id}/photos/{after}", data=jpeg((800, 600)), headers=outlet,
                      content_type="image/jpeg").status_code == 201
    assert client.post(f"/api/v1/findings/{finding.id}/responses", headers=outlet,
                       json={"text": "已检修", "photo_ids": [after]}).status_code == 201
    assert client.post(f"/api/v1/findings/{finding.id}/verification", headers=headers,
                       json={"accepted": True}).status_code == 201
    notice_pdf(client, uuid, headers)
    old, new = rows(NoticeEdition)
    return old, new


def test_a_superseded_edition_is_genuine_but_names_and_links_the_edition_in_force(app, onsite, client, bearer,
                                                                                   inspector, manager_a):
    old, new = _reissue(client, onsite, bearer, inspector, manager_a)
    assert (old.edition, new.edition) == (1, 2)
    with app.app_context():
        day = new.created_at.astimezone(local_zone()).date()
    anonymous = app.test_client()

    page = anonymous.get(f"/verify/{old.content_hash}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "通知书真实，但已有新版次" in html and "通知书真实有效" not in html
    assert f"现以第2版（{day.isoformat()}）为准" in html
    assert f'href="/verify/{new.content_hash}"' in html and "查看第2版" in html

    english = anonymous.get(f"/verify/{old.content_hash}?lang=en").get_data(as_text=True)
    assert "Genuine, but superseded" in english and f"edition 2 of {day.isoformat()} is the one in force" in english

    newest = anonymous.get(f"/verify/{new.content_hash}").get_data(as_text=True)
    assert "通知书真实有效" in newest and "已有新版次" not in newest and 'id="superseded"' not in newest


def test_a_notice_with_one_edition_is_simply_genuine(onsite, client, bearer, inspector, app):
    uuid, _receipt = onsite(1)
    notice_pdf(client, uuid, bearer(inspector))
    [edition] = rows(NoticeEdition)
    html = app.test_client().get(f"/verify/{edition.content_hash}").get_data(as_text=True)
    assert "通知书真实有效" in html and 'id="superseded"' not in html
    assert rows(Inspection)[0].receipt["notice"]["id"] == edition.notice_id
