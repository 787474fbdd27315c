"""整改通知书: numbering, the printed content, its QR-coded verification, and caching of editions."""
from __future__ import annotations

import io
from datetime import datetime

import segno
from flask import current_app, render_template
from flask_babel import gettext as _
from PIL import Image
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError

from core.audit import content_hash
from core.clock import local_zone
from core.db import utcnow
from core.errors import Conflict, NotFound
from core.extensions import db
from core.pdf import ProjectOnlyFetcher, render_pdf
from core.storage import new_key, storage
from core.urls import public_url
from inspections.evidence import sha256_hex
from inspections.kinds import kind_of
from inspections.models import Inspection, Photo
from inspections.photostore import ensure_derivatives
from org.models import Branch, Outlet, Staff
from rectification.models import Finding, Notice, NoticeEdition, Response

PRINT_EDGE = 600  # 44 mm wide at about 300 dpi
REPORT_PHOTOS_PER_ITEM = 2
KIND_NAMES = {"onsite": "月度现场服务检查", "7s": "7S现场管理检查", "remote": "实时非现场检查", "mystery": "神秘人暗访"}
SEVERITY_NAMES = {"critical": "严重", "major": "一般", "minor": "轻微"}
STATUS_NAMES = {"open": "待整改", "responded": "待验证", "closed": "已整改验证"}


def _number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}〔{year}〕第{sequence:04d}号"


_notices = Notice.__table__
# Built once: the numbering runs inside every submit that has findings.
LOCK_BRANCH = (select(Branch.__table__.c.id, Branch.__table__.c.name, Branch.__table__.c.notice_prefix)
               .join(Outlet.__table__, Outlet.__table__.c.branch_id == Branch.__table__.c.id)
               .where(Outlet.__table__.c.id == bindparam("outlet")).with_for_update(of=Branch.__table__))
LAST_SEQUENCE = select(func.max(_notices.c.sequence)).where(_notices.c.branch_id == bindparam("branch"),
                                                            _notices.c.year == bindparam("year"))
INSERT_NOTICE = insert(_notices).returning(_notices.c.id)
LAST_EDITION = select(func.max(NoticeEdition.__table__.c.edition)).where(
    NoticeEdition.__table__.c.notice_id == bindparam("notice"))
EDITION_RETRIES = 5


def issue(inspection: Inspection, moment: datetime) -> tuple[int, str]:
    """Give the inspection its numbered notice, inside the caller's transaction: (notice id, number)."""
    return issue_for(inspection.outlet_id, moment, inspection_id=inspection.id)


def issue_for(outlet_id: int, moment: datetime, *, inspection_id: int | None = None,
              complaint_id: int | None = None, source: dict | None = None) -> tuple[int, str]:
    """A numbered notice for an inspection's or a complaint's findings at an outlet, in the one series of the
    outlet's branch, inside the caller's transaction: (notice id, number)."""
    # Locking the branch row makes numbering strictly sequential under concurrent submits.
    branch = db.session.execute(LOCK_BRANCH, {"outlet": outlet_id}).one()
    # Numbered in the year the outlet receives it (the moment its failures reach it): a mystery visit
    # filed in December and published in January belongs to January's year.
    year = moment.astimezone(local_zone()).year
    sequence = (db.session.execute(LAST_SEQUENCE, {"branch": branch.id, "year": year}).scalar() or 0) + 1
    number = _number(branch.notice_prefix or f"{branch.name}服务整改", year, sequence)
    notice_id = db.session.execute(INSERT_NOTICE, {
        "inspection_id": inspection_id, "complaint_id": complaint_id, "source": source, "outlet_id": outlet_id,
        "branch_id": branch.id, "year": year, "sequence": sequence, "number": number,
        "issued_at": utcnow()}).scalar_one()
    return notice_id, number


def print_copy(photo: Photo) -> str:
    """A print-size JPEG of a photo, made once and kept beside its display copy."""
    ensure_derivatives(photo)
    key = f"{photo.display_key}.print.jpg"
    media = storage()
    if not media.exists(key):
        image = Image.open(io.BytesIO(media.get(photo.display_key)))
        image.thumbnail((PRINT_EDGE, PRINT_EDGE), Image.Resampling.BICUBIC)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=72)
        media.put(key, buffer.getvalue())
    return key


def _photos(uuids: list[str]) -> list[Photo]:
    if not uuids:
        return []
    found = {p.uuid: p for p in db.session.execute(select(Photo).where(Photo.uuid.in_(uuids))).scalars()}
    return [found[u] for u in uuids if u in found]


def _responsible(outlet_id: int) -> str:
    manager = db.session.execute(
        select(Staff.name).where(Staff.outlet_id == outlet_id, Staff.position == "outlet_manager",
                                 Staff.active.is_(True)).order_by(Staff.employee_no)).scalar()
    return manager or "网点负责人"


def _latest_response(finding: Finding) -> Response | None:
    return db.session.execute(select(Response).where(Response.finding_id == finding.id)
                              .order_by(Response.id.desc()).limit(1)).scalar()


def _rows(notice: Notice) -> list[dict]:
    of_source = Finding.inspection_id == notice.inspection_id if notice.inspection_id is not None else \
        Finding.complaint_id == notice.complaint_id
    findings = db.session.execute(select(Finding).where(of_source, Finding.published.is_(True))
                                  .order_by(Finding.id)).scalars().all()
    responsible = _responsible(notice.outlet_id)
    rows = []
    for index, finding in enumerate(findings, start=1):
        before = [p for p in _photos(finding.photo_ids)]
        response = _latest_response(finding) if finding.status == "closed" else None
        after = _photos(response.photo_ids) if response else []
        rows.append({
            "index": index, "title": finding.title, "requirement": finding.requirement, "note": finding.note,
            "severity": SEVERITY_NAMES[finding.severity], "status": STATUS_NAMES.get(finding.status, finding.status),
            "staff": finding.staff.name if finding.staff else "", "deadline": finding.due_date.isoformat(),
            "responsible": responsible, "response": response.text if response else "",
            "before": [{"key": print_copy(p), "sha256": p.sha256} for p in before],
            "after": [{"key": print_copy(p), "sha256": p.sha256} for p in after],
        })
    return rows


def notice_content(notice: Notice) -> dict:
    """Everything the printed notice says; its hash is what the QR code vouches for."""
    if notice.inspection_id is None:
        return _complaint_content(notice)
    inspection = notice.inspection
    zone = local_zone()
    rows = _rows(notice)
    # The outlet must not learn who the mystery shopper was (they would know them next time).
    inspectors = "第三方神秘人" if kind_of(inspection.kind).secret_until_published else \
        inspection.inspector.display_name or inspection.inspector.username
    return {
        "number": notice.number, "branch": notice.outlet.branch.name, "outlet": notice.outlet.name,
        "outlet_code": notice.outlet.code, "kind": KIND_NAMES.get(inspection.kind, inspection.kind),
        "date": inspection.submitted_at.astimezone(zone).date().isoformat(), "inspectors": inspectors,
        "percent": inspection.percent, "grade": inspection.grade, "score": inspection.score,
        "max_score": inspection.max_score, "inspection_hash": inspection.content_hash,
        "issued": notice.issued_at.astimezone(zone).date().isoformat(), "findings": rows,
    }


def _complaint_content(notice: Notice) -> dict:
    """A complaint's notice names its source as the ledger gave it (number, category, day received) and
    nothing of the customer, who is never in a notice."""
    source = notice.source or {}
    return {
        "number": notice.number, "branch": notice.outlet.branch.name, "outlet": notice.outlet.name,
        "outlet_code": notice.outlet.code, "source": "complaint", "complaint_number": source.get("number", ""),
        "complaint_category": source.get("category", ""), "complaint_received": source.get("received_on", ""),
        "issued": notice.issued_at.astimezone(local_zone()).date().isoformat(), "findings": _rows(notice),
    }


def notice_pdf_path(notice_id: int) -> str:
    """Where the API serves a notice by its id (a complaint's has no inspection to be found by)."""
    return current_app.url_map.bind("localhost").build("rectification.notice_pdf_by_id", {"ident": notice_id})


def pdf_path(inspection_uuid: str) -> str:
    """Where the API serves an inspection's notice, on this server (kept in receipts, so made without
    the request that happens to submit)."""
    return current_app.url_map.bind("localhost").build("rectification.notice_pdf", {"uuid": inspection_uuid})


def verification_url(content_digest: str) -> str:
    return public_url("rectification_pages.verify", digest=content_digest)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)


def _render(template: str, content: dict, digest: str) -> tuple[bytes, ProjectOnlyFetcher]:
    url = verification_url(digest)
    html = render_template(template, c=content, digest=digest, verify_url=url, qr=_qr_svg(url))
    fetcher = ProjectOnlyFetcher(storage())
    return render_pdf(html, fetcher=fetcher), fetcher


def current_pdf(notice: Notice) -> tuple[bytes, NoticeEdition]:
    """The notice as it stands now; a new edition is printed only when its content changed."""
    content = notice_content(notice)
    digest = content_hash(content)
    media = storage()
    edition = _edition(digest)
    if edition is not None:
        return media.get(edition.pdf_key), edition
    notice_id = notice.id
    template = "pdf/complaint_notice.html" if content.get("source") == "complaint" else "pdf/notice.html"
    pdf = _render(template, content, digest)[0]
    key = new_key("notices", ".pdf")
    media.put(key, pdf)
    for _attempt in range(EDITION_RETRIES):
        number = (db.session.execute(LAST_EDITION, {"notice": notice_id}).scalar() or 0) + 1
        edition = NoticeEdition(notice_id=notice_id, edition=number, content_hash=digest,
                                file_sha256=sha256_hex(pdf), pdf_key=key, byte_size=len(pdf))
        try:
            with db.session.begin_nested():
                db.session.add(edition)
            return pdf, edition
        except IntegrityError:
            # A parallel request printed this content first (serve theirs), or another content took
            # this edition number (number it again).
            winner = _edition(digest)
            if winner is not None:
                media.delete(key)
                return media.get(winner.pdf_key), winner
    media.delete(key)
    raise Conflict(_("The notice is being printed by several requests at once; download it again."))


def _edition(digest: str) -> NoticeEdition | None:
    return db.session.execute(select(NoticeEdition).where(NoticeEdition.content_hash == digest)).scalar()


def notice_of(inspection: Inspection) -> Notice:
    notice = db.session.execute(select(Notice).where(Notice.inspection_id == inspection.id)).scalar()
    if notice is None:
        raise NotFound(_("This inspection has no rectification notice (no published findings)."), problem="no_notice")
    return notice


def report_pdf(inspection: Inspection, checklist) -> bytes:
    """The full inspection report: every section and item with its answer and photos."""
    answers = {a.item_key: a for a in inspection.answers}
    photos = {p.uuid: p for p in inspection.photos}
    sections = []
    for section, scored in zip(checklist.sections, inspection.section_scores or [None] * len(checklist.sections)):
        items = []
        for item in section.items:
            answer = answers.get(item.key)
            if answer is None:
                continue
            shown = [photos[p] for p in answer.photo_ids if p in photos]
            items.append({"label": item.label.zh, "value": answer.value, "note": answer.note, "failed": answer.failed,
                          "score": answer.score, "max": answer.max_score,
                          # print copies only of the photos the page draws, not of every photo taken
                          "photos": [print_copy(photo) for photo in shown[:REPORT_PHOTOS_PER_ITEM]],
                          "more_photos": max(0, len(shown) - REPORT_PHOTOS_PER_ITEM)})
        sections.append({"label": section.label.zh, "score": scored.score if scored else None,
                         "max": scored.max_score if scored else None, "entries": items})
    zone = local_zone()
    secret = kind_of(inspection.kind).secret_until_published
    content = {"title": checklist.name.zh, "outlet": inspection.outlet.name, "kind": KIND_NAMES.get(inspection.kind),
               # A mystery visit's time to the minute would single the shopper out: its day only.
               "date": (inspection.submitted_at or inspection.created_at).astimezone(zone).strftime(
                   "%Y-%m-%d" if secret else "%Y-%m-%d %H:%M"),
               "inspector": "第三方神秘人" if secret else
               inspection.inspector.display_name or inspection.inspector.username,
               "staff": inspection.staff.name if inspection.staff and not secret else "",
               "percent": inspection.percent, "grade": inspection.grade, "score": inspection.score,
               "max_score": inspection.max_score, "hash": inspection.content_hash, "sections": sections}
    html = render_template("pdf/report.html", c=content)
    return render_pdf(html)
