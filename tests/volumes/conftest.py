"""Helpers for the volumes tests: the month's report as a CSV with the template's Chinese headings."""
from __future__ import annotations

import pytest

HEADER = "月份,工号,类别,项目,笔数"


def report(*rows: tuple) -> bytes:
    return "\n".join([HEADER, *(",".join(str(cell) for cell in row) for row in rows)]).encode()


# October 2026: outlet A's tellers 5,000 and 2,000 transactions with 3 and 3 errors; outlet B's first 10,000 with 2.
OCTOBER = (
    ("2026-10", "A01-1", "业务量", "个人存取款", 4000), ("2026-10", "A01-1", "业务量", "对公结算", 1000),
    ("2026-10", "A01-1", "差错", "操作差错", 3),
    ("2026-10", "A01-2", "业务量", "个人存取款", 2000), ("2026-10", "A01-2", "差错", "操作差错", 2),
    ("2026-10", "A01-2", "差错", "凭证差错", 1),
    ("2026-10", "B01-1", "业务量", "转账汇款", 10000), ("2026-10", "B01-1", "差错", "操作差错", 2),
)


@pytest.fixture
def october(org, users, db):
    from volumes import importing

    importing.import_counts("october.csv", report(*OCTOBER), users["admin"])
    db.session.commit()
