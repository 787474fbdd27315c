"""Reports from the monthly rollups: does a month's league table and scorecards cost the same with 3 and with 24
months of history, and what does a 3,000-outlet province cost?

    .venv/bin/python bench/bench_rollups.py                  # the three banks below, figures into bench/README.md
    .venv/bin/python bench/bench_rollups.py --scale 0.05     # a twentieth of the outlets, for a quick look
    .venv/bin/python bench/bench_rollups.py --keep           # leave the databases for another look
    .venv/bin/python bench/bench_rollups.py --province --keep   # the 3,000-outlet bank only; then --reuse

Three PostgreSQL databases of the reports benchmark's bank (bench/reports_bank.py, written with COPY): 300
outlets with 3 months, 300 outlets with 24 months, and 3,000 outlets with the measured month only. The
generator writes inspections, findings, section scores, teller counts and complaints, not answers (no report
measured here reads them). The rollups are then filled by `reports.rollups.rebuild`, timed; on the 3-month bank
a tenth of the outlets' inspections are taken out and added back the way submits add them, and compared with the
rebuild, and the rollup-based league table and scorecards are compared with the full recomputation."""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from bench_reports import README, make_app, without_indexes
from common import ROOT
from reports_bank import (
    Scale,
    Writer,
    derive_rows,
    months_ending,
    seed_base,
    step,
    visits_of_month,
    write_complaints,
    write_org,
    write_teller_counts,
)

SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
SECTION = "## Reports from monthly rollups (`bench_rollups.py`)"
TIMED = ("league", "scorecards", "league, raw", "scorecards, raw")
NOTES = [
    ("- What the reports read: per month, outlet and kind the counted inspections and their percents' sum "
     "(in hundredths, exact); per month and person the findings by severity, the remote checks and passed ones, "
     "the cycles that start in the month with a check and the failed checks in them; per remote cycle and person "
     "the checks and failed ones (read only for a month whose cycles are not all over yet, and for the excused "
     "tellers); per month, outlet, kind and section the section scores (the dashboards' heat maps and radars); "
     "per month, kind and item the counted answers and the failed ones (the quarterly analysis's failure rates). "
     "A month's league table and scorecards read about one row "
     "per outlet and kind and one per person, whatever the length of the history."),
    ("- Still read from the raw rows, for the month only: the findings' closure figures of the league table "
     "(whether a finding is late depends on the day the report is made), the mystery evidence of the red/black "
     "list (one row per published visit), the service errors (already monthly rows) and upheld complaints."),
    ("- No answers are generated here (neither report reads them); the 3,000-outlet bank has the measured month "
     "only, so its league table has no previous month to compare with."),
    ("- The scorecards of 51,000 people, profiled (`cProfile`) on the 3,000-outlet bank: about 150 ms is the one "
     "joined statement in PostgreSQL, the rest Python's settling. What brought them under 300 ms: the rows are "
     "fetched at once rather than one `fetchone` each (0.1 s of driver calls); the settling loop runs with "
     "Python's cyclic collector paused (it makes no cycles, and 51,000 new summaries had set off full passes over "
     "the app's live objects, about 0.15 s); the counts arrive as whole numbers (a sum of bigints is a `numeric`, "
     "converted value by value before). The margin is thin; settling the points in SQL, so that a page of the "
     "scorecards reads a page of rows, would widen it."),
    ("- `--province` measures the 3,000-outlet bank alone (with `--keep`, then `--reuse` to measure it again), "
     "writing nothing here."),
]


@dataclass(frozen=True)
class Bank:
    label: str
    database: str
    scale: Scale


def banks(share: float) -> tuple[Bank, Bank, Bank]:
    small, large = max(1, round(300 * share)), max(1, round(3000 * share))
    return (Bank(f"{small:,} outlets, 3 months", "inspection_bench_rollups_3", Scale(small, 17, 3, 0)),
            Bank(f"{small:,} outlets, 24 months", "inspection_bench_rollups_24", Scale(small, 17, 24, 0)),
            Bank(f"{large:,} outlets, the month only", "inspection_bench_rollups_3000", Scale(large, 17, 1, 0)))


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the outlets, for a quick look")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--province", action="store_true",
                        help="only the 3,000-outlet bank, its league table and scorecards (nothing written)")
    parser.add_argument("--reuse", action="store_true", help="with --province: the bank kept by an earlier --keep")
    return parser.parse_args()


def province(args, month, last_month) -> None:
    """The 3,000-outlet bank alone, to look again at what its two reports cost."""
    bank = banks(args.scale)[2]
    url = f"{SERVER}/{bank.database}"
    app = make_app(url) if args.reuse else generate(url, bank.scale, last_month)["app"]
    from core.extensions import db
    from reports import rankings, scorecards

    with app.app_context():
        for name, report in (("league", lambda: rankings.league(month)),
                             ("scorecards", lambda: scorecards.summaries(month))):
            loads = [load_average()]
            median, slowest = timed(lambda report=report: (report(), db.session.rollback()), args.runs)
            loads.append(load_average())
            print(f"  {name:12} median {median:7.1f} ms   slowest {slowest:7.1f} ms   (load {' → '.join(loads)})")


def generate(url: str, scale: Scale, last_month) -> dict:
    """The reports benchmark's bank without answers, on the real schema; then the rollups, rebuilt."""
    started = overall = time.perf_counter()
    with psycopg.connect(SERVER + "/postgres", autocommit=True) as admin:
        database = url.rsplit("/", 1)[1]
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {database}")
    app = make_app(url)
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    base = seed_base(app)
    rng = random.Random(5)
    now = datetime.now(UTC)
    months = months_ending(last_month, scale.months)
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        staff = write_org(cursor, scale, base["branch"])
        quality = {outlet_id: rng.uniform(0.02, 0.08) for outlet_id in staff}
        quality.update({("teller", teller): (2.5 if rng.random() < 0.1 else rng.uniform(0.4, 1.4))
                        for people in staff.values() for teller in people["teller"]})
        write_teller_counts(cursor, staff, months, quality)
        write_complaints(cursor, staff, months, base["branch"])
        connection.commit()
        writer = Writer(cursor, base, now)
        with without_indexes(cursor, "inspection"), without_indexes(cursor, "finding"):
            for first, last in months:
                writer.month(visits_of_month(first, last, scale, staff, quality, rng))
                connection.commit()
                started = step(f"{first:%Y-%m}: {writer.inspection_id:,} inspections, {writer.finding_id:,} findings",
                               started)
        with without_indexes(cursor, "section_score"):
            started = derive_rows(cursor, base, 0, started, answers=False)
        for table in ("outlet", "staff", "inspection", "finding"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        connection.commit()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    generated = time.perf_counter() - overall
    app = make_app(url)
    with app.app_context():
        from core.extensions import db
        from reports import rollups

        began = time.perf_counter()
        rebuilt = rollups.rebuild(db.session.connection())
        db.session.commit()
        rebuild_seconds = time.perf_counter() - began
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
        inspections = connection.execute("SELECT count(*) FROM inspection").fetchone()[0]
        findings = connection.execute("SELECT count(*) FROM finding").fetchone()[0]
    step(f"rollups rebuilt: {rebuilt.months} months, {rebuilt.rows:,} rows in {rebuild_seconds:.1f} s", started)
    return {"generated": generated, "rebuild": rebuild_seconds, "inspections": inspections, "findings": findings,
            "rollup_rows": rebuilt.rows, "app": app}


def timed(func, runs: int) -> tuple[float, float]:
    func()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def measure(app, month, runs: int) -> dict:
    from core.extensions import db
    from reports import rankings, scorecards

    def run(report):
        report()
        db.session.rollback()  # each report its own transaction, as a request has

    with app.app_context():
        figures = {"league": timed(lambda: run(lambda: rankings.league(month)), runs),
                   "scorecards": timed(lambda: run(lambda: scorecards.summaries(month)), runs),
                   "league, raw": timed(lambda: run(lambda: rankings.league(month, raw=True)), 3),
                   "scorecards, raw": timed(lambda: run(lambda: scorecards.summaries(month, raw=True)), 3)}
        figures["outlets"] = len(rankings.league(month))
        figures["staff"] = len(scorecards.summaries(month))
        db.session.rollback()
    return figures


def check(app, month) -> str:
    """Rollups == recomputation for the month; and a tenth of the outlets' inspections taken out and added back
    the way submits add them (contributions by inspection, upserted) leave exactly the rows of the rebuild."""
    from sqlalchemy import select

    from core.extensions import db
    from inspections.models import Inspection
    from reports import rankings, rollups, scorecards

    with app.app_context():
        assert rankings.league(month) == rankings.league(month, raw=True), "league table differs"
        assert scorecards.summaries(month) == scorecards.summaries(month, raw=True), "scorecards differ"
        connection = db.session.connection()
        rebuilt = rollups.snapshot(connection)
        ids = connection.execute(select(Inspection.id).where(Inspection.outlet_id % 10 == 0)
                                 .order_by(Inspection.id)).scalars().all()
        began = time.perf_counter()
        for start in range(0, len(ids), 2000):
            batch = ids[start:start + 2000]
            rollups.add(connection, rollups.Tally().minus(rollups.contributions(connection, batch)))
        emptied = rollups.snapshot(connection) != rebuilt
        for start in range(0, len(ids), 2000):
            rollups.settle(connection, ids[start:start + 2000], rollups.Tally())
        seconds = time.perf_counter() - began
        assert emptied and rollups.snapshot(connection) == rebuilt, "incremental rows differ from the rebuild"
        db.session.rollback()
    return (f"{month.label}: the rollup-based league table and scorecards equal the recomputation; the "
            f"{len(ids):,} inspections of every tenth outlet taken out of the rollups and added back the way "
            f"submits add them (contributions by inspection, upserted; {seconds:.0f} s) leave exactly the rows of "
            "the rebuild")


def load_average() -> str:
    with open("/proc/loadavg", encoding="ascii") as averages:
        return " ".join(averages.read().split()[:3])


def main() -> None:
    args = arguments()
    from reports.periods import month_period

    today = datetime.now().date()
    last_month = today.replace(day=1) - timedelta(days=1)
    month = month_period(last_month.year, last_month.month)
    if args.province:
        province(args, month, last_month)
        return
    results, checked = {}, ""
    chosen = banks(args.scale)
    for bank in chosen:
        url = f"{SERVER}/{bank.database}"
        print(f"generating {bank.label} into {bank.database}", flush=True)
        made = generate(url, bank.scale, last_month)
        if bank is chosen[0]:
            checked = check(made["app"], month)
            print(checked, flush=True)
        loads = [load_average()]
        figures = measure(made["app"], month, args.runs)
        loads.append(load_average())
        results[bank.label] = {**made, **figures, "load": loads}
        for name in TIMED:
            median, slowest = figures[name]
            print(f"  {name:18} median {median:7.1f} ms   slowest {slowest:7.1f} ms   (load {' → '.join(loads)})",
                  flush=True)
        if not args.keep:
            with psycopg.connect(SERVER + "/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {bank.database} WITH (FORCE)")
    short, long_ = results[chosen[0].label], results[chosen[1].label]
    ratios = {name: long_[name][0] / short[name][0] for name in ("league", "scorecards")}
    for name, ratio in ratios.items():
        print(f"{name}: 24 months / 3 months = {ratio:.2f}")
    if not args.no_readme:
        write_readme(report(results, ratios, checked, month, args.runs, chosen[2].label))
        print(f"figures written to {README.relative_to(ROOT)}")


def report(results: dict, ratios: dict, checked: str, month, runs: int, province: str) -> str:
    lines = [SECTION, "",
             (f"Measured {datetime.now():%Y-%m-%d} on this 2-core machine (shared), PostgreSQL on the same host. "
              f"The month measured is {month.label}; median (and slowest) of {runs} warm runs of the functions "
              "(`rankings.league`, `scorecards.summaries`), each in its own transaction; the full recomputation "
              "(`raw=True`) of 3 runs beside them."),
             "",
             ("| bank | inspections | findings | rollup rows | rebuild s | league ms | scorecards ms | "
              "league raw ms | scorecards raw ms | load average |"),
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for label, result in results.items():
        cells = [f"{result[name][0]:.0f} ({result[name][1]:.0f})" for name in TIMED]
        lines.append(f"| {label} | {result['inspections']:,} | {result['findings']:,} | {result['rollup_rows']:,} | "
                     f"{result['rebuild']:.1f} | " + " | ".join(cells) + f" | {' → '.join(result['load'])} |")
    lines += ["",
              (f"24 months ÷ 3 months at 300 outlets: league table ×{ratios['league']:.2f}, scorecards "
               f"×{ratios['scorecards']:.2f} (goal: within 20 %). At 3,000 outlets the league table ranks "
               f"{results[province]['outlets']:,} outlets and the scorecards cover "
               f"{results[province]['staff']:,} staff (goal: under 300 ms)."),
              "", f"- Check: {checked}.", *NOTES, ""]
    return "\n".join(lines)


def write_readme(section: str) -> None:
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(SECTION) + r".*?(?=\n## |\Z)", re.DOTALL)
    text = pattern.sub(lambda _: section.rstrip() + "\n", text) if pattern.search(text) else \
        text.rstrip() + "\n\n" + section
    README.write_text(text.rstrip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
