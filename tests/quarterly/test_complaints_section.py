"""The pack's complaints section from the ledger: counts by category and outlet, the closure rate against
the plan's 100%, overdue steps, working days to close, repeat complaints; customers are never named."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from complaints.models import Complaint
from quarterly import complaint_figures, pack
from reports.periods import quarter_period
from tests.quarterly.conftest import pdf_text

Q3 = quarter_period(2026, 3)


def complaint(bank, n: int, outlet, category: str, received: date, status: str, *, phone: str = "",
              closed: date | None = None, step_due: date = date(2027, 1, 4), upheld=None) -> Complaint:
    return Complaint(year=received.year, sequence=n, number=f"TS-{n:04d}", level="outlet",
                     branch_id=bank.org.branch.id, outlet_id=outlet.id, channel="hotline", category=category,
                     customer_name="欧阳秀英", customer_phone=phone, description="柜面办理时间过长",
                     status=status, received_on=received, step_due_on=step_due, due_on=step_due, upheld=upheld,
                     closed_at=datetime.combine(closed, datetime.min.time(), UTC).replace(hour=6) if closed else None)


@pytest.fixture
def ledger(pack_bank, db):
    """Q3: 元和支行 twice about the service attitude, from the same phone, both closed (Mon 6 Jul to Fri 10
    Jul: 4 working days; Mon 3 Aug to Wed 5 Aug: 2); 黄埭支行 once about waiting, acknowledged and past its
    step's deadline, once about fees, just received. October's complaint belongs to Q4."""
    a, b = pack_bank.org.outlet_a, pack_bank.org.outlet_b
    db.session.add_all([
        complaint(pack_bank, 1, a, "attitude", date(2026, 7, 6), "closed", phone="13812345678",
                  closed=date(2026, 7, 10), upheld=True),
        complaint(pack_bank, 2, a, "attitude", date(2026, 8, 3), "closed", phone="13812345678",
                  closed=date(2026, 8, 5), upheld=False),
        complaint(pack_bank, 3, b, "waiting", date(2026, 9, 1), "acknowledged", phone="13987654321",
                  step_due=date(2026, 9, 10)),
        complaint(pack_bank, 4, b, "fees", date(2026, 9, 20), "received"),
        complaint(pack_bank, 5, b, "fees", date(2026, 10, 8), "received"),
    ])
    db.session.commit()
    return pack_bank


def test_the_quarters_complaint_figures(ledger):
    figures = complaint_figures.section(Q3)
    total = figures.total
    assert (total.received, total.closed, total.closure_rate, total.overdue, total.mean_days_to_close) == (
        4, 2, 50.0, 1, 3.0)
    assert (figures.upheld, figures.repeat_customers) == (1, 1)
    assert [(line.label, line.received, line.closure_rate) for line in figures.by_outlet] == [
        ("黄埭支行", 2, 0.0), ("元和支行", 2, 100.0)]
    assert [(r.outlet_name, r.complaints) for r in figures.repeat_at_outlets] == [("元和支行", 2)]


def test_the_pack_shows_them_without_the_customers(ledger, app, tmp_path):
    with app.test_request_context():
        text = pdf_text(pack.pdf(Q3), tmp_path)
    for expected in ("八、金融消费者投诉", "受理件数办结率逾期未办450.0%1属实1件·升级0件目标100%·已办结2件件",
                     "平均办结工作日重复投诉3.01个工作日位客户本季度投诉不止一次", "服务态度22100.0%03.0", "等候时间100.0%1—", "收费定价100.0%0—",
                     "各类别投诉件数", "黄埭支行200.0%1—", "元和支行22100.0%03.0", "同一网点同类投诉多次",
                     "元和支行服务态度", "十、说明", "办结率为已办结件数占受理件数的比例（方案目标：100%）"):
        assert expected in text, expected
    for secret in ("欧阳秀英", "13812345678", "5678", "13987654321", "柜面办理时间过长"):
        assert secret not in text
