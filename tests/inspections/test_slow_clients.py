"""Phones on a weak network: a body that trickles in holds up no one else, and a body is neither read
nor parsed for a caller who has not logged in, nor beyond its endpoint's cap. Real sockets, real server."""
from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from urllib.parse import urlsplit

import pytest

from core import db as core_db
from tests.factories import jpeg
from tests.inspections.helpers import draft_body, full_answers, http_request, new_uuid, sha256


def start_request(base_url: str, method: str, path: str, headers: dict, first_bytes: bytes) -> socket.socket:
    """Send the request line, the headers and only the first bytes of the body."""
    address = urlsplit(base_url).netloc
    host, port = address.split(":")
    connection = socket.create_connection((host, int(port)), timeout=10)
    head = f"{method} {path} HTTP/1.1\r\nHost: {address}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    connection.sendall(head.encode() + b"\r\n" + first_bytes)
    return connection


def status_of(connection: socket.socket, timeout: float) -> int:
    connection.settimeout(timeout)
    received = b""
    while b"\r\n" not in received:
        chunk = connection.recv(4096)
        if not chunk:
            break
        received += chunk
    return int(received.split(b" ", 2)[1])


def timed(call) -> tuple[float, tuple]:
    started = time.monotonic()
    result = call()
    return time.monotonic() - started, result


def test_a_slow_upload_holds_up_no_one_else(org, custom, bearer, live_server):
    inspector, other = org.user("inspector"), org.user("inspector", "inspector2")
    mine, theirs = bearer(inspector), bearer(other)
    uuid, photo_uuid = new_uuid(), new_uuid()
    answers = full_answers(custom, tidy={"value": "fail", "photo_ids": [photo_uuid]})
    body = json.dumps(draft_body(custom, org.outlet_a, answers)).encode()
    json_headers = {"Content-Type": "application/json"}
    org.db.session.commit()
    assert http_request(live_server, "PUT", f"/api/v1/inspections/{uuid}", body=body,
                        headers={**mine, **json_headers})[0] == 201
    photo = jpeg()
    half = len(photo) // 2
    slow = start_request(live_server, "PUT", f"/api/v1/inspections/{uuid}/photos/{photo_uuid}",
                         {**mine, "Content-Type": "image/jpeg", "Content-Length": str(len(photo)),
                          "X-Content-SHA256": sha256(photo)}, photo[:half])
    try:
        time.sleep(0.3)  # the slow request is authenticated and waiting for the rest of its body
        seconds, (status, *_) = timed(lambda: http_request(live_server, "GET", "/api/v1/auth/me", headers=theirs))
        assert status == 200 and seconds < 2
        other_body = json.dumps(draft_body(custom, org.outlet_b, full_answers(custom))).encode()
        seconds, (status, *_) = timed(lambda: http_request(live_server, "PUT", f"/api/v1/inspections/{new_uuid()}",
                                                           body=other_body, headers={**theirs, **json_headers}))
        assert status == 201 and seconds < 2  # a write too
        slow.sendall(photo[half:])
        assert status_of(slow, timeout=10) == 201
    finally:
        slow.close()


def test_a_body_from_a_caller_not_logged_in_is_refused_before_it_is_read(org, live_server):
    org.db.session.commit()
    huge = str(20 * 1024 * 1024)
    for path, content_type in ((f"/api/v1/inspections/{new_uuid()}", "application/json"),
                               (f"/api/v1/inspections/{new_uuid()}/photos/{new_uuid()}", "image/jpeg"),
                               ("/api/v1/findings/1/responses", "application/json")):
        connection = start_request(live_server, "PUT" if "inspections" in path else "POST", path,
                                   {"Content-Type": content_type, "Content-Length": huge}, b'{"answers": [')
        try:
            seconds, status = timed(lambda connection=connection: status_of(connection, timeout=5))
        finally:
            connection.close()
        assert status == 401 and seconds < 2, path
    page = start_request(live_server, "POST", "/admin/outlets/import",
                         {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": huge}, b"--x\r\n")
    try:
        assert status_of(page, timeout=5) == 302  # to the login page, without reading the upload
    finally:
        page.close()


def test_each_endpoint_refuses_a_body_beyond_its_cap_before_reading_it(app, org, bearer, live_server):
    headers = bearer(org.user("inspector"))
    org.db.session.commit()
    form_cap, photo_cap = app.config["MAX_FORM_BYTES"], app.config["PHOTO_MAX_BYTES"]
    cases = [("PUT", f"/api/v1/inspections/{new_uuid()}", "application/json", form_cap + 70_000),
             ("PUT", f"/api/v1/inspections/{new_uuid()}/photos/{new_uuid()}", "image/jpeg", photo_cap + 70_000)]
    for method, path, content_type, length in cases:
        connection = start_request(live_server, method, path,
                                   {**headers, "Content-Type": content_type, "Content-Length": str(length)}, b"{")
        try:
            assert status_of(connection, timeout=5) == 413, path
        finally:
            connection.close()
    # Within the caps, the same endpoints read the body as usual.
    assert http_request(live_server, "PUT", f"/api/v1/inspections/{new_uuid()}", body=b"{}",
                        headers={**headers, "Content-Type": "application/json"})[0] == 422


@pytest.mark.skipif(bool(os.environ.get("TEST_ON_POSTGRES")), reason="SQLite's single writer queue")
def test_a_writer_that_waited_too_long_is_told_to_try_again(app, org, custom, bearer, sync, monkeypatch):
    headers = bearer(org.user("inspector"))
    org.db.session.commit()
    monkeypatch.setattr(core_db, "BUSY_TIMEOUT_SECONDS", 0.2)
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    held = os.open(f"{database}-writers", os.O_RDWR)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process's long write
        response = sync.put(new_uuid(), draft_body(custom, org.outlet_a, full_answers(custom)), headers)
        reading = sync.client.get("/api/v1/auth/me", headers=headers)
    finally:
        os.close(held)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.get_json()["message"] == "服务繁忙，请稍后再试。"
    assert reading.status_code == 200  # reads do not queue at all
