"""The month's publication as it is posted (每月公布): a PDF read back with pdftotext, in the reader's scope."""
from __future__ import annotations

import subprocess

import pytest


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_leadership_prints_the_months_tellers_and_outlets(october, users, login, client):
    login(users["viewer"])
    page = client.get("/reports/volumes?month=2026-10").get_data(as_text=True)
    assert "/reports/volumes/2026-10.pdf" in page
    response = client.get("/reports/volumes/2026-10.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    assert "2026年10月员工业务量与差错情况" in text.replace(" ", "") and "网点之间对比" in text and "同网点柜员之间对比" in text
    assert "A01-1" in text and "A01-2" in text and "B01-1" in text
    assert text.index("元和支行") < text.index("黄埭支行")  # the higher error rate first


def test_an_outlet_manager_prints_only_the_own_tellers(october, users, login, client):
    login(users["outlet_manager"])
    text = _text(client.get("/reports/volumes/2026-10.pdf").data)
    assert "A01-1" in text and "B01-1" not in text
    assert "黄埭支行" in text  # the outlets compared, as on the page


@pytest.mark.parametrize("role", ("inspector", "remote_monitor", "mystery_shopper"))
def test_the_refused_roles_get_no_pdf(october, users, login, client, role):
    login(users[role])
    assert client.get("/reports/volumes/2026-10.pdf").status_code == 403


def test_a_month_that_is_not_one_is_not_found(users, login, client):
    login(users["viewer"])
    assert client.get("/reports/volumes/2026-13.pdf").status_code == 404
