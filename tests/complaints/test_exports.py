"""The ledger's files: the reader's scope and filters, every row, the customer masked for everyone — the handler
too — in XLSX, CSV and the PDF (read back with pdftotext)."""
from __future__ import annotations

import io
import subprocess

import pytest
from openpyxl import load_workbook

from complaints import operations


def _intake(org, outlet, **changes):
    return {"outlet_id": outlet.id, "channel": "walk_in", "category": "attitude", "customer_name": "陈美华",
            "customer_phone": "13812345678", "description": "态度生硬", "request": "要求道歉", **changes}


@pytest.fixture
def ledger(org, users, db):
    operations.receive(_intake(org, org.outlet_a), users["outlet_manager"])
    operations.receive(_intake(org, org.outlet_b, customer_name="欧阳建国", customer_phone="13900001111"),
                       users["admin"])
    db.session.commit()


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout \
        .decode()


@pytest.mark.parametrize("extension", ["xlsx", "csv", "pdf"])
def test_every_export_masks_the_customer_even_for_the_handler(ledger, users, client, login, extension):
    login(users["outlet_manager"])  # the handler of outlet A's complaint
    response = client.get(f"/complaints/ledger.{extension}", headers={"Accept-Language": "zh"})
    assert response.status_code == 200
    if extension == "xlsx":
        sheet = load_workbook(io.BytesIO(response.data)).active
        text = "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)
    elif extension == "csv":
        text = response.data.decode("utf-8-sig")
    else:
        text = pdf_text(response.data)
    assert "陈**" in text and "138****5678" in text
    assert "陈美华" not in text and "13812345678" not in text
    assert "欧阳" not in text  # outlet B's complaint is not the outlet manager's to see
    assert "服务态度" in text.replace("\n", "").replace(" ", "") or "服务态" in text
    assert "attitude" not in text and "Complaint" not in text


def test_leadership_exports_both_outlets_filtered(ledger, users, org, client, login):
    login(users["viewer"])
    everything = client.get("/complaints/ledger.csv").data.decode("utf-8-sig")
    assert "欧**" in everything and "陈**" in everything
    only_b = client.get(f"/complaints/ledger.csv?outlet_id={org.outlet_b.id}").data.decode("utf-8-sig")
    assert "欧**" in only_b and "陈**" not in only_b
    assert client.get("/complaints/ledger.csv?period=yesterday").status_code == 400
    ledger_page = client.get(f"/complaints/?outlet_id={org.outlet_b.id}&page=1").get_data(as_text=True)
    assert f"/complaints/ledger.pdf?outlet_id={org.outlet_b.id}" in ledger_page and "page=1" not in ledger_page.split(
        "ledger.pdf")[1][:30]


@pytest.mark.parametrize("role", ["inspector", "remote_monitor", "mystery_shopper"])
def test_roles_outside_the_ledger_get_no_file(ledger, users, client, login, role):
    login(users[role])
    assert client.get("/complaints/ledger.pdf").status_code == 403


def test_the_audit_log_keeps_the_customer_masked(ledger, users, db):
    from core.audit import AuditEntry

    entries = db.session.query(AuditEntry).filter(AuditEntry.action == "complaint.receive").all()
    dumped = " ".join(str(entry.changes) for entry in entries)
    assert "陈美华" not in dumped and "13812345678" not in dumped and "陈**" in dumped
