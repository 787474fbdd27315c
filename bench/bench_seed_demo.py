"""`flask seed-demo` on an empty, migrated SQLite database: the wall time of the command, median of several
rounds. With several checkouts (e.g. one extracted with `git archive`), they take turns round after round,
so that the machine's drifting speed weighs on all of them alike; the first is the one compared with.

    .venv/bin/python bench/bench_seed_demo.py                     # this checkout, 3 rounds
    .venv/bin/python bench/bench_seed_demo.py DIR [DIR ...] --rounds 5
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import ROOT


def seed_once(checkout: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-seed-") as data_dir:
        env = {**os.environ, "DATA_DIR": data_dir, "DEMO_PASSWORD": "bench-pass-2026"}
        env.pop("DATABASE_URL", None)
        flask = [str(ROOT / ".venv/bin/flask"), "--app", "app"]
        subprocess.run([*flask, "db", "upgrade"], cwd=checkout, env=env, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run([*flask, "seed-demo"], cwd=checkout, env=env, check=True, capture_output=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkouts", nargs="*", type=Path, default=[ROOT])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times: dict[Path, list[float]] = {checkout: [] for checkout in args.checkouts}
    for round_number in range(args.rounds):
        order = args.checkouts[round_number % len(args.checkouts):] + args.checkouts[:round_number % len(args.checkouts)]
        for checkout in order:
            times[checkout].append(seed_once(checkout))
    first = statistics.median(times[args.checkouts[0]])
    for checkout, samples in times.items():
        median = statistics.median(samples)
        print(f"{checkout}: seed-demo {median:.2f} s median of {len(samples)} "
              f"({', '.join(f'{s:.2f}' for s in samples)}); {median / first:.2f}× the first")


if __name__ == "__main__":
    main()
