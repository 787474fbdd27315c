"""A year of a large bank written straight into PostgreSQL for the reports benchmark.

Inspections and findings are generated here and streamed with COPY in submission order (as a live
system would have written them); answers and section scores are derived from them inside the
database with INSERT … SELECT, which is much faster than sending 30 M rows from Python."""
from __future__ import annotations

import calendar
import copy
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")
EPOCH = date(2026, 1, 1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚陆顾钱"
GIVEN = ["晓燕", "丽娟", "志强", "建华", "文静", "海峰", "雪梅", "俊杰", "秀英", "伟", "婷婷", "磊", "敏", "静怡",
         "子涵", "浩然", "佳琪", "欣怡", "宇轩", "思远"]
POSITIONS = ["outlet_manager", "lobby_manager", "wealth_manager", "wealth_manager", "account_manager"]
SEVERITY_FACTOR = {"minor": 1.0, "major": 0.6, "critical": 0.06}
DEADLINE = {"minor": 15, "major": 7, "critical": 3}


@dataclass(frozen=True)
class Scale:
    outlets: int
    staff_per_outlet: int
    months: int
    remote_answers: int  # answer rows per remote check: the checklist's items, padded with extra ones

    @property
    def tellers_per_outlet(self) -> int:
        return self.staff_per_outlet - len(POSITIONS)


def step(message: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {message} ({now - started:.1f} s)", flush=True)
    return now


def local(day: date, minutes: int) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=ZONE).astimezone(UTC) + timedelta(minutes=minutes)


def months_ending(last: date, count: int) -> list[tuple[date, date]]:
    result = []
    year, month = last.year, last.month
    for _ in range(count):
        result.insert(0, (date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return result


def seed_base(app) -> dict:
    """Branch, vendor, one user per role and the default checklists, through the app."""
    from checklists import operations as checklist_operations
    from checklists.seed import default_documents
    from checklists.store import checklist_of
    from core.extensions import db
    from core.security import hash_password
    from org.models import Branch, User, Vendor

    with app.app_context():
        branch = Branch(code="BIG", name="大行支行", notice_prefix="大行支行服务整改")
        vendor = Vendor(code="V01", name="明察调研")
        db.session.add_all([branch, vendor])
        db.session.flush()
        password = hash_password("bench-pass-2026")
        users = {}
        for username, role in (("admin", "admin"), ("inspector", "inspector"), ("monitor", "remote_monitor"),
                               ("shopper", "mystery_shopper"), ("viewer", "viewer")):
            users[username] = User(username=username, display_name=username, role=role, password_hash=password,
                                   vendor_id=vendor.id if role == "mystery_shopper" else None)
            db.session.add(users[username])
        db.session.commit()
        versions = {}
        for document in default_documents():
            version = checklist_operations.import_and_publish_default(copy.deepcopy(document))
            checklist = checklist_of(version)
            versions[checklist.kind] = (version.id, [
                (section.key, item.key, item.points, item.severity, item.attribute_to_staff, item.label.zh)
                for section in checklist.sections for item in section.items])
        db.session.commit()
        return {"branch": branch.id, "users": {name: user.id for name, user in users.items()}, "versions": versions}


def write_org(cursor, scale: Scale, branch_id: int) -> dict[int, dict[str, list[int]]]:
    rng = random.Random(7)
    staff: dict[int, dict[str, list[int]]] = {}
    with cursor.copy("COPY outlet (id, branch_id, code, name, address, active, created_at, updated_at) FROM STDIN") as copy_:
        now = datetime.now(UTC)
        for outlet_id in range(1, scale.outlets + 1):
            copy_.write_row((outlet_id, branch_id, f"B{outlet_id:04d}", f"第{outlet_id}网点", "", True, now, now))
    staff_id = 0
    with cursor.copy("COPY staff (id, outlet_id, employee_no, name, position, active, created_at, updated_at) "
                     "FROM STDIN") as copy_:
        for outlet_id in range(1, scale.outlets + 1):
            roles = POSITIONS + ["teller"] * scale.tellers_per_outlet
            staff[outlet_id] = {}
            for position in roles:
                staff_id += 1
                staff[outlet_id].setdefault(position, []).append(staff_id)
                copy_.write_row((staff_id, outlet_id, f"{500000 + staff_id}", rng.choice(SURNAMES) + rng.choice(GIVEN),
                                 position, True, now, now))
    return staff


class Writer:
    """Streams inspections and their findings, numbering both."""

    INSPECTION_COLUMNS = ("id, uuid, kind, checklist_version_id, outlet_id, inspector_id, staff_id, status, started_at, "
                          "finished_at, submitted_at, narrative, score, max_score, percent, grade, critical_failed, "
                          "created_at, updated_at")
    FINDING_COLUMNS = ("id, inspection_id, outlet_id, item_key, section_key, severity, title, requirement, note, "
                       "staff_id, photo_ids, status, due_date, published, responded_at, closed_at, created_at, "
                       "updated_at")

    def __init__(self, cursor, base: dict, now: datetime):
        self.cursor, self.base, self.now = cursor, base, now
        self.inspection_id = self.finding_id = 0
        self.rng = random.Random(11)

    def month(self, visits: list[tuple]) -> None:
        visits.sort(key=lambda visit: visit[0])
        findings, mystery_visits, confirmations = [], [], []
        with self.cursor.copy(f"COPY inspection ({self.INSPECTION_COLUMNS}) FROM STDIN") as copy_:
            for submitted, kind, outlet_id, staff_id, rate, people in visits:
                self.inspection_id += 1
                row, failed, published, confirmed = self._inspection(submitted, kind, outlet_id, staff_id, rate)
                copy_.write_row(row)
                made = self._findings(row, failed, people, published)
                findings += made
                if published:
                    mystery_visits.append((self.inspection_id, "[]", "", published - timedelta(days=1), published))
                if confirmed:  # by the admin as they published it, for everyone the visit names
                    confirmations += [(self.inspection_id, person, "", self.base["users"]["admin"], published)
                                      for person in sorted({finding[9] for finding in made if finding[9]})]
        with self.cursor.copy(f"COPY finding ({self.FINDING_COLUMNS}) FROM STDIN") as copy_:
            for finding in findings:
                copy_.write_row(finding)
        with self.cursor.copy("COPY mystery_visit (inspection_id, flags, revision_reason, reviewed_at, published_at) "
                              "FROM STDIN") as copy_:
            for visit in mystery_visits:
                copy_.write_row(visit)
        with self.cursor.copy("COPY mystery_confirmation (inspection_id, staff_id, note, confirmed_by_id, confirmed_at) "
                              "FROM STDIN") as copy_:
            for confirmation in confirmations:
                copy_.write_row(confirmation)

    def _inspection(self, submitted: datetime, kind: str, outlet_id: int, staff_id, rate: float):
        rng = self.rng
        version_id, items = self.base["versions"][kind]
        failed = [item for item in items if item[2] > 0 and rng.random() < rate * SEVERITY_FACTOR[item[3]]]
        top = sum(item[2] for item in items)
        lost = sum(item[2] for item in failed)
        percent = round((top - lost) / top * 100, 2)
        grade = "A" if percent >= 90 else "B" if percent >= 80 else "C" if percent >= 60 else "D"
        published = submitted + timedelta(days=5) if kind == "mystery" else None
        inspector = {"remote": "monitor", "mystery": "shopper"}.get(kind, "inspector")
        uuid = f"{rng.getrandbits(128):032x}"
        row = (self.inspection_id, f"{uuid[:8]}-{uuid[8:12]}-4{uuid[13:16]}-a{uuid[17:20]}-{uuid[20:]}", kind,
               version_id, outlet_id, self.base["users"][inspector], staff_id,
               "published" if published else "submitted", submitted - timedelta(minutes=5), submitted, submitted, "",
               top - lost, top, percent, grade, any(item[3] == "critical" for item in failed), submitted,
               published or submitted)
        confirmed = bool(published) and rng.random() < 0.5
        return row, failed, published, confirmed

    def _findings(self, inspection: tuple, failed: list, people: list[int], published: datetime | None) -> list[tuple]:
        rng, rows = self.rng, []
        kind, outlet_id, staff_id, submitted = inspection[2], inspection[4], inspection[6], inspection[10]
        raised = published or submitted
        for section, key, points, severity, attributed, title in failed:
            self.finding_id += 1
            person = None
            if attributed:
                person = staff_id if kind == "remote" else (rng.choice(people) if people else None)
            roll = rng.random()
            settled = raised < self.now - timedelta(days=14)
            status = ("closed" if roll < 0.9 else "responded" if roll < 0.94 else "open") if settled else \
                ("closed" if roll < 0.5 else "responded" if roll < 0.8 else "open")
            responded = raised + timedelta(days=rng.uniform(0.3, 6)) if status != "open" else None
            closed = responded + timedelta(days=rng.uniform(0.2, 3)) if status == "closed" else None
            if closed and closed > self.now:
                status, closed = "responded", None
            rows.append((self.finding_id, inspection[0], outlet_id, key, section, severity, title[:300], title, "",
                         person, "[]", status, (raised.astimezone(ZONE).date() + timedelta(days=DEADLINE[severity])),
                         True, responded, closed, raised, closed or responded or raised))
        return rows


def visits_of_month(first: date, last: date, scale: Scale, staff: dict, quality: dict, rng) -> list[tuple]:
    """(submitted, kind, outlet, watched teller, failure rate, people a finding may name) for a month."""
    visits = []
    for outlet_id, people in staff.items():
        base = quality[outlet_id]
        day = first + timedelta(days=rng.randint(2, 24))
        visits.append((local(day, rng.randint(0, 120)), "onsite", outlet_id, None, base, people["teller"]))
        visits.append((local(day, rng.randint(150, 240)), "7s", outlet_id, None, base, []))
        if first.month % 3 == 2:  # two unannounced visits per quarter, in its middle month
            for _ in range(2):
                visit_day = first + timedelta(days=rng.randint(0, (last - first).days))
                visits.append((local(visit_day, rng.randint(60, 400)), "mystery", outlet_id, None, base * 1.3,
                               people["teller"]))
    start = first + timedelta(days=(first - EPOCH).days % 2)
    while start <= last:
        for outlet_id, people in staff.items():
            for teller in people["teller"]:
                checks = 1 + (rng.random() < 0.5)
                for _ in range(checks):
                    day = start + timedelta(days=rng.randint(0, 1))
                    visits.append((local(day, rng.randint(0, 480)), "remote", outlet_id, teller,
                                   quality[outlet_id] * 0.4 * quality[("teller", teller)], []))
        start += timedelta(days=2)
    return visits


BUSINESS_TYPES = (("个人存取款", 900), ("对公结算", 250), ("开户", 80), ("转账汇款", 420), ("其他", 120))
ERROR_KINDS = ("操作差错", "凭证差错")


def write_teller_counts(cursor, staff: dict, months: list[tuple[date, date]], quality: dict) -> int:
    """Each teller's monthly volumes by business type and errors by kind, as the core banking report gives them;
    tellers who fail more remote checks make more errors."""
    rng, rows = random.Random(13), 0
    with cursor.copy("COPY teller_count (month, staff_id, measure, label, count) FROM STDIN") as copy_:
        for first, _last in months:
            for outlet_id, people in staff.items():
                for teller in people["teller"]:
                    volume = 0
                    for label, typical in BUSINESS_TYPES:
                        count = max(0, round(rng.gauss(typical, typical / 5)))
                        volume += count
                        copy_.write_row((first, teller, "transactions", label, count))
                    expected = volume * 10 * quality[outlet_id] * 20 * quality[("teller", teller)] / 10_000
                    for label, share in zip(ERROR_KINDS, (0.7, 0.3), strict=True):
                        copy_.write_row((first, teller, "errors", label,
                                         round(expected * share * rng.uniform(0.3, 1.7))))
                    rows += len(BUSINESS_TYPES) + len(ERROR_KINDS)
    return rows


COMPLAINT_CATEGORIES = ("attitude", "handling", "waiting", "fees", "sales", "facilities", "other")
COMPLAINT_COLUMNS = ("year, sequence, number, level, branch_id, outlet_id, staff_id, channel, category, severity, "
                     "customer_name, customer_phone, description, request, photo_ids, status, received_on, "
                     "step_due_on, due_on, upheld, findings_text, resolution, reopen_count, created_at, updated_at")


def write_complaints(cursor, staff: dict, months: list[tuple[date, date]], branch_id: int) -> int:
    """About two closed complaints per outlet and month, most of them naming a person, half of those upheld."""
    rng, sequence = random.Random(17), {}
    with cursor.copy(f"COPY complaint ({COMPLAINT_COLUMNS}) FROM STDIN") as copy_:
        for first, last in months:
            for outlet_id, people in staff.items():
                for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
                    received = first + timedelta(days=rng.randint(0, (last - first).days))
                    number = sequence[received.year] = sequence.get(received.year, 0) + 1
                    person = rng.choice(people["teller"] + people["lobby_manager"]) if rng.random() < 0.7 else None
                    moment = local(received, rng.randint(0, 480))
                    copy_.write_row((received.year, number, f"大行支行投诉〔{received.year}〕第{number:04d}号", "outlet",
                                     branch_id, outlet_id, person, rng.choice(("hotline", "walk_in", "online")),
                                     rng.choice(COMPLAINT_CATEGORIES), "general", "客户", "", "客户反映服务问题", "",
                                     "[]", "closed", received, received + timedelta(days=7),
                                     received + timedelta(days=7), bool(person) and rng.random() < 0.5, "核实", "已处理",
                                     0, moment, moment))
    return sum(sequence.values())


def derive_rows(cursor, base: dict, remote_answers: int, started: float, *, answers: bool = True) -> float:
    """Answers (one per checklist item, padded for remote checks) and section scores, from the findings; without
    `answers`, the section scores alone."""
    cursor.execute("CREATE TEMP TABLE bench_item (kind text, section_key text, item_key text, points float, "
                   "position int)")
    with cursor.copy("COPY bench_item FROM STDIN") as copy_:
        for kind, (_, items) in base["versions"].items():
            for position, (section, key, points, *_) in enumerate(items):
                copy_.write_row((kind, section, key, float(points), position))
            if kind == "remote":
                for extra in range(max(0, remote_answers - len(items))):
                    copy_.write_row((kind, None, f"remote_extra_{extra:02d}", 0.0, 1000 + extra))
    cursor.execute("SELECT max(id) FROM inspection")
    (last,) = cursor.fetchone()
    chunk = 100_000
    for low in range(0, last if answers else 0, chunk):
        cursor.execute("""
            INSERT INTO answer (inspection_id, item_key, value, note, staff_id, staff_description, photo_ids,
                                client_updated_at, score, max_score, failed, state, inspection_month)
            SELECT i.id, b.item_key, CASE WHEN f.id IS NULL THEN '"pass"'::json ELSE '"fail"'::json END, '',
                   f.staff_id, '', '[]'::json, i.submitted_at, CASE WHEN f.id IS NULL THEN b.points ELSE 0 END,
                   b.points, f.id IS NOT NULL, 'answered',
                   date_trunc('month', i.created_at AT TIME ZONE 'UTC')::date
            FROM inspection i JOIN bench_item b ON b.kind = i.kind
            LEFT JOIN finding f ON f.inspection_id = i.id AND f.item_key = b.item_key
            WHERE i.id > %s AND i.id <= %s""", (low, low + chunk))
        cursor.connection.commit()
        started = step(f"answers of inspections {low + 1}-{min(last, low + chunk)}", started)
    cursor.execute("""
        INSERT INTO section_score (inspection_id, position, section_key, score, max_score, percent, zeroed)
        SELECT i.id, s.position, s.section_key, s.top - coalesce(l.lost, 0), s.top,
               CASE WHEN s.top > 0 THEN round(((s.top - coalesce(l.lost, 0)) / s.top * 100)::numeric, 2) END, false
        FROM inspection i
        JOIN (SELECT kind, section_key, sum(points) AS top,
                     row_number() OVER (PARTITION BY kind ORDER BY min(position)) - 1 AS position
              FROM bench_item WHERE section_key IS NOT NULL GROUP BY kind, section_key) s ON s.kind = i.kind
        LEFT JOIN (SELECT f.inspection_id, f.section_key, sum(b.points) AS lost FROM finding f
                   JOIN inspection fi ON fi.id = f.inspection_id
                   JOIN bench_item b ON b.kind = fi.kind AND b.item_key = f.item_key
                   GROUP BY f.inspection_id, f.section_key) l ON l.inspection_id = i.id AND l.section_key = s.section_key""")
    cursor.connection.commit()
    return step("section scores", started)
