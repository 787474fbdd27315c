"""Absolute URLs come from PUBLIC_BASE_URL (or the local default), never from the request's Host:
a download with a forged Host must not print its address into the notice everyone receives."""
from __future__ import annotations

from datetime import date

import pytest

from core.config import load_config
from rectification.models import NoticeEdition
from rectification.reminders import _outlet_body
from tests.inspections.helpers import rows
from tests.rectification.helpers import flat_text
from tests.rectification.test_notices import qr_texts

FORGED = "http://evil.example"


def test_a_forged_host_changes_neither_the_stored_nor_a_rendered_notice(app, onsite, client, bearer, inspector,
                                                                         manager_a):
    uuid, _ = onsite(1)
    forged = client.get(f"/api/v1/inspections/{uuid}/notice.pdf", headers=bearer(manager_a), base_url=FORGED)
    assert forged.status_code == 200
    [edition] = rows(NoticeEdition)
    expected = f"http://127.0.0.1:{app.config['PORT']}/verify/{edition.content_hash}"
    assert qr_texts(forged.data) == [expected]
    text = flat_text(forged.data)
    assert "evil.example" not in text and expected.replace("/", "") in text.replace("/", "")
    # The edition stored by that download is what the next reader gets, byte for byte.
    again = client.get(f"/api/v1/inspections/{uuid}/notice.pdf", headers=bearer(inspector))
    assert again.data == forged.data and len(rows(NoticeEdition)) == 1


def test_the_configured_public_base_url_is_used_whatever_the_host(app, onsite, client, bearer, inspector,
                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://inspect.bank.example/svc")
    uuid, _ = onsite(1)
    pdf = client.get(f"/api/v1/inspections/{uuid}/notice.pdf", headers=bearer(inspector), base_url=FORGED).data
    [edition] = rows(NoticeEdition)
    assert qr_texts(pdf) == [f"https://inspect.bank.example/svc/verify/{edition.content_hash}"]


def test_the_reminder_mail_links_to_the_public_address(app, org, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://inspect.bank.example")
    with app.test_request_context("/", base_url=FORGED):
        text = _outlet_body([], date(2026, 3, 1))
    assert "https://inspect.bank.example/findings/?status=open" in text and "evil" not in text


def test_the_setting_must_be_an_http_address(tmp_path):
    assert load_config({"DATA_DIR": str(tmp_path), "SECRET_KEY": "k",
                        "PUBLIC_BASE_URL": "https://x.example/"})["PUBLIC_BASE_URL"] == "https://x.example"
    with pytest.raises(ValueError):
        load_config({"DATA_DIR": str(tmp_path), "SECRET_KEY": "k", "PUBLIC_BASE_URL": "x.example"})
