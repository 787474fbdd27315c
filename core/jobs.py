"""Work that need not hold up a response (photo derivatives).

Without `REDIS_URL` a job runs in the process that asked for it, once the response has gone out (the
server closes the response, then runs the job). With `REDIS_URL` it is pushed to a Redis list and
`flask jobs work` runs it, in as many worker processes as wanted. Either way a process can die with
work queued, so whoever needs a job's result first makes it if it is not there yet.
"""
from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable

import click
from flask import Flask, current_app, g, has_request_context

QUEUE = "inspection:jobs"
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

    return redis.Redis.from_url(url)


def enqueue(name: str, **payload) -> None:
    """Run a job later. Call it after the commit that the job depends on."""
    if name not in _handlers:
        raise KeyError(f"no job called {name}")
    app = current_app._get_current_object()
    url = app.config.get("REDIS_URL")
    if url:
        from redis import RedisError

        try:
            _redis(url).lpush(QUEUE, json.dumps({"job": name, "payload": payload}))
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
            _handlers[name](**payload)
        except Exception:  # a job's failure must not reach the response already sent or stop a worker
            app.logger.exception("job %s %s failed", name, payload)


def work(app: Flask, *, once: bool = False, wait_seconds: int = 5) -> int:
    """Take jobs from Redis and run them; with once=True, stop when the queue is empty."""
    from redis import RedisError

    client, done = _redis(app.config["REDIS_URL"]), 0
    while True:
        try:
            item = client.brpop([QUEUE], timeout=wait_seconds)
        except RedisError as error:
            if once:
                raise
            app.logger.warning("Redis unreachable (%s); trying again", error)
            time.sleep(wait_seconds)
            continue
        if item is None:
            if once:
                return done
            continue
        message = json.loads(item[1])
        run(app, message["job"], message["payload"])
        done += 1


def init_app(app: Flask) -> None:
    @app.after_request
    def _run_after_response(response):
        for name, payload in g.pop("after_response", []):
            response.call_on_close(functools.partial(run, app, name, payload))
        return response

    @app.cli.group("jobs")
    def jobs_group():
        """Background work (needs REDIS_URL)."""

    @jobs_group.command("work")
    @click.option("--once", is_flag=True, help="stop when the queue is empty")
    def work_command(once):
        """Run queued jobs: photo derivatives."""
        if not app.config.get("REDIS_URL"):
            raise click.UsageError("Set REDIS_URL: without it, jobs run in the web process after each response.")
        click.echo(f"{work(app, once=once)} job(s) done")
