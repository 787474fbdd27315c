"""The scale-out set-up as separate processes on this machine: an S3-compatible server (moto), app
servers (gunicorn) and RQ workers, all on one PostgreSQL and one Redis; a small HTTP client that
keeps its cookies by hand (so that a cookie from one server can be shown to another)."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def session_members(leader: int) -> list[int]:
    """Every process of the session `leader` started (a worker's forked job and scheduler too: RQ puts
    the job's process in a process group of its own, but it stays in the session)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == leader:  # state, ppid, pgrp, session
            members.append(int(stat.parent.name))
    return members


def kill_session(leader: int, number: int = signal.SIGKILL) -> None:
    for pid in session_members(leader):
        try:
            os.kill(pid, number)
        except ProcessLookupError:
            pass


@dataclass
class Cluster:
    """Processes sharing one environment; each in a session of its own, its output in `logs`."""

    env: dict
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, args: list[str], **env) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(args, cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def app_server(self, name: str, data_dir: Path) -> str:
        port = free_port()
        self.start(name, [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "app:create_app()"],
                   PORT=str(port), WORKERS="1", THREADS="4", DATA_DIR=str(data_dir))
        return f"127.0.0.1:{port}"

    def worker(self, name: str, data_dir: Path, *args: str) -> subprocess.Popen:
        command = [str(BIN / "python"), "-m", *args] if args else [str(BIN / "flask"), "--app", "app", "jobs", "work"]
        return self.start(name, command, DATA_DIR=str(data_dir))

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        kill_session(process.pid)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        """Killed outright: nothing they hold needs keeping, and the test ends sooner."""
        for process in self.processes.values():
            kill_session(process.pid)
            process.wait(timeout=10)
        self.processes.clear()

    def wait_until_up(self, name: str, address: str, path: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise AssertionError(f"{name} exited: {self.log(name)}")
            try:
                if Browser(address).request("GET", path).status < 500:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"{name} did not answer in {timeout}s: {self.log(name)}")


@dataclass
class Reply:
    status: int
    body: bytes
    headers: http.client.HTTPMessage


@dataclass
class Browser:
    """Requests to one server; cookies kept by hand in `cookies` and sent along with each request."""

    address: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> Reply:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection(self.address, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            reply = Reply(response.status, response.read(), response.headers)
        finally:
            connection.close()
        for cookie in reply.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return reply
