"""Jobs on RQ: a worker runs them in the app's context, tries a failing one again, and keeps the one
that failed every try in RQ's failed-job registry, where `flask jobs failed` shows it and
`flask jobs requeue` puts it back. Without Redis a job runs after the response."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import current_app
from rq import Queue
from sqlalchemy import select

from core import jobs
from core.extensions import db
from org.models import Branch

# One Redis database for the tests: their workers and queues run on one test worker at a time.
pytestmark = pytest.mark.xdist_group("redis")

COUNTER = "test:job-tries"


def _tries() -> int:
    return int(jobs._redis(current_app.config["REDIS_URL"]).get(COUNTER) or 0)


@jobs.job("test.fails-until")
def _fails_until(succeed_on: int, branch_code: str) -> None:
    """Counts its tries in Redis (the worker runs it in another process); raises until the given try,
    then records a branch in its own unit of work."""
    tries = jobs._redis(current_app.config["REDIS_URL"]).incr(COUNTER)
    if tries < succeed_on:
        raise RuntimeError(f"try {tries} failed")
    db.session.add(Branch(code=branch_code, name=f"try {tries}", notice_prefix="P"))  # committed when it returns


@jobs.job("test.dies-once")
def _dies_once() -> None:
    """The process running it dies on the first try, as one would on a picture that crashes its decoder."""
    if jobs._redis(current_app.config["REDIS_URL"]).incr(COUNTER) == 1:
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_failing_job_is_tried_again_until_it_succeeds(app, redis_jobs, runner):
    jobs.enqueue("test.fails-until", succeed_on=3, branch_code="R3")
    db.session.commit()  # queued once the unit that asked for them commits
    assert redis_jobs.count == 1

    assert runner.invoke(args=["jobs", "work", "--burst"]).exit_code == 0
    assert _tries() == 3
    assert db.session.scalars(select(Branch.name).where(Branch.code == "R3")).all() == ["try 3"]
    assert redis_jobs.failed_job_registry.count == 0 and redis_jobs.finished_job_registry.count == 1


def test_a_job_failing_every_try_lands_in_the_failed_registry_and_can_be_requeued(app, redis_jobs, runner):
    jobs.enqueue("test.fails-until", succeed_on=99, branch_code="R99")
    db.session.commit()  # queued once the unit that asked for them commits
    assert runner.invoke(args=["jobs", "work", "--burst"]).exit_code == 0
    assert _tries() == 4  # the first try and three more
    [job_id] = redis_jobs.failed_job_registry.get_job_ids()
    assert redis_jobs.count == 0 and db.session.scalars(select(Branch)).all() == []

    listed = runner.invoke(args=["jobs", "failed"])
    assert listed.exit_code == 0
    assert job_id in listed.output and "test.fails-until" in listed.output and "try 4 failed" in listed.output
    assert "1 failed job(s)" in listed.output

    requeued = runner.invoke(args=["jobs", "requeue", "no-such-job"])
    assert "0 job(s) requeued" in requeued.output and redis_jobs.count == 0
    requeued = runner.invoke(args=["jobs", "requeue"])
    assert "1 job(s) requeued" in requeued.output
    assert redis_jobs.count == 1 and redis_jobs.failed_job_registry.count == 0


def test_a_job_whose_process_dies_is_tried_again_and_the_worker_carries_on(app, redis_jobs, runner):
    jobs.enqueue("test.dies-once")
    jobs.enqueue("test.fails-until", succeed_on=1, branch_code="RA")
    db.session.commit()  # queued once the unit that asked for them commits
    assert runner.invoke(args=["jobs", "work", "--burst"]).exit_code == 0
    assert _tries() == 3  # the death, the second try of that job, then the next job
    assert redis_jobs.finished_job_registry.count == 2 and redis_jobs.failed_job_registry.count == 0
    assert db.session.scalars(select(Branch.code)).all() == ["RA"]


def test_a_job_whose_worker_was_killed_is_tried_again_once_three_heartbeats_pass_without_one(
        app, redis_jobs, runner, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_HEARTBEAT_SECONDS", 1)
    jobs.enqueue("test.fails-until", succeed_on=1, branch_code="RK")
    db.session.commit()  # queued once the unit that asked for them commits
    # A worker takes the job and is killed before it can run it or say anything more.
    killed = jobs.AppWorker([redis_jobs], connection=redis_jobs.connection, app=app)
    job, _queue = Queue.dequeue_any([redis_jobs], None, connection=redis_jobs.connection)
    killed.prepare_execution(job)
    assert redis_jobs.started_job_registry.get_job_ids() == [job.id] and redis_jobs.count == 0

    assert runner.invoke(args=["jobs", "work", "--burst"]).exit_code == 0
    assert _tries() == 0  # its worker may still be at it: the job stays claimed
    time.sleep(3.2)
    assert runner.invoke(args=["jobs", "work", "--burst"]).exit_code == 0
    assert _tries() == 1 and db.session.scalars(select(Branch.code)).all() == ["RK"]
    assert redis_jobs.fetch_job(job.id).retries_left == 2  # taken up as a failed try
    assert redis_jobs.started_job_registry.count == 0 and redis_jobs.failed_job_registry.count == 0


def test_a_failed_try_waits_for_its_delay(app, redis_jobs, runner, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RETRY_DELAYS", [60, 300])
    jobs.enqueue("test.fails-until", succeed_on=2, branch_code="RD")
    db.session.commit()  # queued once the unit that asked for them commits
    assert runner.invoke(args=["jobs", "work", "--burst"]).exit_code == 0
    assert _tries() == 1  # the next try is a minute away, not now
    [job_id] = redis_jobs.scheduled_job_registry.get_job_ids()
    assert redis_jobs.fetch_job(job_id).retries_left == 1
    assert redis_jobs.failed_job_registry.count == 0


def test_rq_info_shows_the_queue(app, redis_jobs):
    jobs.enqueue("test.fails-until", succeed_on=1, branch_code="RI")
    db.session.commit()  # queued once the unit that asked for them commits
    rq = Path(sys.executable).with_name("rq")
    info = subprocess.run([str(rq), "info", "--url", app.config["REDIS_URL"], "--only-queues"],
                          check=False, capture_output=True, text=True, timeout=60)
    assert info.returncode == 0, info.stderr
    [line] = [line for line in info.stdout.splitlines() if line.split()[:1] == [jobs.QUEUE]]
    assert line.endswith("1, 0 executing, 0 finished, 0 failed"), info.stdout


def test_the_failed_jobs_commands_need_redis(runner):
    for command in (["jobs", "failed"], ["jobs", "requeue"]):
        result = runner.invoke(args=command)
        assert result.exit_code != 0 and "REDIS_URL" in result.output
