"""Phones on a weak network: latency of a trivial authenticated request (GET /api/v1/auth/me) and of a
draft save while N photo uploads trickle in over several seconds, against the server as `make serve`
runs it (gunicorn.conf.py), on SQLite and on PostgreSQL. Also: how fast a 20 MB body from a caller who
has not logged in is refused.

    .venv/bin/python bench/bench_slow_clients.py            # both databases
    BENCH_DATABASES=sqlite .venv/bin/python bench/bench_slow_clients.py
"""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import uuid

from common import ROOT, phone_jpeg

SLOW_UPLOADS = 10
TRICKLE_SECONDS = 8.0
PROBES = 300
WORKERS = 2
PASSWORD = "bench-pass-2026"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/inspection_bench")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_postgres() -> str:
    from sqlalchemy import create_engine, text

    base, _, name = POSTGRES_URL.rpartition("/")
    engine = create_engine(f"{base}/postgres".replace("postgresql://", "postgresql+psycopg://", 1),
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return POSTGRES_URL


def _environment(database: str) -> dict:
    env = {**os.environ, "DATA_DIR": tempfile.mkdtemp(prefix="bench-slow-"), "DEMO_PASSWORD": PASSWORD,
           "WORKERS": str(WORKERS), "REDIS_URL": ""}
    env.pop("DATABASE_URL", None)
    if database == "postgresql":
        env["DATABASE_URL"] = _fresh_postgres()
    return env


def _prepare(env: dict) -> None:
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "app"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)


def _request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _token(port: int, username: str) -> dict:
    status, body = _request(port, "POST", "/api/v1/auth/tokens",
                            json.dumps({"username": username, "password": PASSWORD}).encode(),
                            {"Content-Type": "application/json"})
    assert status == 201, body
    return {"Authorization": f"Bearer {json.loads(body)['token']}"}


def _draft_body(port: int, headers: dict) -> bytes:
    _, body = _request(port, "GET", "/api/v1/checklists", headers=headers)
    versions = [v for v in json.loads(body) if v["kind"] == "onsite"]
    return json.dumps({"checklist_version_id": versions[0]["id"], "outlet_id": 1, "answers": []}).encode()


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _probe(port: int, headers: dict, draft: bytes, busy=lambda: False) -> dict:
    """PROBES reads (and a draft save every tenth), going on while `busy()` says the load lasts."""
    reads, writes = [], []
    json_headers = {**headers, "Content-Type": "application/json"}
    index = 0
    while index < PROBES or busy():
        index += 1
        started = time.perf_counter()
        status, _ = _request(port, "GET", "/api/v1/auth/me", headers=headers)
        reads.append((time.perf_counter() - started) * 1000)
        assert status == 200
        if index % 10 == 1:
            started = time.perf_counter()
            status, _ = _request(port, "PUT", f"/api/v1/inspections/{uuid.uuid4()}", draft, json_headers)
            writes.append((time.perf_counter() - started) * 1000)
            assert status == 201, status
    return {"read": _percentiles(reads), "write": _percentiles(writes), "requests": len(reads) + len(writes)}


def _slow_upload(port: int, headers: dict, inspection: str, photo: bytes, results: list) -> None:
    path = f"/api/v1/inspections/{inspection}/photos/{uuid.uuid4()}"
    head = (f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\n"
            f"Content-Length: {len(photo)}\r\nX-Content-SHA256: {hashlib.sha256(photo).hexdigest()}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode()
    chunks = 80
    size = -(-len(photo) // chunks)
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        connection.sendall(head)
        for start in range(0, len(photo), size):
            connection.sendall(photo[start:start + size])
            time.sleep(TRICKLE_SECONDS / chunks)
        status_line = connection.makefile("rb").readline()
    results.append(int(status_line.split()[1]))


def _refusal_ms(port: int) -> float:
    samples = []
    for _ in range(20):
        path = f"/api/v1/inspections/{uuid.uuid4()}"
        head = (f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {20 * 1024 * 1024}\r\n\r\n").encode()
        started = time.perf_counter()
        with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
            connection.sendall(head + b'{"answers": [' + b"0," * 32_000)
            status_line = connection.makefile("rb").readline()
        samples.append((time.perf_counter() - started) * 1000)
        assert int(status_line.split()[1]) == 401, status_line
    return statistics.median(samples)


def run(database: str, photo: bytes) -> dict:
    env = _environment(database)
    _prepare(env)
    port = _free_port()
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py",
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:create_app()"],
                              cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                _request(port, "GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        inspector, monitor = _token(port, "inspector"), _token(port, "admin")
        draft = _draft_body(port, inspector)
        _probe(port, monitor, draft)  # warm up
        quiet = _probe(port, monitor, draft)
        inspections = []
        for _ in range(SLOW_UPLOADS):
            inspections.append(str(uuid.uuid4()))
            status, body = _request(port, "PUT", f"/api/v1/inspections/{inspections[-1]}", draft,
                                    {**inspector, "Content-Type": "application/json"})
            assert status == 201, body
        statuses: list[int] = []
        uploads = [threading.Thread(target=_slow_upload, args=(port, inspector, inspection, photo, statuses))
                   for inspection in inspections]
        for thread in uploads:
            thread.start()
        time.sleep(0.5)  # every upload has sent its headers and is trickling its body
        busy = _probe(port, monitor, draft, busy=lambda: any(thread.is_alive() for thread in uploads))
        for thread in uploads:
            thread.join()
        refusal = _refusal_ms(port)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return {"quiet": quiet, "busy": busy, "uploads": statuses, "refusal_ms": refusal}


def main() -> None:
    photo = phone_jpeg()
    databases = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    for database in databases:
        figures = run(database, photo)
        quiet, busy = figures["quiet"], figures["busy"]
        print(f"{database}: GET /api/v1/auth/me p50/p99 {quiet['read'][0]:.1f}/{quiet['read'][1]:.1f} ms quiet, "
              f"{busy['read'][0]:.1f}/{busy['read'][1]:.1f} ms ({busy['requests']} requests) with {SLOW_UPLOADS} uploads of "
              f"{len(photo) / 1e6:.1f} MB trickling over {TRICKLE_SECONDS:.0f} s (goal p99 < 100 ms); "
              f"draft save p50/p99 {quiet['write'][0]:.1f}/{quiet['write'][1]:.1f} ms quiet, "
              f"{busy['write'][0]:.1f}/{busy['write'][1]:.1f} ms busy; uploads answered {sorted(figures['uploads'])}; "
              f"unauthenticated 20 MB body refused in {figures['refusal_ms']:.1f} ms (median)")
        print(json.dumps({"database": database, **{k: v for k, v in figures.items() if k != 'uploads'},
                          "uploads_created": figures["uploads"].count(201)}))


if __name__ == "__main__":
    main()
