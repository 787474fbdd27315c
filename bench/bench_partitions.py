"""The monthly partitions of the audit log and the answers on PostgreSQL, against the same tables plain.

Two databases, both migrated to the head; in one the two tables are then rebuilt plain (same columns,
keys and indexes, no partitions). In both:
1. the submit path in process (Flask's test client): a 60-item draft saved (PUT: 60 answers and an audit
   entry inserted) and submitted (60 answers updated, section scores and an audit entry inserted), the two
   databases taking turns draft by draft so the machine's drifting pace weighs on both alike;
2. a year of rows generated in SQL, month by month (`--inspections-per-month` inspections of 60 answers
   each, `--entries-per-month` audit entries), then ANALYZE;
3. a month's queries: the audit log of one month (the audit page's since/until), the answers of the
   inspections opened in one month, and the report's form (answers joined to the inspections submitted
   in the month); medians of 7 runs after a warm-up;
4. taking the oldest month out: DETACH PARTITION and DROP TABLE against DELETE of the month's rows.

    .venv/bin/python bench/bench_partitions.py [--inspections-per-month 3000] [--entries-per-month 100000]

The bench databases (`BENCH_POSTGRES`/inspection_bench_parts_*) are dropped at the end unless --keep.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime

from bench_scoring import random_answers, sixty_item_checklist
from common import ROOT, median_ms

SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
VARIANTS = ("partitioned", "plain")
PASSWORD = "bench-pass-2026"
PLAIN = {  # the tables as they were before the partitioning, keeping the month column
    "audit_entry": ("id", [], ["action", "actor_id", "at", "object_id", "object_type"]),
    "answer": ("id", [("uq_answer_inspection_id_item_key_inspection_month", "inspection_id, item_key, inspection_month")],
               ["inspection_id", "staff_id"]),
}


def _database(variant: str) -> str:
    return f"inspection_bench_parts_{variant}"


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def _app(variant: str):
    from flask_migrate import upgrade

    from app import create_app

    _admin(f'DROP DATABASE IF EXISTS "{_database(variant)}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{_database(variant)}"')
    url = f"{SERVER}/{_database(variant)}".replace("postgresql://", "postgresql+psycopg://", 1)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DEMO_PASSWORD": PASSWORD, "REDIS_URL": "",
                      "DATA_DIR": tempfile.mkdtemp(prefix=f"bench-parts-{variant}-")})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if variant == "plain":
            _unpartition(app)
    return app


def _unpartition(app) -> None:
    from sqlalchemy import text

    from core.extensions import db

    with db.engine.begin() as connection:
        for table, (key, uniques, indexes) in PLAIN.items():
            sequence = connection.execute(text(f"SELECT pg_get_serial_sequence('{table}', 'id')")).scalar_one()
            connection.execute(text(f"CREATE TABLE {table}_plain (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
            connection.execute(text(f"INSERT INTO {table}_plain SELECT * FROM {table}"))
            connection.execute(text(f"ALTER SEQUENCE {sequence} OWNED BY NONE"))
            connection.execute(text(f"DROP TABLE {table}"))
            connection.execute(text(f"ALTER TABLE {table}_plain RENAME TO {table}"))
            connection.execute(text(f"ALTER SEQUENCE {sequence} OWNED BY {table}.id"))
            connection.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({key})"))
            for name, columns in uniques:
                connection.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({columns})"))
            for column in indexes:
                connection.execute(text(f"CREATE INDEX ix_{table}_{column} ON {table} ({column})"))
        connection.execute(text("ALTER TABLE answer ADD CONSTRAINT fk_answer_inspection_id_inspection "
                                "FOREIGN KEY (inspection_id) REFERENCES inspection (id)"))


class Phone:
    """One variant's app, its inspector's token and the 60-item checklist."""

    def __init__(self, variant: str):
        from checklists import definition, operations
        from core.extensions import db
        from core.seeding import run_all

        self.variant, self.app = variant, _app(variant)
        with self.app.app_context():
            run_all()
            self.checklist = sixty_item_checklist()
            data = definition.dump(self.checklist)
            data["code"], data["kind"] = "bench-60", "7s"
            self.version_id = operations.import_and_publish_default(data).id
            db.session.commit()
        self.client = self.app.test_client()
        token = self.client.post("/api/v1/auth/tokens", json={"username": "inspector", "password": PASSWORD}
                                 ).get_json()["token"]
        self.headers = {"Authorization": f"Bearer {token}"}

    def visit(self, rng: random.Random) -> tuple[float, float]:
        """Milliseconds to save the draft whole, and to submit it."""
        answers = random_answers(self.checklist, rng)
        for item in self.checklist.all_items():
            if item.type == "check":
                answers[item.key] = "fail" if rng.random() < 0.05 else "pass"
            elif item.type == "scale":
                answers[item.key] = 4
            elif item.type == "choice":
                answers[item.key] = "good"
            elif item.type == "number":
                answers[item.key] = rng.randint(0, 10)
            elif item.type == "duration":
                answers[item.key] = rng.randint(60, 600)
        body = {"checklist_version_id": self.version_id, "outlet_id": 1,
                "answers": [{"item_key": k, "value": v} for k, v in answers.items()]}
        inspection = str(uuid.uuid4())
        started = time.perf_counter()
        response = self.client.put(f"/api/v1/inspections/{inspection}", json=body, headers=self.headers)
        saved = time.perf_counter()
        assert response.status_code == 201, response.get_json()
        response = self.client.post(f"/api/v1/inspections/{inspection}/submit", headers=self.headers)
        submitted = time.perf_counter()
        assert response.status_code == 200, response.get_json()
        return (saved - started) * 1000, (submitted - saved) * 1000


def _submits(phones: list[Phone], count: int) -> dict:
    rng = random.Random(7)
    times: dict[str, dict[str, list[float]]] = {p.variant: {"save": [], "submit": []} for p in phones}
    for n in range(count + 20):
        order = phones if n % 2 == 0 else phones[::-1]
        for phone in order:
            save, submit = phone.visit(rng)
            if n >= 20:  # the first twenty warm the caches and compile the statements
                times[phone.variant]["save"].append(save)
                times[phone.variant]["submit"].append(submit)
    return {variant: {what: statistics.median(values) for what, values in kinds.items()}
            for variant, kinds in times.items()}


def _months(count: int = 12) -> list[date]:
    this = date.today().replace(day=1)
    index = this.year * 12 + this.month - 1
    return [date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(count, 0, -1)]


def _generate_year(app, variant: str, inspections_per_month: int, entries_per_month: int) -> dict:
    from sqlalchemy import text

    from core.extensions import db
    from core.partitions import PARTITIONED, create_month

    with app.app_context(), db.engine.begin() as connection:
        ids = connection.execute(text(
            "SELECT (SELECT id FROM checklist_version ORDER BY id DESC LIMIT 1), (SELECT min(id) FROM outlet), "
            "(SELECT id FROM user_account WHERE username = 'inspector')")).one()
        for month in _months():
            for part in PARTITIONED:  # the migration prepared this month on; the year before gets its own
                if variant == "partitioned":
                    create_month(connection, part, month)
            start = f"'{month.isoformat()} 00:00:00+00'::timestamptz"
            spread = "(random() * 27 * 86400)::int * interval '1 second'"
            connection.execute(text(
                f"INSERT INTO inspection (uuid, kind, checklist_version_id, outlet_id, inspector_id, status, narrative,"
                f" critical_failed, revision, created_at, updated_at, submitted_at, score, max_score, percent)"
                f" SELECT gen_random_uuid()::text, '7s', {ids[0]}, {ids[1]}, {ids[2]}, 'submitted', '', false, 0,"
                f" at, at, at + interval '1 hour', 90, 100, 90"
                f" FROM (SELECT {start} + {spread} AS at FROM generate_series(1, {inspections_per_month})) s"))
            connection.execute(text(
                f"INSERT INTO answer (inspection_id, item_key, value, note, staff_description, photo_ids,"
                f" client_updated_at, score, max_score, failed, state, inspection_month)"
                f" SELECT i.id, 'item_' || k, '\"pass\"', '', '', '[]', i.created_at, 1, 1, random() < 0.05,"
                f" 'answered', '{month.isoformat()}'"
                f" FROM inspection i CROSS JOIN generate_series(1, 60) k"
                f" WHERE i.created_at >= {start} AND i.created_at < {start} + interval '1 month'"))
            connection.execute(text(
                f"INSERT INTO audit_entry (at, actor_id, actor_name, action, object_type, object_id, changes)"
                f" SELECT {start} + {spread}, {ids[2]}, 'inspector',"
                f" (ARRAY['inspection.save', 'inspection.submit', 'finding.respond', 'photo.upload'])[1 + k % 4],"
                f" 'inspection', (k % 50000)::text, '{{}}' FROM generate_series(1, {entries_per_month}) k"))
        connection.execute(text("ANALYZE"))
        return dict(connection.execute(text(
            "SELECT 'answers', count(*) FROM answer UNION ALL SELECT 'audit entries', count(*) FROM audit_entry")).all())


def _queries(app, month: date) -> dict:
    from sqlalchemy import text

    from core.extensions import db

    after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    low, high = f"'{month} 00:00:00+00'", f"'{after} 00:00:00+00'"
    queries = {
        "audit log of a month": f"SELECT action, count(*) FROM audit_entry WHERE at >= {low} AND at < {high} GROUP BY 1",
        "answers of the inspections opened in a month": (
            f"SELECT item_key, count(*), sum(failed::int) FROM answer WHERE inspection_month = '{month}' GROUP BY 1"),
        "answers of the inspections submitted in a month (reports/analysis.py's join)": (
            f"SELECT a.item_key, count(*), sum(a.failed::int) FROM answer a JOIN inspection i ON i.id = a.inspection_id"
            f" WHERE i.submitted_at >= {low} AND i.submitted_at < {high}"
            f" GROUP BY 1"),
    }
    with app.app_context(), db.engine.connect() as connection:
        return {name: median_ms(lambda sql=sql: connection.execute(text(sql)).all(), runs=7, warmup=2)
                for name, sql in queries.items()}


def _take_out(app, variant: str, month: date) -> dict:
    from sqlalchemy import text

    from core.extensions import db

    after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    keys = {"audit_entry": ("at", f"'{month} 00:00:00+00'", f"'{after} 00:00:00+00'"),
            "answer": ("inspection_month", f"'{month}'", f"'{after}'")}
    done = {}
    with app.app_context():
        for table, (key, low, high) in keys.items():
            started = time.perf_counter()
            with db.engine.begin() as connection:
                if variant == "partitioned":
                    name = f"{table}_y{month.year}m{month.month:02d}"
                    connection.execute(text(f"ALTER TABLE {table} DETACH PARTITION {name}"))
                    connection.execute(text(f"DROP TABLE {name}"))
                else:
                    connection.execute(text(f"DELETE FROM {table} WHERE {key} >= {low} AND {key} < {high}"))
            done[table] = (time.perf_counter() - started) * 1000
    return done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inspections-per-month", type=int, default=3000)
    parser.add_argument("--entries-per-month", type=int, default=100_000)
    parser.add_argument("--submits", type=int, default=150, help="drafts saved and submitted in each database")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    options = parser.parse_args()
    started = time.perf_counter()
    phones = [Phone(variant) for variant in VARIANTS]
    try:
        submit = _submits(phones, options.submits)
        sizes = {p.variant: _generate_year(p.app, p.variant, options.inspections_per_month, options.entries_per_month)
                 for p in phones}
        month = _months()[6]
        queries = {p.variant: _queries(p.app, month) for p in phones}
        oldest = _months()[0]
        take_out = {p.variant: _take_out(p.app, p.variant, oldest) for p in phones}
    finally:
        for phone in phones:
            with phone.app.app_context():
                from core.extensions import db

                db.engine.dispose()
            if not options.keep:
                _admin(f'DROP DATABASE IF EXISTS "{_database(phone.variant)}" WITH (FORCE)')
    part, plain = "partitioned", "plain"
    print(f"rows: {sizes[part]} (each database); load average {os.getloadavg()[0]:.1f}, "
          f"{time.perf_counter() - started:.0f} s in all")
    for what in ("save", "submit"):
        print(f"{what} of a 60-item draft: partitioned {submit[part][what]:.2f} ms, plain {submit[plain][what]:.2f} ms "
              f"(partitioned/plain {submit[part][what] / submit[plain][what]:.3f}), median of {options.submits}")
    for name in queries[part]:
        print(f"{name}: partitioned {queries[part][name]:.1f} ms, plain {queries[plain][name]:.1f} ms "
              f"(plain/partitioned {queries[plain][name] / queries[part][name]:.1f}×)")
    for table in take_out[part]:
        print(f"taking {oldest:%Y-%m} out of {table}: detach+drop {take_out[part][table]:.1f} ms, "
              f"DELETE {take_out[plain][table]:.1f} ms ({take_out[plain][table] / take_out[part][table]:.0f}×)")
    print(json.dumps({"sizes": sizes, "submit_ms": submit, "queries_ms": queries, "take_out_ms": take_out,
                      "at": datetime.now(UTC).isoformat(timespec="seconds")}))


if __name__ == "__main__":
    main()
