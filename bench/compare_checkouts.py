"""Submit over HTTP (as bench_submit_http.py) from several checkouts of the project in turn, on one
prepared database: a server from each checkout serves a batch of submits and trivial requests, then
the next, round after round in a rotating order, so that the machine's drifting speed weighs on all of
them alike. This is how bench/README.md's "with / without" figures for the SQLite writers' queue were
taken (a checkout with core/db.py changed beside one without).

    .venv/bin/python bench/compare_checkouts.py DIR [DIR ...] [--rounds 8] [--submits 500]

Each DIR is a checkout (e.g. from `git worktree add`); the first is the one the others are compared with.
"""
from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import time
from pathlib import Path

from bench_submit_http import WORKERS, _free_port, hammer, prepare
from common import ROOT, scratch_app

WARM_UP = 40


def _serve(checkout: Path, data_dir: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATA_DIR": data_dir, "DEMO_PASSWORD": "bench-pass-2026"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--workers", str(WORKERS), "--bind",
                               f"127.0.0.1:{port}", "--log-level", "warning", "app:create_app()"],
                              cwd=checkout, env=env)
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            break
        except OSError:
            time.sleep(0.1)
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("checkouts", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--submits", type=int, default=500)
    options = parser.parse_args()
    names = [str(path) for path in options.checkouts]
    app, data_dir = scratch_app()
    token, batches = prepare(app, runs=len(names) * options.rounds, per_run=options.submits + WARM_UP)
    rates: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(options.rounds):
        turn = round_ % len(names)
        for name in names[turn:] + names[:turn]:
            uuids, port = batches.pop(), _free_port()
            server = _serve(Path(name), data_dir, port)
            try:
                hammer(port, token, [("POST", f"/api/v1/inspections/{u}/submit") for u in uuids[:WARM_UP]])
                rate, errors = hammer(port, token, [("POST", f"/api/v1/inspections/{u}/submit")
                                                    for u in uuids[WARM_UP:]])
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
            rates[name].append(rate)
            print(f"round {round_} {name}: submit {rate:.0f} req/s, errors {errors}, "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)
    first = names[0]
    for name in names:
        line = f"{name}: median {statistics.median(rates[name]):.0f} req/s"
        if name != first:
            ratios = [rate / base for rate, base in zip(rates[name], rates[first], strict=True)]
            line += f"; round by round {statistics.median(ratios):.3f}× {first}'s"
        print(line)


if __name__ == "__main__":
    main()
