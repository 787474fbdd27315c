"""Submit of a 60-item inspection in process (Flask's test client, SQLite, one thread): the time of one
submit without HTTP, other processes or waiting for the write lock, so that the cost of the submit's
own code shows; and the time to read, score and check the draft alone (`_freeze`, nothing written).

    .venv/bin/python bench/bench_submit_inprocess.py
    .venv/bin/python bench/bench_submit_inprocess.py --against REV [--against FILE.py ...]

With --against, `inspections/submission.py` as of the git revision REV (or another version of it in a
file) is loaded beside this tree's, and they take turns, one draft each, in the same process: the
machine's drifting speed weighs on neighbouring drafts alike, so each pair of neighbours gives a
ratio. This is how bench/README.md's "with / without" figures for the submit's machinery were taken.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

from bench_submit_http import prepare
from common import ROOT, scratch_app

ROUNDS = 5
PER_ROUND = 240


def _submission_as_of(n: int, revision: str) -> types.ModuleType:
    """The submit module of a git revision, or of a file."""
    if revision.endswith(".py"):
        path = Path(revision).resolve()
    else:
        source = subprocess.run(["git", "show", f"{revision}:inspections/submission.py"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout
        path = Path(tempfile.mkdtemp(prefix="bench-submission-")) / "submission.py"
        path.write_text(source)
    spec = importlib.util.spec_from_file_location(f"inspections.submission_against_{n}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module.__name__] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _submit_ms(client, headers, api, module, uuid: str) -> float:
    api.submission = module
    started = time.perf_counter()
    response = client.post(f"/api/v1/inspections/{uuid}/submit", headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.get_json()
    return elapsed


def _freeze_ms(module, uuid: str) -> float:
    """Reading, scoring and checking a draft, as the submit does before it writes."""
    from sqlalchemy import select

    from core.extensions import db
    from inspections.models import Inspection

    inspection = db.session.execute(select(Inspection).where(Inspection.uuid == uuid)).scalar_one()
    started = time.perf_counter()
    module._freeze(inspection)
    elapsed = (time.perf_counter() - started) * 1000
    db.session.rollback()
    return elapsed


def _round(app, client, headers, modules, uuids, first: int) -> tuple[list[list[float]], list[list[float]]]:
    """Submit and freeze times per module, the drafts dealt to the modules in turn from `first` on."""
    api = importlib.import_module("inspections.api")
    original = api.submission
    dealt = [(uuid, (first + n) % len(modules)) for n, uuid in enumerate(uuids)]
    freezes: list[list[float]] = [[] for _ in modules]
    submits: list[list[float]] = [[] for _ in modules]
    try:
        with app.app_context():
            for uuid, m in dealt:
                freezes[m].append(_freeze_ms(modules[m], uuid))
        for uuid, m in dealt:
            submits[m].append(_submit_ms(client, headers, api, modules[m], uuid))
    finally:
        api.submission = original
    return submits, freezes


def _pair_ratios(rounds, which: int, other: int) -> list[float]:
    """Another module's time over this tree's, draft by draft: neighbours share the machine's pace."""
    return [times[other] / times[0] for submits_freezes in rounds for times in zip(*submits_freezes[which])]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", metavar="REV", action="append", default=[],
                        help="compare with inspections/submission.py as of REV (or a .py file); repeatable")
    options = parser.parse_args()
    app, _ = scratch_app()
    token, batches = prepare(app, runs=ROUNDS + 1, per_run=PER_ROUND)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    modules = [importlib.import_module("inspections.submission")]
    modules += [_submission_as_of(n, revision) for n, revision in enumerate(options.against, 1)]
    _round(app, client, headers, modules, batches[0], 0)  # warm-up: statements compiled, caches filled
    rounds = [_round(app, client, headers, modules, uuids, r) for r, uuids in enumerate(batches[1:])]
    submit = [statistics.median(t for submits, _ in rounds for t in submits[m]) for m in range(len(modules))]
    freeze = [statistics.median(t for _, freezes in rounds for t in freezes[m]) for m in range(len(modules))]
    print(f"submit of a 60-item inspection in process, SQLite: median {submit[0]:.2f} ms "
          f"(rounds: {', '.join(f'{statistics.median(s[0]):.2f}' for s, _ in rounds)}); "
          f"reading and scoring the draft {freeze[0]:.3f} ms")
    figures = {"submit_ms": round(submit[0], 3), "freeze_ms": round(freeze[0], 3)}
    figures["against"] = []
    for m, revision in enumerate(options.against, 1):
        submit_ratio = statistics.median(_pair_ratios(rounds, 0, m))
        freeze_ratio = statistics.median(_pair_ratios(rounds, 1, m))
        print(f"{revision}: submit {submit[m]:.2f} ms, reading and scoring {freeze[m]:.3f} ms; draft by draft "
              f"its submit takes {submit_ratio:.3f}× this tree's, its reading {freeze_ratio:.3f}×")
        figures["against"].append({"revision": revision, "submit_ms": round(submit[m], 3),
                                   "freeze_ms": round(freeze[m], 3), "submit_ratio": round(submit_ratio, 3),
                                   "freeze_ratio": round(freeze_ratio, 3)})
    print(json.dumps(figures))

if __name__ == "__main__":
    main()
