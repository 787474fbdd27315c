"""Submit of a 60-item inspection over HTTP with a multi-process server (gunicorn), as requests per
second and as a ratio to a trivial JSON endpoint of the same app measured in the same run. The trivial
endpoint is GET /api/v1/auth/me: authenticated like the submit, so the ratio measures the submit's own work."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid

from bench_scoring import random_answers, sixty_item_checklist
from common import ROOT, scratch_app

CLIENTS = 8
PER_RUN = 600
TRIVIAL_PER_RUN = 1500
RUNS = 5
WARM_UP = 60
WORKERS = 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(app, runs: int = RUNS + 1, per_run: int = PER_RUN) -> tuple[str, list[list[str]]]:
    """Seed the demo, publish a 60-item checklist, and create the drafts each run will submit (the
    first batch warms the workers up)."""
    import random

    from checklists import definition, operations
    from core.extensions import db
    from core.seeding import run_all

    client = app.test_client()
    with app.app_context():
        run_all()
        checklist = sixty_item_checklist()
        data = definition.dump(checklist)
        data["code"], data["kind"] = "bench-60", "7s"
        version = operations.import_and_publish_default(data)
        db.session.commit()  # the bench set-up is a unit of work of its own
        version_id = version.id
    token = client.post("/api/v1/auth/tokens", json={"username": "inspector", "password": "bench-pass-2026"}
                        ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(3)
    batches = []
    for _ in range(runs):
        uuids = []
        for _ in range(per_run):
            # A realistic visit: most items pass, about one in twenty check items fails (findings and a
            # notice follow); the failures carry no photo requirement in this checklist.
            answers = random_answers(checklist, rng)
            for item in checklist.all_items():
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
            body = {"checklist_version_id": version_id, "outlet_id": 1,
                    "answers": [{"item_key": k, "value": v} for k, v in answers.items()]}
            inspection = str(uuid.uuid4())
            response = client.put(f"/api/v1/inspections/{inspection}", json=body, headers=headers)
            assert response.status_code == 201, response.get_json()
            uuids.append(inspection)
        batches.append(uuids)
    return token, batches


def hammer(port: int, token: str, requests: list[tuple[str, str]]) -> tuple[float, int]:
    """Send the requests from CLIENTS keep-alive connections; returns (requests/s, errors)."""
    queue = list(requests)
    lock = threading.Lock()
    errors = 0

    def worker():
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                method, path = queue.pop()
            connection.request(method, path, headers={"Authorization": f"Bearer {token}", "Content-Length": "0"})
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                with lock:
                    errors += 1
                    if errors < 3:
                        print("error", response.status, body[:200], file=sys.stderr)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(requests) / (time.perf_counter() - started), errors


def main() -> None:
    app, data_dir = scratch_app()
    token, runs = prepare(app)
    port = _free_port()
    env = {**os.environ, "DATA_DIR": data_dir, "DEMO_PASSWORD": "bench-pass-2026"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "app:create_app()"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        # Warm every worker up on both endpoints (first statements compiled, the checklist parsed).
        warm_up, runs = runs[0][:WARM_UP], runs[1:]
        hammer(port, token, [("POST", f"/api/v1/inspections/{u}/submit") for u in warm_up])
        hammer(port, token, [("GET", "/api/v1/auth/me")] * WARM_UP)
        # Submits and trivial requests alternate, and each pair gives a ratio, so that a slow patch
        # of the (shared) machine weighs on both sides of a ratio rather than on one.
        submit_rates, trivial_rates, ratios, errors = [], [], [], 0
        for uuids in runs:
            rate, failed = hammer(port, token, [("POST", f"/api/v1/inspections/{u}/submit") for u in uuids])
            submit_rates.append(rate)
            errors += failed
            rate, failed = hammer(port, token, [("GET", "/api/v1/auth/me")] * TRIVIAL_PER_RUN)
            trivial_rates.append(rate)
            ratios.append(submit_rates[-1] / rate)
            errors += failed
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    submit, trivial, ratio = (statistics.median(v) for v in (submit_rates, trivial_rates, ratios))
    print(f"submit of a 60-item inspection over HTTP, gunicorn {WORKERS} workers, {CLIENTS} clients, SQLite: "
          f"median {submit:.0f} req/s; trivial JSON endpoint {trivial:.0f} req/s; median ratio {ratio:.2f} "
          f"(runs: {', '.join(f'{r:.2f}' for r in ratios)}; goal ≥ 0.4); errors {errors}")
    print(json.dumps({"submit_rps": round(submit), "trivial_rps": round(trivial), "ratio": round(ratio, 2),
                      "errors": errors}))


if __name__ == "__main__":
    main()
