"""The month's report: checked row by row, all or nothing, a month imported again replaced whole."""
from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.errors import OperationError
from tests.volumes.conftest import OCTOBER, report
from volumes import importing
from volumes.models import ERRORS, TRANSACTIONS, TellerCount


def stored(db) -> dict:
    rows = db.session.execute(select(TellerCount)).scalars()
    return {(row.month.isoformat()[:7], row.staff.employee_no, row.measure, row.label): row.count for row in rows}


def test_a_csv_report_is_stored_with_its_own_labels_and_audited(org, users, db):
    result = importing.import_counts("october.csv", report(*OCTOBER), users["admin"])
    assert result == {"months": ["2026-10"], "rows": 8, "replaced": 0}
    counts = stored(db)
    assert counts[("2026-10", "A01-1", TRANSACTIONS, "对公结算")] == 1000
    assert counts[("2026-10", "A01-2", ERRORS, "凭证差错")] == 1
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "teller_count.import")).scalar_one()
    assert entry.actor_id == users["admin"].id


def test_the_template_filled_in_imports_as_xlsx(org, users, db):
    book = load_workbook(io.BytesIO(importing.template_workbook()))
    sheet = book.active
    assert [cell.value for cell in sheet[1]] == ["月份", "工号", "类别", "项目", "笔数"]
    sheet.delete_rows(2, sheet.max_row)
    sheet.append(["2026-11", "B01-2", "业务量", "开户", 75])
    sheet.append(["2026-11", "B01-2", "差错", "操作差错", 0])
    output = io.BytesIO()
    book.save(output)
    importing.import_counts("november.xlsx", output.getvalue(), users["admin"])
    assert stored(db) == {("2026-11", "B01-2", TRANSACTIONS, "开户"): 75, ("2026-11", "B01-2", ERRORS, "操作差错"): 0}


def test_row_errors_name_row_and_column_in_chinese_and_nothing_is_written(org, users, db):
    rows = [OCTOBER[0], ("2026-10", "X99", "业务量", "开户", 5), ("2026-10", "A01-3", "业务量", "开户", 5),
            ("2026-10", "A01-1", "差错", "操作差错", -2), ("2026-13", "A01-1", "业务量", "开户", 5),
            ("2026-10", "A01-1", "投诉", "开户", 5)]
    with force_locale("zh"), pytest.raises(OperationError) as refused:
        importing.import_counts("bad.csv", report(*rows), users["admin"])
    errors = refused.value.errors
    assert refused.value.status == 422 and refused.value.message == "有 5 行出错，未导入任何内容。"
    assert set(errors) == {"row 3", "row 4", "row 5", "row 6", "row 7"}
    assert errors["row 3"] == ["第 3 行 工号 列：没有工号为“X99”的柜员。"]
    assert "工号" in errors["row 4"][0]  # a lobby manager is no teller
    assert errors["row 5"] == ["第 5 行 笔数 列：须为不小于0的整数。"]
    assert errors["row 6"] == ["第 6 行 月份 列：不是有效月份，请写成2026-10。"]
    assert "类别" in errors["row 7"][0]
    assert db.session.execute(select(func.count()).select_from(TellerCount)).scalar_one() == 0


def test_a_line_given_twice_is_refused(org, users, db):
    with pytest.raises(OperationError) as refused:
        importing.import_counts("twice.csv", report(OCTOBER[0], OCTOBER[0]), users["admin"])
    assert list(refused.value.errors) == ["row 3"]


def test_a_file_missing_a_column_is_refused(org, users, db):
    with force_locale("zh"), pytest.raises(OperationError) as refused:
        importing.import_counts("short.csv", b"\xe6\x9c\x88\xe4\xbb\xbd,\xe5\xb7\xa5\xe5\x8f\xb7\n2026-10,A01-1\n",
                                users["admin"])
    assert refused.value.status == 400 and "类别" in refused.value.message


def test_importing_a_month_again_replaces_that_month_only(org, users, db):
    importing.import_counts("october.csv", report(*OCTOBER), users["admin"])
    importing.import_counts("september.csv", report(("2026-09", "A01-1", "业务量", "其他", 7)), users["admin"])
    result = importing.import_counts("october-corrected.csv", report(("2026-10", "A01-1", "差错", "操作差错", 1)),
                                     users["admin"])
    assert result == {"months": ["2026-10"], "rows": 1, "replaced": 8}
    assert stored(db) == {("2026-09", "A01-1", TRANSACTIONS, "其他"): 7, ("2026-10", "A01-1", ERRORS, "操作差错"): 1}


def test_an_excel_month_cell_is_read_as_its_month(org, users, db):
    from datetime import datetime

    book = Workbook()
    book.active.append(["月份", "工号", "类别", "项目", "笔数"])
    book.active.append([datetime(2026, 8, 1), "A01-2", "业务量", "开户", 3])
    output = io.BytesIO()
    book.save(output)
    importing.import_counts("august.xlsx", output.getvalue(), users["admin"])
    assert stored(db) == {("2026-08", "A01-2", TRANSACTIONS, "开户"): 3}
