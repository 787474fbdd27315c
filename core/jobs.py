"""Work that need not hold up a response (photo derivatives).

Without `REDIS_URL` a job runs in the process that asked for it, once the response has gone out (the
server closes the response, then runs the job). With `REDIS_URL` it goes on an RQ queue and
`flask jobs work` runs it, in as many worker processes as wanted: a job that raises is tried again
after the delays in `JOB_RETRY_DELAYS`, and so is one whose worker was killed while it ran (see
AppWorker), then kept in RQ's failed-job registry (`flask jobs failed`,
`flask jobs requeue`, `rq info`). Either way a process can die with work queued, so whoever needs a
job's result first makes it if it is not there yet.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

import click
from flask import Flask, current_app, g, has_request_context
from rq import Queue, Retry, Worker
from rq.job import Job
from rq.registry import FailedJobRegistry

from core import unit_of_work
from core.extensions import db

QUEUE = "inspection"
JOB_TIMEOUT_SECONDS = 600  # a 60-megapixel HEIC decodes in well under a minute
RESULT_TTL_SECONDS = 3600  # jobs return nothing; finished ones stay visible for an hour
FAILURE_TTL_SECONDS = 30 * 24 * 3600
_handlers: dict[str, Callable[..., None]] = {}


def job(name: str):
    """Register a function as the job called `name`; it is called with the payload as keywords."""
    def register(func):
        _handlers[name] = func
        return func
    return register


@functools.cache
def _redis(url: str):
    import redis

    # A Redis that does not answer must not hold a request up for long: the job then runs here.
    return redis.Redis.from_url(url, socket_connect_timeout=5)


def queue(app: Flask) -> Queue:
    return Queue(QUEUE, connection=_redis(app.config["REDIS_URL"]))


def perform(name: str, **payload) -> None:
    """What a worker runs (inside the worker's app context), as a unit of work of its own; an
    exception rolls it back and marks the job failed."""
    unit_of_work.committed(_handlers[name])(**payload)


def enqueue(name: str, **payload) -> None:
    """Run a job once the current unit of work has committed (the job reads what it stored)."""
    if name not in _handlers:
        raise KeyError(f"no job called {name}")
    # Flask types current_app as the app itself; it is a proxy, and the job needs what it stands for.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    unit_of_work.after_commit(functools.partial(_enqueue_now, app, name, payload))


def _enqueue_now(app: Flask, name: str, payload: dict) -> None:
    if app.config.get("REDIS_URL"):
        from redis import RedisError

        delays = app.config["JOB_RETRY_DELAYS"]
        try:
            queue(app).enqueue(perform, name, **payload, job_timeout=JOB_TIMEOUT_SECONDS,
                               result_ttl=RESULT_TTL_SECONDS, failure_ttl=FAILURE_TTL_SECONDS,
                               retry=Retry(max=len(delays), interval=list(delays)) if delays else None,
                               description=f"{name} {payload}")
            return
        except RedisError as error:  # the work is still done, here: the request must not fail for it
            app.logger.warning("Redis unreachable (%s); job %s runs in this process", error, name)
    if has_request_context():
        g.setdefault("after_response", []).append((name, payload))
    else:
        run(app, name, payload)


def run(app: Flask, name: str, payload: dict) -> None:
    """One job in its own app context (its own database session); a failure is logged, not raised."""
    with app.app_context():
        try:
            unit_of_work.committed(_handlers[name])(**payload)
        except Exception:  # a job's failure must not reach the response already sent
            app.logger.exception("job %s %s failed", name, payload)


class AppWorker(Worker):
    """An RQ worker whose jobs run in the app's context, each with a database session of its own.

    Each job runs in a forked process, so a picture that crashes its decoder takes only that job
    down (it is marked failed and retried), never the worker. A worker that dies itself (killed, its
    machine gone) cannot say so: the job it held stays claimed while its heartbeat is fresh, and once
    three `JOB_HEARTBEAT_SECONDS` have passed without one, the next sweep of any worker (every
    `JOB_SWEEP_SECONDS`) takes it as abandoned and tries it again like a job that failed."""

    def __init__(self, queues: list[Queue], *, app: Flask, **kwargs):
        heartbeat, sweep = app.config["JOB_HEARTBEAT_SECONDS"], app.config["JOB_SWEEP_SECONDS"]
        # An idle worker wakes once per dequeue timeout (RQ makes it worker_ttl - 15) to sweep.
        super().__init__(queues, job_monitoring_interval=heartbeat, maintenance_interval=sweep,
                         worker_ttl=sweep + 15, **kwargs)
        self.app = app

    def get_heartbeat_ttl(self, job: Job) -> int:
        """How long a claim lasts without news (RQ's own waits a minute more than one heartbeat)."""
        beat = self.job_monitoring_interval
        if job.timeout and job.timeout > 0:
            return max(1, int(min(job.timeout - self.current_job_working_time, beat))) + 2 * beat
        return 3 * beat

    def perform_job(self, job, queue):
        with self.app.app_context():
            if self.is_horse:
                # Connections the parent opened are the parent's: the fork must open its own.
                db.engine.dispose(close=False)
            try:
                return super().perform_job(job, queue)
            finally:
                db.session.remove()


def work(app: Flask, *, burst: bool = False) -> bool:
    """Run queued jobs until stopped (with burst=True, until the queue is empty); True if any ran.
    The worker also moves jobs whose retry delay has passed back onto the queue."""
    jobs = queue(app)
    worker = AppWorker([jobs], connection=jobs.connection, app=app, log_job_description=True)
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")


def failed_jobs(app: Flask) -> list[Job]:
    jobs = queue(app)
    registry = FailedJobRegistry(queue=jobs)
    return [job for job in Job.fetch_many(registry.get_job_ids(), connection=jobs.connection) if job is not None]


def _describe_failure(failed_job: Job) -> str:
    result = failed_job.latest_result()
    lines = (result.exc_string or "").strip().splitlines() if result else []
    when = f"{failed_job.ended_at:%Y-%m-%d %H:%M}" if failed_job.ended_at else "-"
    return f"{failed_job.id}  {when}  {failed_job.description}  {lines[-1] if lines else ''}"


def requeue(app: Flask, job_ids: list[str]) -> list[str]:
    """Put failed jobs back on the queue (all of them without ids); the ids requeued."""
    registry = FailedJobRegistry(queue=queue(app))
    chosen = job_ids or registry.get_job_ids()
    known = set(registry.get_job_ids())
    requeued = []
    for job_id in chosen:
        if job_id in known:
            registry.requeue(job_id)
            requeued.append(job_id)
    return requeued


def init_app(app: Flask) -> None:
    @app.after_request
    def _run_after_response(response):
        for name, payload in g.pop("after_response", []):
            response.call_on_close(functools.partial(run, app, name, payload))
        return response

    @app.cli.group("jobs")
    def jobs_group():
        """Background work (needs REDIS_URL)."""

    def needs_redis():
        if not app.config.get("REDIS_URL"):
            raise click.UsageError("Set REDIS_URL: without it, jobs run in the web process after each response.")

    @jobs_group.command("work")
    @click.option("--burst", is_flag=True, help="stop when the queue is empty")
    def work_command(burst):
        """Run queued jobs (photo derivatives) in an RQ worker."""
        needs_redis()
        work(app, burst=burst)

    @jobs_group.command("failed")
    def failed_command():
        """List the jobs that failed every try."""
        needs_redis()
        failed = failed_jobs(app)
        for failed_job in failed:
            click.echo(_describe_failure(failed_job))
        click.echo(f"{len(failed)} failed job(s)")

    @jobs_group.command("requeue")
    @click.argument("job_ids", nargs=-1)
    def requeue_command(job_ids):
        """Put failed jobs back on the queue: the ones named, or all of them."""
        needs_redis()
        click.echo(f"{len(requeue(app, list(job_ids)))} job(s) requeued")
