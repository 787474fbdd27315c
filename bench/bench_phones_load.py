"""A province's phones at once: simulated inspectors' phones against the production set-up on this machine
(gunicorn with gunicorn.conf.py on PostgreSQL, Redis with one RQ worker for photo copies). Each phone, with think
times between its calls, fetches its assignments and checklist, saves a draft, uploads five 12-megapixel JPEGs,
saves the finished draft and submits it, again and again for a bounded time. Printed: the sustained inspections per
minute, p50/p95/p99 latency per call, errors, the peak memory of each worker, and the machines a province's peak
hour needs at that rate.

Only addresses on this machine are used; the run is bounded by PHONES and SECONDS.

    .venv/bin/python bench/bench_phones_load.py            # 12 phones for 180 s
    PHONES=20 SECONDS=300 .venv/bin/python bench/bench_phones_load.py
"""
from __future__ import annotations

import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import requests
from common import ROOT, phone_jpeg

PHONES = int(os.environ.get("PHONES", "12"))
SECONDS = int(os.environ.get("SECONDS", "180"))
WORKERS = int(os.environ.get("WORKERS", "2"))
THINK = (float(os.environ.get("THINK_MIN", "1")), float(os.environ.get("THINK_MAX", "3")))  # between two calls
DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/inspection_bench_load")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
# A province: 300 outlets, each with a monthly on-site and 7S inspection and a mystery visit, and 2,000 tellers
# checked remotely every two days. The peak hour is taken to hold a fifth of a working day's inspections.
OUTLETS, TELLERS, WORKING_DAYS = 300, 2000, 21.75
PEAK_HOUR_SHARE = 0.2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(data_dir: str, port: int) -> dict:
    return {**os.environ, "DATABASE_URL": DATABASE, "REDIS_URL": REDIS, "DATA_DIR": data_dir, "PORT": str(port),
            "WORKERS": str(WORKERS), "SECRET_KEY": "bench-phones-secret", "DEMO_PASSWORD": "bench-pass-2026",
            "PYTHONPATH": str(ROOT)}


def _fresh_database() -> None:
    name = DATABASE.rsplit("/", 1)[1]
    admin = DATABASE.rsplit("/", 1)[0] + "/postgres"
    for statement in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-q", "-c", statement], check=True)


def _flask(env: dict, *args: str) -> None:
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def _phone_tokens(env: dict) -> list[str]:
    """One inspector account per phone, each with its API token."""
    script = f"""
from app import create_app
from core.extensions import db
from org import accounts
from org.models import User
from werkzeug.security import generate_password_hash
app = create_app()
with app.app_context():
    tokens = []
    for index in range({PHONES}):
        user = User(username=f"phone{{index}}", display_name=f"检查员{{index}}", role="inspector",
                    password_hash=generate_password_hash("bench-pass-2026"))
        db.session.add(user)
        db.session.flush()
        tokens.append(accounts.issue_token(user).token)
    db.session.commit()
    print("\\n".join(tokens))
"""
    out = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return out.split()


class Recorder:
    def __init__(self):
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.first_error: dict[str, str] = {}
        self.retries = 0
        self.inspections = 0
        self.lock = threading.Lock()

    def call(self, name: str, method: str, url: str, ok=(200, 201), **kwargs) -> requests.Response:
        started = time.perf_counter()
        try:
            response = requests.request(method, url, timeout=120, **kwargs)
        except requests.RequestException:
            with self.lock:
                self.errors[name] += 1
            raise
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies[name].append(elapsed)
            if response.status_code not in ok:
                self.errors[name] += 1
                self.first_error.setdefault(name, f"{response.status_code} {response.text[:400]}")
        return response


def _answers(checklist: dict, photo_ids: list[str], rng: random.Random) -> list[dict]:
    """Every item answered as an inspector would: about one check in twenty-five failed; the photos go to the
    photo and signature items and the failed ones first, the rest as evidence on the first items."""
    answers, photos = [], list(photo_ids)
    for section in checklist["sections"]:
        for item in section["items"]:
            kind, value = item["type"], None
            if kind == "check":
                value = "fail" if rng.random() < 0.04 and not item.get("photo_on_fail") else "pass"
            elif kind == "scale":
                value = (item.get("scale") or {}).get("max", 4)
            elif kind == "choice":
                value = item["options"][0]["key"]
            elif kind in ("number", "duration"):
                value = 1
            elif kind == "text":
                value = "正常"
            answer = {"item_key": item["key"], "value": value}
            if value == "fail" and item.get("attribute_to_staff"):
                answer["staff_description"] = "2号窗口柜员，短发"
            answers.append((kind, answer))
    wanting = [a for kind, a in answers if kind == "signature"] + [a for kind, a in answers if kind == "photo"] \
        + [a for _kind, a in answers if a["value"] == "fail"] + [a for _kind, a in answers]
    for answer, photo in zip(wanting, photos, strict=False):
        answer.setdefault("photo_ids", []).append(photo)
    return [answer for _kind, answer in answers]


def phone(base: str, token: str, pictures: list[bytes], recorder: Recorder, stop_at: float, seed: int) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "zh"}
    think = lambda: time.sleep(rng.uniform(*THINK))
    listed = recorder.call("checklists", "GET", f"{base}/api/v1/checklists", headers=headers).json()
    version = next(c for c in listed if c["kind"] == "onsite")
    checklist = recorder.call("checklist", "GET", f"{base}/api/v1/checklists/{version['id']}", headers=headers).json()
    outlets = list(range(1, 9))
    while time.monotonic() < stop_at:
        recorder.call("assignments", "GET", f"{base}/api/v1/assignments", headers=headers)
        think()
        inspection = str(uuid.uuid4())
        draft = {"checklist_version_id": version["id"], "outlet_id": rng.choice(outlets), "answers": []}
        recorder.call("draft (new)", "PUT", f"{base}/api/v1/inspections/{inspection}", json=draft, headers=headers)
        photo_ids = []
        for picture in pictures:
            think()
            photo = str(uuid.uuid4())
            recorder.call("photo (12 MP)", "PUT", f"{base}/api/v1/inspections/{inspection}/photos/{photo}",
                          data=picture, headers={**headers, "Content-Type": "image/jpeg"})
            photo_ids.append(photo)
        think()
        draft["answers"] = _answers(checklist, photo_ids, rng)
        recorder.call("draft (full)", "PUT", f"{base}/api/v1/inspections/{inspection}", json=draft, headers=headers)
        think()
        for _attempt in range(30):
            response = recorder.call("submit", "POST", f"{base}/api/v1/inspections/{inspection}/submit",
                                     ok=(200, 201, 409), headers=headers)
            if response.status_code != 409:
                break
            with recorder.lock:
                recorder.retries += 1  # the photos' copies are still being made: the phone tries again
            time.sleep(1)
        if response.status_code in (200, 201):
            with recorder.lock:
                recorder.inspections += 1
        else:
            with recorder.lock:
                recorder.errors["submit"] += 1


def _peak_memory_mb(pid: int) -> dict[int, float]:
    """VmHWM (peak resident memory) of a process and its children."""
    result = {}
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout.split()
    for process in [pid, *map(int, children)]:
        try:
            for line in Path(f"/proc/{process}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    result[process] = int(line.split()[1]) / 1024
        except FileNotFoundError:
            pass
    return result


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="bench-phones-")
    port = _free_port()
    env = _environment(data_dir, port)
    print(f"preparing: fresh PostgreSQL database, demo, {PHONES} inspectors' phones", flush=True)
    _fresh_database()
    subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=True, stdout=subprocess.DEVNULL)
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo")
    tokens = _phone_tokens(env)
    pictures = [phone_jpeg(seed=seed) for seed in range(1, 6)]
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py", "app:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([str(ROOT / ".venv/bin/flask"), "--app", "app", "jobs", "work"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/health", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        recorder = Recorder()
        started = time.monotonic()
        stop_at = started + SECONDS
        threads = [threading.Thread(target=phone, args=(base, token, pictures, recorder, stop_at, index),
                                    daemon=True) for index, token in enumerate(tokens)]
        for thread in threads:
            thread.start()
            time.sleep(THINK[1] / PHONES)  # phones start one after another, not in step
        for thread in threads:
            thread.join(timeout=SECONDS + 300)
        elapsed = time.monotonic() - started
        server_memory = _peak_memory_mb(server.pid)
        worker_memory = _peak_memory_mb(worker.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        worker.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        worker.wait(timeout=30)
    report(recorder, elapsed, server.pid, server_memory, worker_memory)


def report(recorder: Recorder, elapsed: float, master: int, server_memory: dict, worker_memory: dict) -> None:
    rate = recorder.inspections / (elapsed / 60)
    print(f"\n{PHONES} phones for {elapsed:.0f} s, gunicorn {WORKERS} workers on PostgreSQL, 1 RQ worker, "
          f"{os.cpu_count()} cores")
    print(f"inspections submitted: {recorder.inspections} ({rate:.1f} per minute sustained), "
          f"submit retries while photo copies were made: {recorder.retries}")
    print(f"{'call':<16}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, values in sorted(recorder.latencies.items()):
        print(f"{name:<16}{len(values):>7}{statistics.median(values):>9.0f}{_percentile(values, 0.95):>9.0f}"
              f"{_percentile(values, 0.99):>9.0f}{recorder.errors.get(name, 0):>8}")
    print(f"errors in all: {sum(recorder.errors.values())}")
    for name, text in recorder.first_error.items():
        print(f"  first {name} error: {text}")
    workers = {pid: mb for pid, mb in server_memory.items() if pid != master}
    print("peak memory: gunicorn workers " + ", ".join(f"{mb:.0f} MB" for mb in workers.values())
          + f"; master {server_memory.get(master, 0):.0f} MB; RQ worker "
          + ", ".join(f"{mb:.0f} MB" for mb in worker_memory.values()))
    per_day = TELLERS / 2 + OUTLETS * 3 / WORKING_DAYS
    peak = per_day * PEAK_HOUR_SHARE / 60
    print(f"a province's peak hour: ({TELLERS} tellers / 2 days + {OUTLETS} outlets × 3 visits / {WORKING_DAYS} "
          f"working days) × {PEAK_HOUR_SHARE:.0%} / 60 = {peak:.1f} inspections per minute; at {rate:.1f} per minute "
          f"per machine that is {max(1, math.ceil(peak / rate)) if rate else '∞'} machine(s) like this one")


if __name__ == "__main__":
    sys.exit(main())
