"""The report commands for cron and the shell."""
from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import select

from reports.models import ServiceList


def test_prepare_lists_drafts_the_branch_and_every_outlet(bank, runner, db):
    result = runner.invoke(args=["reports", "prepare-lists", "--month", "2026-09", "--as", "admin"])
    assert result.exit_code == 0, result.output
    lists = db.session.execute(select(ServiceList.scope_key, ServiceList.status)).all()
    assert sorted(lists) == sorted([(f"branch:{bank.org.branch.id}", "draft"),
                                    (f"outlet:{bank.org.outlet_a.id}", "draft"),
                                    (f"outlet:{bank.org.outlet_b.id}", "draft")])
    refused = runner.invoke(args=["reports", "prepare-lists", "--month", "2026-09", "--as", "viewer"])
    assert refused.exit_code != 0 and "not an admin" in refused.output


def test_bsc_and_analysis_files(bank, runner, tmp_path):
    workbook = tmp_path / "bsc.xlsx"
    result = runner.invoke(args=["reports", "bsc", "--period", "2026-09", "--output", str(workbook)])
    assert result.exit_code == 0, result.output
    outlets = list(load_workbook(workbook)["网点"].iter_rows(values_only=True))
    assert [row[0] for row in outlets[2:]] == ["B01", "A01"]
    pdf = tmp_path / "analysis.pdf"
    result = runner.invoke(args=["reports", "analysis", "--quarter", "2026Q3", "--output", str(pdf)])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
