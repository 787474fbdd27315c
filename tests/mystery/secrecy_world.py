"""The bank the secrecy matrix works on: roles, secrets, and how each response is compared."""
from __future__ import annotations

import copy
import hashlib
import io
import itertools
import re
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import timedelta

import openpyxl

from checklists import operations as checklist_operations
from checklists.store import checklist_of
from core.extensions import db as _db
from inspections.models import Assignment, Inspection, Plan
from org.models import User, Vendor
from org.views import RESOURCES
from rectification.models import Finding
from tests.factories import Org, bearer_headers
from tests.inspections.helpers import DEFAULT_DOCUMENTS, SyncApi
from tests.mystery.helpers import AT_OUTLET, FAILING_ITEM, Desk, local_today, photo, utc_now
from tests.rectification.helpers import browser, pdf_text, submit_onsite

ROLES = ("admin", "inspector", "remote_monitor", "viewer", "manager_a", "manager_b", "shopper", "rival_shopper",
         "anonymous")
PRIVILEGED = {"admin", "shopper"}  # the bank's admin and the vendor's own shopper may know

UPCOMING_ID, REPORT_ASSIGNMENT_ID, ACCEPTED_ASSIGNMENT_ID, HIDDEN_FINDING_ID = 870101, 870102, 870103, 870201
SECRET_IDS = (UPCOMING_ID, REPORT_ASSIGNMENT_ID, ACCEPTED_ASSIGNMENT_ID, HIDDEN_FINDING_ID)
SECRET_NARRATIVE = "SECRET-NARRATIVE 暗访经过：等候二十五分钟，柜员未起身迎接。"
SHOPPER_CAMERA_OWNER = "Camera of Zhang Mingcha"  # in the published visit's photo's EXIF (Artist)
SECRET_PERSON = "SECRET-PERSON 3号窗口穿红色外套的男柜员"
MISSING_UUID = "00000000-0000-4000-8000-00000000d00d"
MISSING_PHOTO = "00000000-0000-4000-8000-00000000beef"
MISSING_INT = "879999"

# Every GET route of the app when this matrix was written; each gets its own cell per role.
KNOWN_RULES = (
    # inspections, photos, PDFs, assignments (API)
    "/api/v1/assignments", "/api/v1/inspections", "/api/v1/inspections/<uuid>",
    "/api/v1/inspections/<uuid>/photos/<photo_uuid>", "/api/v1/inspections/<uuid>/notice.pdf",
    "/api/v1/inspections/<uuid>/report.pdf",
    # the mystery flow (API)
    "/api/v1/mystery/assignments", "/api/v1/mystery/reports", "/api/v1/mystery/vendor-performance",
    # findings and notices (API)
    "/api/v1/findings", "/api/v1/findings/<int:ident>", "/api/v1/findings/<int:ident>/photos/<photo_uuid>",
    "/api/v1/notices",
    # organisation, checklists, account (API)
    "/api/v1/auth/me", "/api/v1/checklist-templates", "/api/v1/checklists", "/api/v1/checklists/<int:ident>",
    "/api/v1/checklists/<int:ident>/export", "/api/v1/counters/", "/api/v1/counters/<int:ident>",
    "/api/v1/outlets/", "/api/v1/outlets/<int:ident>", "/api/v1/staff/", "/api/v1/staff/<int:ident>",
    "/api/v1/users/", "/api/v1/users/<int:ident>", "/api/v1/vendors/", "/api/v1/vendors/<int:ident>",
    "/api/openapi.json", "/api/docs",
    # pages: inspections, findings, notices, desks and calendars
    "/", "/inspections/", "/inspections/<uuid>", "/inspections/<uuid>/photos/<photo_uuid>",
    "/inspections/<uuid>/notice.pdf", "/findings/", "/findings/<int:ident>",
    "/findings/<int:ident>/photos/<photo_uuid>",
    "/notices/", "/remote/", "/vendor/", "/admin/calendar", "/admin/mystery/", "/admin/mystery/<uuid>",
    "/admin/audit/", "/admin/plans/", "/admin/plans/new", "/admin/plans/<int:ident>",
    # pages: organisation, checklists, account, the app shell
    "/admin/<name>/", "/admin/<name>/new", "/admin/<name>/import", "/admin/<name>/<int:ident>/edit",
    "/admin/checklists/", "/admin/checklists/versions/<int:ident>", "/admin/checklists/versions/<int:ident>/export",
    "/admin/checklists/versions/<int:ident>/items/<key>", "/admin/checklists/versions/<int:ident>/new-section",
    "/admin/checklists/versions/<int:ident>/sections/<section>/new-item",
    "/account/password", "/login", "/healthz", "/verify/<digest>", "/app/", "/app/sw.js",
)
OTHER = "<any other GET route>"
# A gap found by this matrix and reported, not fixed here (the files are being changed by others):
# inspections.operations.load() looks a UUID up before it checks that the caller is logged in, so
# an anonymous caller gets 401 for a real report and 404 for a made-up UUID on these routes. The
# cells still check everything else, and fail once the gap is closed (remove the entry then).
KNOWN_GAPS: dict = {}
# Static files, and the language switch (it changes the session it is fetched with).
NOT_CHECKED = {"/static/<path:filename>", "/app/<path:filename>", "/api/docs/assets/<name>", "/lang/<code>"}

# Filters that count or narrow what a list shows.
QUERY_VARIANTS = {
    "/api/v1/inspections": ["?kind=mystery", "?status=submitted", "?kind=mystery&status=submitted",
                            "?outlet_id={outlet_a}"],
    "/api/v1/findings": ["?outlet_id={outlet_a}", "?status=open"],
    "/findings/": ["?status=open"],
    "/admin/calendar": ["?month={upcoming_month}"],
    "/remote/": [f"?assignment={UPCOMING_ID}"],
}


@dataclass
class Secrets:
    report: str          # filed, not yet reviewed
    photos: list[str]
    accepted: str        # accepted and attributed to a staff member, not yet published
    accepted_photo: str

    @property
    def uuids(self) -> list[str]:
        return [self.report, *self.photos, self.accepted, self.accepted_photo]


@dataclass
class World:
    app: object
    users: dict
    headers: dict
    browsers: dict
    ids: dict
    rules: list[str]
    secrets: Secrets | None = None
    markers: dict = field(default_factory=dict)
    baseline: dict = field(default_factory=dict)
    desk: Desk | None = None
    times: dict = field(default_factory=dict)

    # -- fetching -------------------------------------------------------------------------------
    def get(self, role: str, url: str):
        try:
            if url.startswith("/api/"):
                response = self.api.get(url, headers=self.headers.get(role, {}))
            else:
                response = self.browsers[role].get(url)
        except Exception as error:  # noqa: BLE001  (the test app propagates a crash; it counts as a 500)
            _db.session.rollback()
            return self.app.response_class(f"{type(error).__name__}: {error}", status=500, mimetype="text/plain")
        response.get_data()  # buffered, so that a streamed file is closed at once
        response.close()
        return response

    @property
    def api(self):
        return self.app.test_client(use_cookies=False)

    # -- the URLs each rule is checked at -------------------------------------------------------
    def urls(self, rule: str) -> list[str]:
        names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule)
        combos = [()] if not names else self._values(rule, names)
        urls = []
        for combo in combos:
            url = rule
            for name, value in zip(names, combo):
                url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), url, count=1)
            urls.append(url)
        extra = [url + variant.format(**self.ids) for url in urls[:1] for variant in QUERY_VARIANTS.get(rule, [])]
        return urls + extra

    def _values(self, rule: str, names: list[str]) -> list[tuple]:
        ids, secret = self.ids, self.secrets
        if names == ["uuid", "photo_uuid"]:
            return [(secret.report, secret.photos[0]), (secret.report, secret.photos[1]),
                    (secret.accepted, secret.accepted_photo), (ids["published"], ids["published_photo"]),
                    (ids["onsite"], ids["onsite_photo"])]
        if names == ["ident", "photo_uuid"]:
            return [(HIDDEN_FINDING_ID, secret.photos[0]), (ids["published_finding"], ids["published_photo"]),
                    (ids["onsite_finding"], ids["onsite_photo"])]
        if names == ["name", "ident"]:
            return [(name, ids["resource"][name]) for name in RESOURCES]
        per_name = [self._candidates(rule, name) for name in names]
        return list(itertools.product(*per_name))

    def _candidates(self, rule: str, name: str) -> list:
        ids = self.ids
        if name == "uuid":
            return [self.secrets.report, self.secrets.accepted, ids["published"], ids["onsite"]]
        if name == "name":
            return list(RESOURCES)
        if name == "key":
            return [ids["item_key"]]
        if name == "section":
            return [ids["section_key"]]
        if name == "digest":
            return [hashlib.sha256(b"no such notice").hexdigest()]
        if name == "extension":  # a red/black list's files
            return ["pdf", "xlsx", "csv"]
        if name == "month_text":  # a month's publication of volumes and errors
            return [local_today().strftime("%Y-%m")]
        if name == "quarter_text":  # the quarterly pack's quarter
            today = local_today()
            return [f"{today.year}-Q{(today.month - 1) // 3 + 1}"]
        if name == "ident":
            for prefix, values in (
                    (("/api/v1/findings", "/findings/"), [HIDDEN_FINDING_ID, ids["published_finding"],
                                                          ids["onsite_finding"]]),
                    (("/api/v1/checklists/", "/admin/checklists/versions/"), [ids["mystery_version"]]),
                    (("/api/v1/counters/",), [ids["resource"]["counters"]]),
                    (("/api/v1/outlets/",), [ids["resource"]["outlets"]]),
                    (("/api/v1/staff/",), [ids["resource"]["staff"]]),
                    (("/api/v1/users/",), [ids["resource"]["users"], ids["rival_shopper"]]),
                    (("/api/v1/vendors/",), [ids["resource"]["vendors"]]),
                    (("/admin/plans/",), [ids["plan"]])):
                if rule.startswith(prefix):
                    return values
        if name == "staff_id":  # the one named by the published visit, and the one by the accepted one
            return [ids["resource"]["staff"], ids["attributed_staff"]]
        if name in ("ident", "id", "outlet_id") or name.endswith("_id"):
            # A route added after this matrix was written: try an outlet and both secret ids.
            return [ids["outlet_a"], UPCOMING_ID, HIDDEN_FINDING_ID]
        raise LookupError(f"no test value for <{name}> in {rule}: add one to the secrecy matrix")

    # -- secrets --------------------------------------------------------------------------------
    def secret_parts(self, url: str) -> list[str]:
        parts = [*self.secrets.uuids, *map(str, SECRET_IDS)]
        return [p for p in parts if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", url)]

    def twin(self, url: str) -> str:
        """The same URL naming objects that do not exist."""
        s = self.secrets
        for report in (s.report, s.accepted):
            url = url.replace(report, MISSING_UUID)
        for photo_uuid in (*s.photos, s.accepted_photo):
            url = url.replace(photo_uuid, MISSING_PHOTO)
        for number in SECRET_IDS:
            url = re.sub(rf"(?<![\w-]){number}(?![\w-])", MISSING_INT, url)
        return url


# The form tokens new on every page: CSRF tokens, and an intake form's own UUID (a second send is no new record).
CSRF = re.compile(r'(name="(?:csrf_token|client_uuid)" value=")[^"]+(")')
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_text(data: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return "\n".join("\t".join("" if v is None else str(v) for v in row)
                         for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def snapshot(response) -> tuple:
    """What a response tells: status, type, where it redirects and its body as text — CSRF tokens and
    form UUIDs (new on every page) blanked, a PDF's or a workbook's text rather than its bytes (which carry
    the time they were made), an image's hash."""
    mimetype = response.mimetype or ""
    data = response.get_data()
    if mimetype == "application/pdf" and response.status_code == 200:
        body = pdf_text(data)
    elif mimetype == XLSX and response.status_code == 200:
        body = _xlsx_text(data)
    elif mimetype.startswith("image/") or mimetype == "application/octet-stream":
        body = hashlib.sha256(data).hexdigest()
    else:
        body = CSRF.sub(r"\1…\2", data.decode("utf-8", errors="replace"))
    return response.status_code, mimetype, response.headers.get("Location", ""), body


def _first_difference(before: str, after: str) -> str:
    index = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b), min(len(before), len(after)))
    return f"before …{before[max(0, index - 80):index + 80]!r}… now …{after[max(0, index - 80):index + 80]!r}…"


def _build(app) -> World:
    org = Org(_db)
    versions = {kind: checklist_operations.import_and_publish_default(copy.deepcopy(document))
                for kind, document in DEFAULT_DOCUMENTS.items()}
    rival_vendor = Vendor(code="V02", name="远景调研")
    _db.session.add(rival_vendor)
    _db.session.commit()
    users = {
        "admin": org.user("admin"), "inspector": org.user("inspector"), "remote_monitor": org.user("remote_monitor"),
        "viewer": org.user("viewer"), "manager_a": org.user("outlet_manager", "manager_a", outlet=org.outlet_a),
        "manager_b": org.user("outlet_manager", "manager_b", outlet=org.outlet_b),
        "shopper": org.user("mystery_shopper", "shopper"),
        "rival_shopper": org.user("mystery_shopper", "rival_shopper", vendor=rival_vendor),
    }
    users["rival_shopper"].is_coordinator = True  # the other vendor's coordinator: sees all of its vendor's visits
    _db.session.commit()
    headers = {role: bearer_headers(user) for role, user in users.items()}
    browsers = {role: browser(app, user) for role, user in users.items()}
    browsers["anonymous"] = app.test_client()
    today = local_today()

    # Public: an on-site visit to A (assignment, inspection, finding, notice).
    _db.session.add(Assignment(kind="onsite", template_id=versions["onsite"].template_id, outlet_id=org.outlet_a.id,
                               assignee_id=users["inspector"].id, period="P", sequence=1,
                               window_start=today - timedelta(days=1), window_end=today + timedelta(days=5)))
    plan = Plan(name="月度现场检查", kind="onsite", template_id=versions["onsite"].template_id, cadence="monthly")
    _db.session.add(plan)
    _db.session.commit()
    sync = SyncApi(app.test_client(use_cookies=False))
    onsite, _ = submit_onsite(sync, versions["onsite"], org.outlet_a, headers["inspector"], ["facility_queue_machine"])
    [onsite_finding] = _db.session.query(Finding).filter_by(item_key="facility_queue_machine").all()

    # Public: a mystery visit to A, filed, accepted, attributed and published.
    desk = Desk(org, versions["mystery"], sync, app.test_client(use_cookies=False),
                lambda user: headers[_role(users, user)], users["admin"])
    now = utc_now()
    times = {"started_at": now - timedelta(hours=3), "finished_at": now - timedelta(hours=2, minutes=30)}
    published = desk.file(users["shopper"], desk.assignment(assignee=users["shopper"]), photo_item=FAILING_ITEM,
                          failing={FAILING_ITEM: "戴眼镜的女柜员"}, narrative="公开报告：柜员未使用规范服务用语。",
                          photos=[photo(901, taken=times["started_at"] + timedelta(minutes=5), gps=AT_OUTLET,
                                        artist=SHOPPER_CAMERA_OWNER)],
                          **times)
    assert desk.review(published.uuid, "accept").status_code == 200
    assert desk.attribute(published.uuid, {FAILING_ITEM: org.outlet_a.staff[0].id}).status_code == 200
    assert desk.publish(published.uuid).status_code == 200
    [published_finding] = _db.session.query(Finding).filter_by(item_key=FAILING_ITEM).all()
    checklist = checklist_of(versions["mystery"])

    ids = {
        "outlet_a": org.outlet_a.id, "upcoming_month": f"{(today + timedelta(days=16)):%Y-%m}",
        "onsite": onsite, "onsite_photo": onsite_finding.photo_ids[0], "onsite_finding": onsite_finding.id,
        "published": published.uuid, "published_photo": published.photos[0], "published_finding": published_finding.id,
        "mystery_version": versions["mystery"].id, "plan": plan.id, "rival_shopper": users["rival_shopper"].id,
        "item_key": checklist.sections[0].items[0].key, "section_key": checklist.sections[0].key,
        "resource": {"outlets": org.outlet_a.id, "counters": org.outlet_a.staff[0].counter_id,
                     "staff": org.outlet_a.staff[0].id, "vendors": org.vendor.id, "users": users["shopper"].id},
        "attributed_staff": org.outlet_a.staff[1].id,
    }
    rules = sorted(rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.rule not in NOT_CHECKED)
    world = World(app, users, headers, browsers, ids, rules)
    world.desk, world.times = desk, times
    # Placeholders until the secrets exist, so that every URL can be expanded for the baseline.
    placeholder = [str(uuid_module.uuid4()) for _ in range(4)]
    world.secrets = Secrets(placeholder[0], placeholder[1:3], placeholder[3], placeholder[3])
    return world


def _role(users: dict, user: User) -> str:
    return next(role for role, candidate in users.items() if candidate.id == user.id)


def _add_secrets(world: World) -> None:
    """An upcoming visit to A; a report on A filed but not reviewed (with an unpublished finding
    row); and a report on A accepted and attributed to a staff member but not published."""
    desk, shopper, today = world.desk, world.users["shopper"], local_today()
    desk.assignment(id=UPCOMING_ID, assignee=shopper, start=today + timedelta(days=10), end=today + timedelta(days=16))
    visit = desk.assignment(id=REPORT_ASSIGNMENT_ID, assignee=shopper)
    started = world.times["started_at"] + timedelta(hours=1)
    filed = desk.file(shopper, visit, photo_item=FAILING_ITEM, failing={FAILING_ITEM: SECRET_PERSON},
                      narrative=SECRET_NARRATIVE, started_at=started, finished_at=started + timedelta(minutes=30),
                      photos=[photo(902, taken=started + timedelta(minutes=3), gps=AT_OUTLET),
                              photo(903, taken=started + timedelta(minutes=4), gps=AT_OUTLET)])
    inspection = _db.session.query(Inspection).filter_by(uuid=filed.uuid).one()
    assert inspection.status == "submitted" and inspection.kind == "mystery"
    _db.session.add(Finding(id=HIDDEN_FINDING_ID, inspection_id=inspection.id, outlet_id=inspection.outlet_id,
                            item_key=FAILING_ITEM, section_key="teller", severity="major", title="使用规范服务用语",
                            note=SECRET_PERSON, photo_ids=[filed.photos[0]], due_date=today + timedelta(days=7),
                            published=False, status="open"))
    _db.session.commit()

    visit = desk.assignment(id=ACCEPTED_ASSIGNMENT_ID, assignee=shopper)
    accepted = desk.file(shopper, visit, photo_item=FAILING_ITEM, failing={FAILING_ITEM: SECRET_PERSON},
                         narrative="SECRET-ACCEPTED " + SECRET_NARRATIVE, started_at=started - timedelta(minutes=40),
                         finished_at=started - timedelta(minutes=10),
                         photos=[photo(904, taken=started - timedelta(minutes=35), gps=AT_OUTLET)])
    assert desk.review(accepted.uuid, "accept").status_code == 200
    assert desk.attribute(accepted.uuid, {FAILING_ITEM: world.ids["attributed_staff"]}).status_code == 200

    world.secrets = Secrets(filed.uuid, filed.photos, accepted.uuid, accepted.photos[0])
    world.markers = {
        "the unpublished reports' UUIDs": re.compile(f"{re.escape(filed.uuid)}|{re.escape(accepted.uuid)}"),
        "a photo of an unpublished report": re.compile("|".join(map(re.escape, filed.photos + accepted.photos))),
        "the upcoming visit's id": re.compile(rf"(?<![\w.-]){UPCOMING_ID}(?![\w.-])"),
        "an unpublished report's visit id": re.compile(rf"(?<![\w.-])({REPORT_ASSIGNMENT_ID}|{ACCEPTED_ASSIGNMENT_ID})"
                                                       rf"(?![\w.-])"),
        "the unpublished finding's id": re.compile(rf"(?<![\w.-]){HIDDEN_FINDING_ID}(?![\w.-])"),
        "an unpublished narrative": re.compile("SECRET-NARRATIVE|SECRET-ACCEPTED"),
        "an unpublished staff description": re.compile("SECRET-PERSON"),
    }
