"""BSC service points out of 4 and their XLSX and CSV exports, read back.

Staff: 4 − 0.1 per point deducted in the period. September deductions: A1 0, A2 4, A3 3, B1 1, B2 13, B3 3.
Outlets: 4 × (0.8 × league score + 0.2 × closure rate) / 100:
A 4 × (0.8 × 90.23 + 0.2 × 66.7) / 100 = 3.42; B 4 × (0.8 × 92 + 0.2 × 75) / 100 = 3.54."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from reports import bsc, operations
from reports.periods import month_period

STAFF_POINTS = {"A1": 4.0, "A2": 3.6, "A3": 3.7, "B1": 3.9, "B2": 2.7, "B3": 3.7}


def _staff(bank, rows):
    names = {person.id: name for name, person in bank.people.items()}
    return {names[row.summary.staff_id]: row.points for row in rows if row.summary.staff_id in names}


def test_staff_and_outlet_points(bank):
    september = month_period(2026, 9)
    assert _staff(bank, bsc.staff_points(september)) == STAFF_POINTS
    outlets = {row.row.code: row.points for row in bsc.outlet_points(september)}
    assert outlets == {"A01": 3.42, "B01": 3.54}


def test_points_never_go_below_zero_and_follow_the_rules(bank, users):
    operations.update_rules({"bsc_points_per_deduction": 0.5, "bsc_outlet_closure_weight": 0}, users["admin"])
    september = month_period(2026, 9)
    points = _staff(bank, bsc.staff_points(september))
    assert points["B2"] == 0.0 and points["A2"] == 2.0  # 4 − 0.5 × 13 < 0; 4 − 0.5 × 4
    assert {row.row.code: row.points for row in bsc.outlet_points(september)} == {"A01": 3.61, "B01": 3.68}


def test_the_xlsx_export_reads_back(bank, api_as):
    response = api_as("viewer", "GET", "/bsc.xlsx?period=2026-09")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "bsc-2026-09.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["员工", "网点"]
    staff = list(workbook["员工"].iter_rows(values_only=True))
    assert "2026-09" in staff[0][0]
    header = staff[1]
    assert header[0] == "工号" and header[-1] == "BSC得分（满分4）"
    by_number = {row[0]: row for row in staff[2:]}
    a2 = by_number[bank.people["A2"].employee_no]
    assert (a2[1], a2[3], a2[5], a2[6], a2[8], a2[9], a2[10], a2[11], a2[12], a2[13]) == (
        "李志强", "元和支行", 10, 8, 1, 1, 0, 0, 4, 3.6)
    assert (header[10], header[11]) == ("差错", "属实投诉")
    outlets = list(workbook["网点"].iter_rows(values_only=True))
    assert [row[0] for row in outlets[2:]] == ["B01", "A01"]
    assert outlets[2][2:] == (1, 92.0, 33, 4, 75.0, 3.54)  # 1 on-site + 1 7S + 30 remote + 1 mystery


def test_the_csv_export_reads_back(bank, api_as):
    response = api_as("admin", "GET", "/bsc.csv?period=2026-09&scope=staff")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "工号"
    points = {row[0]: float(row[-1]) for row in rows[1:]}
    assert points == {bank.people[name].employee_no: value for name, value in STAFF_POINTS.items()}
    outlets = api_as("admin", "GET", "/bsc.csv?period=2026-09&scope=outlet")
    outlet_rows = list(csv.reader(io.StringIO(outlets.data.decode("utf-8-sig"))))
    assert [row[0] for row in outlet_rows[1:]] == ["B01", "A01"] and outlet_rows[2][-1] == "3.42"


def test_english_headers_on_request(bank, api_as):
    rows = list(csv.reader(io.StringIO(api_as("admin", "GET", "/bsc.csv?period=2026-09&lang=en").data.decode("utf-8-sig"))))
    assert rows[0][0] == "Employee number" and rows[0][-1] == "BSC points (of 4)"


def test_the_quarter_sums_its_months(bank, api_as):
    body = api_as("admin", "GET", "/bsc?period=2026Q3").get_json()
    points = {row["employee_no"]: row["points"] for row in body["staff"]}
    assert points[bank.people["B2"].employee_no] == 2.7 and body["max_points"] == 4.0


FORMULA_NAME = '=HYPERLINK("http://evil.example/x","点我")'


def test_a_name_written_as_a_formula_stays_text_in_both_exports(bank, api_as, db):
    bank.people["A2"].name = FORMULA_NAME
    bank.people["A3"].name = "+1+2"
    db.session.commit()
    rows = list(csv.reader(io.StringIO(api_as("admin", "GET", "/bsc.csv?period=2026-09&scope=staff")
                                       .data.decode("utf-8-sig"))))
    names = {row[0]: row[1] for row in rows[1:]}
    assert names[bank.people["A2"].employee_no] == "'" + FORMULA_NAME
    assert names[bank.people["A3"].employee_no] == "'+1+2"
    workbook = load_workbook(io.BytesIO(api_as("admin", "GET", "/bsc.xlsx?period=2026-09").data))
    cells = {row[0].value: row[1] for row in workbook["员工"].iter_rows(min_row=3)}
    formula_cell = cells[bank.people["A2"].employee_no]
    assert formula_cell.value == FORMULA_NAME and formula_cell.data_type == "s"
