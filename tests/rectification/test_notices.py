"""整改通知书 as a PDF: Chinese text with embedded fonts, print-size photos, a QR code that leads to a
public check of genuineness, numbering per branch and year, editions, and the full report PDF."""
from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import zxingcpp
from PIL import Image

from checklists.store import checklist_of
from core.audit import AuditEntry
from inspections.models import Inspection, Photo
from rectification.models import Finding, Notice, NoticeEdition
from tests.factories import jpeg
from tests.inspections.helpers import count, draft_body, full_answers, media_files, new_uuid, rows
from tests.rectification.helpers import flat_text, local_year, multipart, page_count, page_png, pdf_fonts, pdf_images
from tests.support import csrf_token_of

MAX_NOTICE_BYTES = 2 * 1024 * 1024


def notice_of(client, uuid, headers):
    return client.get(f"/api/v1/inspections/{uuid}/notice.pdf", headers=headers)


def qr_texts(pdf: bytes, pages: list[int] | None = None) -> list[str]:
    """The text of every QR code on the given pages (all by default), rendered at 200 dpi."""
    texts = []
    for page in pages or range(1, page_count(pdf) + 1):
        image = Image.open(io.BytesIO(page_png(pdf, page=page)))
        texts += [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]
    return texts


def check_file(client, path: str, data: bytes):
    """Upload a PDF to the public verification page (English, to read its wording)."""
    page = client.get(f"{path}?lang=en")
    body, content_type = multipart({"csrf_token": csrf_token_of(page.data)},
                                   {"file": (data, "notice.pdf", "application/pdf")})
    return client.post(f"{path}?lang=en", data=body, content_type=content_type)


def test_a_notice_of_ten_camera_photo_findings_is_readable_small_and_verifiable(app, onsite, camera_jpeg, client,
                                                                                   bearer, inspector, org):
    uuid, receipt = onsite(10, photo=camera_jpeg)
    assert len(receipt["findings"]) == 10
    response = notice_of(client, uuid, bearer(inspector))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = response.data
    assert pdf.startswith(b"%PDF-")

    number = f"相城支行服务整改〔{local_year()}〕第0001号"
    text = flat_text(pdf)
    assert "服务整改通知书" in text
    assert number in text
    assert org.outlet_a.name in text
    titles = [f.title for f in rows(Finding)]
    assert len(titles) == 10
    for title in titles:
        assert re.sub(r"\s+", "", title) in text, title
    assert text.count("整改前") == 10  # one print-size before photo per finding

    fonts = [line.split() for line in pdf_fonts(pdf).splitlines()[2:]]
    assert any("Noto" in cols[0] and "CJK" in cols[0] and cols[-5] == "yes" for cols in fonts), fonts

    assert len(pdf) <= MAX_NOTICE_BYTES, f"{len(pdf)} bytes for 10 photos"
    images = pdf_images(pdf)  # print-size copies, never the 4000×3000 originals
    assert len(images) == 10 and all(max(size) <= 600 for size in images), images

    [edition] = rows(NoticeEdition)
    assert page_count(pdf) > 1
    [code] = qr_texts(pdf)
    assert qr_texts(pdf, pages=[1]) == [code]  # on the first page, where the outlet looks first
    assert code == f"http://127.0.0.1:{app.config['PORT']}/verify/{edition.content_hash}"
    assert edition.content_hash in text  # the printed address matches the code

    anonymous = app.test_client()
    path = urlsplit(code).path
    page = anonymous.get(f"{path}?lang=en")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert number in body and "Genuine notice" in body

    same = check_file(anonymous, path, pdf)
    assert same.status_code == 200
    assert "This file is an unaltered copy (edition 1)." in same.get_data(as_text=True)

    altered = bytearray(pdf)
    altered[len(altered) // 2] ^= 0x01
    changed = check_file(anonymous, path, bytes(altered))
    assert changed.status_code == 200
    changed_body = changed.get_data(as_text=True)
    assert "it has been altered" in changed_body and "unaltered copy" not in changed_body

    assert anonymous.get(f"/verify/{'0' * 64}").status_code == 404


def test_notices_are_numbered_per_branch_and_year_and_only_inspections_with_findings_have_one(
        onsite, client, bearer, inspector, org):
    first, _ = onsite(1)
    second, _ = onsite(2, outlet=org.outlet_b)  # the sequence is the branch's, not the outlet's
    clean, receipt = onsite(0)
    assert receipt["findings"] == []
    year = local_year()
    headers = bearer(inspector)
    for uuid, sequence in ((first, 1), (second, 2)):
        response = notice_of(client, uuid, headers)
        assert response.status_code == 200
        assert f"相城支行服务整改〔{year}〕第{sequence:04d}号" in flat_text(response.data)
        assert f"notice-{year}-{sequence:04d}-e1.pdf" in response.headers["Content-Disposition"]
    assert sorted((n.year, n.sequence) for n in rows(Notice)) == [(year, 1), (year, 2)]
    assert count(AuditEntry, AuditEntry.action == "notice.issue") == 2

    missing = notice_of(client, clean, headers)
    assert missing.status_code == 404
    assert missing.is_json and missing.get_json()["message"]
    assert count(Notice) == 2


def test_an_unchanged_notice_is_served_again_and_a_closed_finding_prints_a_new_edition(
        app, onsite, camera_jpeg, client, bearer, inspector, manager_a):
    uuid, _ = onsite(2, photo=camera_jpeg)
    headers = bearer(inspector)
    first = notice_of(client, uuid, headers)
    again = notice_of(client, uuid, headers)
    assert first.status_code == again.status_code == 200
    assert first.data == again.data
    assert count(NoticeEdition) == 1
    old = rows(NoticeEdition)[0]
    old_text = flat_text(first.data)
    # "整改后" is said once in the introduction ("…上传整改说明及整改后照片"); a caption adds one.
    assert old_text.count("整改后") == 1 and old_text.count("待整改") == 2

    finding = rows(Finding)[0]
    outlet = bearer(manager_a)
    after_uuid = new_uuid()
    uploaded = client.put(f"/api/v1/findings/{finding.id}/photos/{after_uuid}", data=jpeg((800, 600)),
                          headers=outlet, content_type="image/jpeg")
    assert uploaded.status_code == 201
    responded = client.post(f"/api/v1/findings/{finding.id}/responses", headers=outlet,
                            json={"text": "已更换叫号机打印纸并检修", "photo_ids": [after_uuid]})
    assert responded.status_code == 201
    accepted = client.post(f"/api/v1/findings/{finding.id}/verification", headers=headers, json={"accepted": True})
    assert accepted.status_code == 201

    root = Path(app.config["MEDIA_DIR"])
    before_copies = [f"{p.display_key}.print.jpg" for p in rows(Photo, purpose="evidence")]
    assert all((root / key).is_file() for key in before_copies)
    stamps = {key: (root / key).stat().st_mtime_ns for key in before_copies}
    files_before = media_files(app)

    newer = notice_of(client, uuid, headers)
    assert newer.status_code == 200
    assert newer.data != first.data
    assert "-e2.pdf" in newer.headers["Content-Disposition"]
    assert [e.edition for e in rows(NoticeEdition)] == [1, 2]
    new = rows(NoticeEdition)[1]
    text = flat_text(newer.data)
    assert text.count("整改后") == 2  # the after photo's caption
    assert "已更换叫号机打印纸并检修" in text
    assert text.count("已整改验证") == 1 and text.count("待整改") == 1
    assert new.content_hash in text and old.content_hash not in text

    # Print copies of the before photos are reused; only the after photo's copy and the PDF are new.
    assert {key: (root / key).stat().st_mtime_ns for key in before_copies} == stamps
    [after] = rows(Photo, purpose="after")
    assert media_files(app) - files_before == {f"{after.display_key}.print.jpg", new.pdf_key}

    anonymous = app.test_client()
    old_page = anonymous.get(f"/verify/{old.content_hash}?lang=en")
    assert old_page.status_code == 200 and "Edition 1" in old_page.get_data(as_text=True)
    old_copy = check_file(anonymous, f"/verify/{old.content_hash}", first.data)
    assert "This file is an unaltered copy (edition 1)." in old_copy.get_data(as_text=True)
    new_copy = check_file(anonymous, f"/verify/{new.content_hash}", newer.data)
    assert "This file is an unaltered copy (edition 2)." in new_copy.get_data(as_text=True)


def test_the_full_report_names_every_section_and_a_draft_has_none(checklists, onsite, client, bearer, inspector,
                                                                   org, sync):
    uuid, _ = onsite(1)
    headers = bearer(inspector)
    response = client.get(f"/api/v1/inspections/{uuid}/report.pdf", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = flat_text(response.data)
    checklist = checklist_of(checklists["onsite"])
    assert "月度现场服务检查报告" in text
    assert text.count("不合格") == 1  # the one failing item
    for section in checklist.sections:
        assert re.sub(r"\s+", "", section.label.zh) in text, section.label.zh
    inspection = rows(Inspection, uuid=uuid)[0]
    assert inspection.content_hash in text

    draft = new_uuid()
    version = checklists["onsite"]
    assert sync.put(draft, draft_body(version, org.outlet_a, full_answers(version)), headers).status_code == 201
    refused = client.get(f"/api/v1/inspections/{draft}/report.pdf", headers=headers)
    assert refused.status_code == 409 and refused.is_json


def test_the_report_makes_print_copies_only_of_the_photos_it_draws(app, checklists, client, bearer, inspector, org,
                                                                    sync):
    version = checklists["onsite"]
    uuid, photo_ids = new_uuid(), [new_uuid() for _ in range(5)]
    key = "facility_queue_machine"
    headers = bearer(inspector)
    body = draft_body(version, org.outlet_a, full_answers(version, **{key: {"value": "fail", "photo_ids": photo_ids}}))
    assert sync.put(uuid, body, headers).status_code == 201
    for photo_id in photo_ids:
        assert sync.photo(uuid, photo_id, jpeg(), headers).status_code == 201
    assert sync.submit(uuid, headers).status_code == 200
    before = {name for name in media_files(app) if name.endswith(".print.jpg")}

    response = client.get(f"/api/v1/inspections/{uuid}/report.pdf", headers=headers)
    assert response.status_code == 200
    made = {name for name in media_files(app) if name.endswith(".print.jpg")} - before
    assert len(made) == 2  # the two the item shows, not all five
    assert "另有3张照片" in flat_text(response.data)
