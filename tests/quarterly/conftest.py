"""The quarterly pack's tests build on the reports' fixed bank (Q3 2026) and add the quarter's survey
results and teller counts, each figure chosen so that the pack's can be worked out by hand."""
from __future__ import annotations

import re
import subprocess

import pytest

from satisfaction.models import SurveyResult
from tests.reports.conftest import api_as, bank, versions  # noqa: F401  (the fixed bank and its callers)
from tests.support import fresh_request_globals  # noqa: F401  (autouse)

HEADER = "月份,工号,类别,项目,笔数"
# Q3 2026: outlet 元和支行 (A01) 12,000 transactions and 6 errors, 黄埭支行 (B01) 20,000 and 7; September
# not imported. Per teller: B01-1 20,000 / 7 (3.5), A01-1 10,000 / 4 (4.0), A01-2 2,000 / 2 (10.0).
COUNTS = (
    ("2026-07", "A01-1", "业务量", "个人存取款", 5000), ("2026-07", "A01-1", "差错", "操作差错", 3),
    ("2026-07", "A01-2", "业务量", "个人存取款", 2000), ("2026-07", "A01-2", "差错", "凭证差错", 2),
    ("2026-07", "B01-1", "业务量", "转账汇款", 10000), ("2026-07", "B01-1", "差错", "操作差错", 2),
    ("2026-08", "A01-1", "业务量", "个人存取款", 4000), ("2026-08", "A01-1", "业务量", "对公结算", 1000),
    ("2026-08", "A01-1", "差错", "操作差错", 1),
    ("2026-08", "B01-1", "业务量", "转账汇款", 10000), ("2026-08", "B01-1", "差错", "操作差错", 5),
)


def result(period: str, segment: str, score: float, rank: int, worst=(), outlet=None) -> SurveyResult:
    return SurveyResult(period=period, segment=segment, score=score, system_rank=rank, ranked_units=42,
                        outlet_id=outlet.id if outlet else None, worst_items=list(worst))


@pytest.fixture
def pack_bank(bank, users, db):  # noqa: F811  (the fixture imported above)
    """The fixed bank with Q3's volumes and survey results: corporate clients 93.4, 4th (7th in Q2); the
    lobby 89.2, 8th; high-end clients surveyed monthly only, 90.6 and 9th in August; an outlet's own
    result (77.7) that the sub-branch's figures leave out."""
    from volumes import importing

    report = "\n".join([HEADER, *(",".join(map(str, row)) for row in COUNTS)]).encode()
    importing.import_counts("q3.csv", report, users["admin"])
    db.session.add_all([
        result("2026-Q2", "corporate", 92.8, 7), result("2026-Q3", "corporate", 93.4, 4, ["客户经理响应慢"]),
        result("2026-Q3", "lobby", 89.2, 8, ["叫号等候时间长", "大堂引导不主动"]),
        result("2026-07", "high_end_personal", 91.5, 6), result("2026-08", "high_end_personal", 90.6, 9),
        result("2026-Q3", "lobby", 77.7, 30, ["网点自己的事项"], outlet=bank.org.outlet_a),
    ])
    db.session.commit()
    return bank


def pdf_text(data: bytes, tmp_path, name: str = "pack.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", text)
