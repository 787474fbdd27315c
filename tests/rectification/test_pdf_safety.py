"""The PDF renderer reads only the project's own media and static files: markup typed by users is
printed as text, and no URL it names (local files, cloud metadata, local ports) is ever fetched."""
from __future__ import annotations

import base64
import select
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from core import pdf as core_pdf
from core.pdf import BASE_URL, ProjectOnlyFetcher, RefusedResource, render_pdf
from core.storage import storage
from rectification.models import Finding
from tests.factories import jpeg
from tests.inspections.helpers import new_uuid, rows
from tests.rectification.helpers import flat_text

HOSTILE = ('<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/hostname"> '
           '<img src="http://169.254.169.254/latest/meta-data/">')
HOSTILE_FLAT = [tag.replace(" ", "") for tag in ('<img src="file:///etc/passwd">',
                                                   '<link rel="attachment" href="file:///etc/hostname">',
                                                   '<img src="http://169.254.169.254/latest/meta-data/">')]


def attachments(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, check=True,
                              timeout=60).stdout.decode()


@pytest.fixture
def fetch_spy(monkeypatch):
    """Every URL any ProjectOnlyFetcher is asked for, and the fetchers themselves."""
    requested: list[str] = []
    fetchers: list[ProjectOnlyFetcher] = []
    original = ProjectOnlyFetcher.fetch

    def spy(self, url, headers=None):
        requested.append(url)
        if self not in fetchers:
            fetchers.append(self)
        return original(self, url, headers)

    monkeypatch.setattr(core_pdf.ProjectOnlyFetcher, "fetch", spy)
    return requested, fetchers


def test_markup_in_notes_and_responses_is_printed_as_text_and_nothing_is_fetched(
        onsite, client, bearer, inspector, manager_a, fetch_spy):
    requested, fetchers = fetch_spy
    uuid, _ = onsite(1, notes={"facility_queue_machine": f"叫号机故障 {HOSTILE}",
                               "lobby_greeting": f"备注 {HOSTILE}"})
    [finding] = rows(Finding)
    assert HOSTILE in finding.note
    outlet = bearer(manager_a)
    after = new_uuid()
    assert client.put(f"/api/v1/findings/{finding.id}/photos/{after}", data=jpeg(), headers=outlet,
                      content_type="image/jpeg").status_code == 201
    assert client.post(f"/api/v1/findings/{finding.id}/responses", headers=outlet,
                       json={"text": f"已修复 {HOSTILE}", "photo_ids": [after]}).status_code == 201
    assert client.post(f"/api/v1/findings/{finding.id}/verification", headers=bearer(inspector),
                       json={"accepted": True}).status_code == 201

    notice = client.get(f"/api/v1/inspections/{uuid}/notice.pdf", headers=bearer(inspector))
    report = client.get(f"/api/v1/inspections/{uuid}/report.pdf", headers=bearer(inspector))
    assert notice.status_code == report.status_code == 200

    notice_text, report_text = flat_text(notice.data), flat_text(report.data)
    for tag in HOSTILE_FLAT:
        assert notice_text.count(tag) == 2, tag  # the inspector's note and the outlet's response
        assert report_text.count(tag) == 2, tag  # the failing item's note and the passing item's note
    assert attachments(notice.data).startswith("0 embedded files")
    assert attachments(report.data).startswith("0 embedded files")

    # The spy saw the renderers at work (photos and the QR code), and only ever project URLs.
    assert len(fetchers) == 2
    assert any(url.startswith(BASE_URL + "media/") for url in requested)
    outside = [url for url in requested if not url.startswith(BASE_URL) and not url.startswith("data:image/svg+xml")]
    assert outside == []
    assert not any(word in url for url in requested for word in ("passwd", "hostname", "169.254"))
    for fetcher in fetchers:
        assert fetcher.refused == []
        assert fetcher.served and all(url.startswith(BASE_URL + "media/") for url in fetcher.served)


def test_a_local_port_named_in_html_is_never_contacted(app):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        base = f"http://127.0.0.1:{listener.getsockname()[1]}"
        svg = base64.b64encode(f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                               f'<image href="{base}/in-svg.png" width="10" height="10"/></svg>'.encode()).decode()
        html = (f'<html><head><link rel="stylesheet" href="{base}/style.css">'
                f'<link rel="attachment" href="{base}/attachment.txt"></head>'
                f'<body><p>探测</p><img src="{base}/probe.png">'
                f'<div style="background: url({base}/background.png); height: 20px">x</div>'
                f'<img src="data:image/svg+xml;base64,{svg}"></body></html>')
        fetcher = ProjectOnlyFetcher(storage())
        pdf = render_pdf(html, fetcher=fetcher)
        readable, _, _ = select.select([listener], [], [], 0.5)
        assert readable == [], "the renderer connected to the local listener"
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert pdf.startswith(b"%PDF-") and "探测" in flat_text(pdf)
    for name in ("probe.png", "style.css", "attachment.txt", "background.png", "in-svg.png"):
        assert f"{base}/{name}" in fetcher.refused, name
    assert all(url.startswith("data:image/svg+xml") for url in fetcher.served)


def test_local_files_traversal_and_html_data_urls_are_refused(app):
    secret = Path(app.config["DATA_DIR"]) / "secret_key"
    assert secret.is_file()
    html = ('<html><head><link rel="attachment" href="file:///etc/passwd">'
            '<link rel="attachment" href="media/../secret_key">'
            '<link rel="attachment" href="static/../../core/config.py"></head><body><p>正文</p>'
            '<img src="file:///etc/passwd">'
            '<img src="media/../../secret_key">'
            '<img src="static/../app.py">'
            '<img src="static/%2e%2e/app.py">'
            '<img src="data:text/html,%3Ch1%3Ehello%3C/h1%3E">'
            '<object data="data:text/html;base64,PGgxPmhlbGxvPC9oMT4=" type="text/html"></object>'
            '<img src="static/pwa/icons/icon-192.png"></body></html>')
    fetcher = ProjectOnlyFetcher(storage())
    pdf = render_pdf(html, fetcher=fetcher)
    assert attachments(pdf).startswith("0 embedded files")
    assert fetcher.served == [BASE_URL + "static/pwa/icons/icon-192.png"]  # the one project file
    refused = fetcher.refused
    assert "file:///etc/passwd" in refused
    assert BASE_URL + "secret_key" in refused  # media/../secret_key, resolved against the base
    assert BASE_URL + "core/config.py" in refused
    assert BASE_URL + "app.py" in refused
    assert BASE_URL + "static/%2e%2e/app.py" in refused
    assert any(url.startswith("data:text/html,") for url in refused)
    assert any(url.startswith("data:text/html;base64,") for url in refused)
    assert secret.read_text().strip().encode() not in pdf

    # Paths that keep their `..` (a fetcher asked directly, without a browser's URL resolution).
    direct = ProjectOnlyFetcher(storage())
    for url in (BASE_URL + "static/../app.py", BASE_URL + "static/pwa/../../core/config.py",
                BASE_URL + "media/../secret_key", BASE_URL + "media//etc/passwd", BASE_URL + "media/../../etc/passwd",
                BASE_URL + "static/", "file:///etc/passwd", "data:text/html,<b>x</b>", "ftp://127.0.0.1/x"):
        with pytest.raises(RefusedResource):
            direct.fetch(url)
        assert direct.refused[-1] == url
    assert direct.served == []
