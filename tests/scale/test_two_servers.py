"""Two app servers, one truth: two gunicorn servers and RQ workers on one PostgreSQL, one Redis and an
S3-compatible server (moto), each process with a DATA_DIR of its own. Whatever one server is told,
the other knows: logins, sessions and their end, tokens, photos and what is made of them, notices;
a job whose worker is killed while it holds it is tried again by another worker; and no process
keeps anything on its own disk.

Runs on the PostgreSQL pass of `make test` only (TEST_ON_POSTGRES): several servers need a database
server."""
from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from core.extensions import db
from inspections.models import Photo
from rectification.models import NoticeEdition
from tests.conftest import PASSWORD, _close_connections, _database_url, _test_app
from tests.factories import Org
from tests.inspections.helpers import DEFAULT_DOCUMENTS, draft_body, full_answers, new_uuid
from tests.rectification.helpers import flat_text, pdf_images
from tests.scale.cluster import BIN, Browser, Cluster, free_port
from tests.support import csrf_token_of

pytestmark = [
    pytest.mark.skipif(not os.environ.get("TEST_ON_POSTGRES"), reason="several servers need PostgreSQL"),
    pytest.mark.xdist_group("redis"),  # the Redis database the job tests use, one test at a time
]

BUCKET = "inspection-media"
FAILING = "facility_queue_machine"  # an on-site item that fails with a photo: 叫号机运行正常
FAILING_LABEL = "叫号机运行正常"


def camera_jpeg() -> bytes:
    """A 4000×3000 JPEG with texture, like a phone's photo (JPEGs get their copies during the upload)."""
    image = Image.effect_noise((400, 300), 64).convert("RGB").resize((4000, 3000), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def large_png() -> bytes:
    """A 5.2-megapixel PNG: above PHOTO_INLINE_MEGAPIXELS (4), so its copies are a worker's job."""
    image = Image.new("RGB", (2600, 2000), (90, 140, 200))
    ImageDraw.Draw(image).rectangle([400, 300, 2200, 1700], fill=(230, 200, 40))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world(tmp_path, tmp_path_factory):
    """Two app servers and a worker whose photo job never ends (tests.scale.gated_worker), started at once
    with an S3 server (its bucket made) and the migration of a fresh database, then seeded with a small
    bank, its inspector and admin and the on-site checklist; Redis emptied. Every process started is
    killed at the end, also on failure; each has a DATA_DIR of its own under `data`."""
    import boto3
    import redis

    database_url = _database_url(tmp_path_factory, "scale")
    redis_url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/14"
    connection = redis.Redis.from_url(redis_url)
    connection.flushdb()
    logs = tmp_path / "logs"
    logs.mkdir()
    s3_port = str(free_port())
    env = {
        "PATH": os.environ["PATH"], "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path), "LANG": "C.UTF-8",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url, "SECRET_KEY": secrets.token_hex(32), "JOB_RETRY_DELAYS": "0",
        "JOB_HEARTBEAT_SECONDS": "1", "JOB_SWEEP_SECONDS": "1", "LOGIN_MAX_FAILURES": "3",
        "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}", "S3_ACCESS_KEY_ID": "test-key",
        "S3_SECRET_ACCESS_KEY": "test-secret", "S3_REGION": "us-east-1",
    }
    cluster = Cluster(env, logs)
    seeder = None
    data = tmp_path / "data"
    folders = {name: data / name for name in ("server-a", "server-b", "worker-1", "worker-2")}
    try:
        # All at once: the machine may be slow, and none of them needs the others to start.
        cluster.start("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", s3_port])
        migration = cluster.start("migrate", [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
                                  DATA_DIR=str(tmp_path / "migrate"))
        servers = [Browser(cluster.app_server(name, folders[name])) for name in ("server-a", "server-b")]
        cluster.worker("worker-1", folders["worker-1"], "tests.scale.gated_worker", str(data))
        assert migration.wait(timeout=180) == 0, cluster.log("migrate")
        seeder = _test_app(tmp_path / "seeder", database_url, migrated=False)
        with seeder.app_context():
            from checklists import operations as checklist_operations

            bank = Org(db)
            for role in ("inspector", "admin"):
                bank.user(role)
            version = checklist_operations.import_and_publish_default(copy.deepcopy(DEFAULT_DOCUMENTS["onsite"]))
            db.session.commit()
            cluster.wait_until_up("s3", f"127.0.0.1:{s3_port}", "/moto-api/")
            s3 = boto3.client("s3", endpoint_url=env["S3_ENDPOINT_URL"], region_name="us-east-1",
                              aws_access_key_id="test-key", aws_secret_access_key="test-secret")
            s3.create_bucket(Bucket=BUCKET)
            for name, server in zip(("server-a", "server-b"), servers, strict=True):
                cluster.wait_until_up(name, server.address, "/healthz")
            yield {"cluster": cluster, "servers": servers, "s3": s3, "redis": connection, "app": seeder,
                   "version": version, "outlets": (bank.outlet_a, bank.outlet_b), "data": data, "folders": folders}
    finally:
        cluster.stop_all()
        if seeder is not None:
            _close_connections(seeder)
        connection.flushdb()


def _token(server: Browser, username: str) -> dict:
    reply = server.request("POST", "/api/v1/auth/tokens", body=json.dumps(
        {"username": username, "password": PASSWORD}).encode(), headers={"Content-Type": "application/json"})
    assert reply.status == 201, reply.body[:300]
    return {"Authorization": f"Bearer {json.loads(reply.body)['token']}"}


def _form(browser: Browser, path: str, fields: dict, page: str):
    token = csrf_token_of(browser.request("GET", page).body)
    return browser.request("POST", path, body=urlencode({**fields, "csrf_token": token}).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})


def _json(server: Browser, method: str, path: str, headers: dict, body=None):
    reply = server.request(method, path, headers={**headers, "Content-Type": "application/json"},
                           body=None if body is None else json.dumps(body).encode())
    return reply.status, json.loads(reply.body) if reply.body[:1] in (b"{", b"[") else reply.body


def _upload(server: Browser, uuid: str, photo_uuid: str, data: bytes, headers: dict, content_type: str) -> None:
    reply = server.request("PUT", f"/api/v1/inspections/{uuid}/photos/{photo_uuid}", body=data, headers={
        **headers, "Content-Type": content_type, "X-Content-SHA256": hashlib.sha256(data).hexdigest()})
    assert reply.status == 201, reply.body[:300]


def _photo(photo_uuid: str) -> Photo:
    db.session.expire_all()
    photo = db.session.execute(select(Photo).where(Photo.uuid == photo_uuid)).scalar_one()
    db.session.commit()  # no transaction is kept open beside the servers
    return photo


def _draft(world, server: Browser, headers: dict, outlet, photo_uuid: str) -> str:
    with world["app"].test_request_context():
        answers = full_answers(world["version"], **{FAILING: {"value": "fail", "photo_ids": [photo_uuid],
                                                              "note": "叫号机黑屏，无法取号"}})
    uuid = new_uuid()
    status, body = _json(server, "PUT", f"/api/v1/inspections/{uuid}", headers,
                         draft_body(world["version"], outlet, answers))
    assert status == 201, body
    return uuid


def _media_on_disk(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def test_two_servers_a_worker_and_s3_share_one_truth(world):
    folders = world["folders"]
    a, b = world["servers"]

    # A browser session begun on A is good on B, and logging out on B ends it on A.
    browser = Browser(a.address)
    assert _form(browser, "/login", {"username": "inspector", "password": PASSWORD}, "/login").status == 302
    on_b = Browser(b.address, dict(browser.cookies))
    assert on_b.request("GET", "/").status == 200
    assert _form(on_b, "/logout", {}, "/").status == 302
    replayed = Browser(a.address, dict(browser.cookies)).request("GET", "/")
    assert replayed.status == 302 and replayed.headers["Location"].startswith("/login")

    # Failed logins count on both: two on A and one on B lock the account on B.
    for server in (a, a, b):
        assert server.request("POST", "/api/v1/auth/tokens", body=json.dumps(
            {"username": "admin", "password": "wrong-pass-1"}).encode(),
            headers={"Content-Type": "application/json"}).status == 401
    locked = b.request("POST", "/api/v1/auth/tokens", body=json.dumps(
        {"username": "admin", "password": PASSWORD}).encode(), headers={"Content-Type": "application/json"})
    assert locked.status == 429 and locked.headers["Retry-After"]

    # A token issued by A is good on B.
    token = _token(a, "inspector")
    assert b.request("GET", "/api/v1/inspections", headers=token).status == 200
    assert b.request("GET", "/api/v1/inspections", headers={"Authorization": "Bearer forged"}).status == 401

    # A photo uploaded through A is shown through B, its copies made during the upload (a JPEG).
    outlet_a, outlet_b = world["outlets"]
    first_photo = new_uuid()
    inspection = _draft(world, a, token, outlet_a, first_photo)
    original = camera_jpeg()
    _upload(a, inspection, first_photo, original, token, "image/jpeg")
    for variant, size in (("display", (1600, 1200)), ("thumb", (320, 240))):
        shown = b.request("GET", f"/api/v1/inspections/{inspection}/photos/{first_photo}?variant={variant}",
                          headers=token)
        assert shown.status == 200 and shown.headers["Content-Type"] == "image/jpeg"
        assert Image.open(io.BytesIO(shown.body)).size == size

    # A large PNG's copies are a worker's job. The worker holding it is killed; another takes it up.
    second_photo = new_uuid()
    other = _draft(world, b, token, outlet_b, second_photo)
    _upload(b, other, second_photo, large_png(), token, "image/png")
    _job_survives_its_killed_worker(world, second_photo, folders["worker-2"])

    # Submitted through B, the failed item's notice comes from A with the photo in it.
    status, receipt = _json(b, "POST", f"/api/v1/inspections/{inspection}/submit", token)
    assert status == 200, receipt
    assert len(receipt["findings"]) == 1
    notice = a.request("GET", f"/api/v1/inspections/{inspection}/notice.pdf", headers=token)
    assert notice.status == 200 and notice.body.startswith(b"%PDF-")
    text = flat_text(notice.body)
    assert "服务整改通知书" in text and FAILING_LABEL in text and "叫号机黑屏，无法取号" in text
    assert outlet_a.name in text
    assert (600, 450) in pdf_images(notice.body)  # the photo's print copy

    # Everything is in the bucket, nothing on any process's own disk.
    photo = _photo(first_photo)
    edition = db.session.execute(select(NoticeEdition)).scalar_one()
    db.session.commit()
    stored = {item["Key"] for item in world["s3"].list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert {photo.original_key, photo.display_key, photo.thumb_key, f"{photo.display_key}.print.jpg",
            edition.pdf_key} <= stored
    assert world["s3"].get_object(Bucket=BUCKET, Key=photo.original_key)["Body"].read() == original
    for name, folder in folders.items():
        assert _media_on_disk(folder) == [], name


def _job_survives_its_killed_worker(world, photo_uuid: str, spare_data_dir: Path) -> None:
    from rq import Queue
    from rq.registry import StartedJobRegistry

    from core import jobs

    cluster, data = world["cluster"], world["data"]
    deadline = time.monotonic() + 20
    while not list(data.glob("holding-*")):
        assert time.monotonic() < deadline, cluster.log("worker-1")
        time.sleep(0.1)
    queue = Queue(jobs.QUEUE, connection=world["redis"])
    [job_id] = StartedJobRegistry(queue=queue).get_job_ids()
    assert queue.fetch_job(job_id).retries_left == 1
    cluster.kill("worker-1")  # SIGKILL to the worker, its job's process and its scheduler
    assert _photo(photo_uuid).display_key is None
    assert StartedJobRegistry(queue=queue).get_job_ids() == [job_id]  # still claimed by the dead worker

    cluster.worker("worker-2", spare_data_dir)
    deadline = time.monotonic() + 30
    while _photo(photo_uuid).display_key is None:
        assert time.monotonic() < deadline, cluster.log("worker-2")
        time.sleep(0.2)
    job = queue.fetch_job(job_id)
    assert job.get_status() == "finished" and job.retries_left == 0  # the same job, on its retry
    assert StartedJobRegistry(queue=queue).get_job_ids() == []
    assert _photo(photo_uuid).thumb_key is not None
