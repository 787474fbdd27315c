"""A bank past the pack's limit of 30 outlets: the league table lists the 10 highest and the 15 lowest
ranked and the outlets the pack names elsewhere, a line says exactly that and where the full list is; the
error-rate table lists the highest and the outlets of the tellers named above it."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from core.extensions import db
from org.models import Outlet
from quarterly import extremes, pack
from reports.periods import quarter_period
from tests.quarterly.conftest import pdf_text
from tests.reports.conftest import at

Q3 = quarter_period(2026, 3)


@pytest.fixture
def large_bank(pack_bank):
    """38 more outlets with one on-site inspection each in September: 甲01–甲19 score 99.9 down to 98.1,
    above the fixed bank's two outlets (whose tellers the error section names); 甲20–甲38 score 59.9 down
    to 58.1, below them. 40 outlets, every one ranked."""
    branch_id = pack_bank.org.outlet_a.branch_id
    for number in range(1, 39):
        outlet = Outlet(branch_id=branch_id, code=f"X{number:02d}", name=f"甲{number:02d}网点")
        db.session.add(outlet)
        db.session.flush()
        percent = (100.0 if number < 20 else 60.0) - (number % 19 or 19) * 0.1
        pack_bank.inspect(f"onsite-X{number}", "onsite", outlet, at(date(2026, 9, 10)), percent)
    db.session.commit()
    return pack_bank


def test_the_league_lists_the_extremes_and_the_outlets_named_elsewhere(large_bank, app, tmp_path):
    from reports import analysis

    with app.test_request_context():
        table = analysis.content(Q3)["league"]
        text = pdf_text(pack.pdf(Q3), tmp_path)
    assert len(table) == 40 and all(row.rank for row in table)
    named = {large_bank.org.outlet_a.name, large_bank.org.outlet_b.name}
    assert {row.rank for row in table if row.name in named} == {20, 21}
    expected = {row.name for row in table if row.rank <= 10 or row.rank >= 26} | named
    assert expected == {f"甲{n:02d}网点" for n in [*range(1, 11), *range(24, 39)]} | named
    league = text[text.index("二、网点排名"):text.index("三、分项分析")]
    assert {row.name for row in table if row.name in league} == expected
    assert ("本表列出40个网点中的27个：排名前10名、排名最后15名，以及本材料其他部分提到的另外2个网点；"
            "⋯表示此处略去的网点。全部网点见网点排名页http://127.0.0.1:5000/reports/league?period=2026Q3，"
            "或BSC考核工作簿的“网点”工作表http://127.0.0.1:5000/reports/bsc.xlsx?period=2026Q3。") in league
    assert league.count("⋯") == 3  # the line, and the gaps after rank 10 and after the named outlets
    assert "下方网点排名表列有这些网点" in text and "全部网点见网点排名表" not in text


def test_the_pages_the_line_names_list_every_outlet(large_bank, client, login, users):
    login(users["admin"])
    page = client.get("/reports/league?period=2026Q3")
    assert page.status_code == 200 and all(f"甲{n:02d}网点" in page.text for n in range(1, 39))
    workbook = client.get("/reports/bsc.xlsx?period=2026Q3")
    assert workbook.status_code == 200 and workbook.mimetype.endswith("spreadsheetml.sheet")


def _outlet(number: int) -> SimpleNamespace:
    return SimpleNamespace(outlet_id=number, rank=number)


def test_the_error_rates_list_the_highest_and_the_named_outlets():
    outlets = [_outlet(n) for n in range(1, 41)]  # highest rate first
    shown = extremes.error_rows(outlets, named={3, 22, 40})
    assert [row.outlet_id for row in shown.rows] == [*range(1, 16), 22, 40]
    assert (shown.total, shown.named, shown.top, shown.gaps_before) == (40, 2, 15, {15, 16})
    small = extremes.error_rows(outlets[:30], named=set())
    assert small.complete and len(small.rows) == 30 and not small.gaps_before


def test_a_league_with_unranked_outlets_lists_them_only_when_named():
    table = [_outlet(n) for n in range(1, 36)] + [SimpleNamespace(outlet_id=99, rank=None),
                                                 SimpleNamespace(outlet_id=98, rank=None)]
    shown = extremes.league_rows(table, named={98})
    assert [row.outlet_id for row in shown.rows] == [*range(1, 11), *range(21, 36), 98]
    assert (shown.named, shown.gaps_before) == (1, {10, 25})  # 99, unranked and not named, is left out


def test_the_complaints_by_outlet_list_the_most():
    lines = [SimpleNamespace(label=f"网点{n:02d}", received=50 - n) for n in range(1, 41)]
    shown = extremes.complaint_rows(lines)
    assert [line.label for line in shown.rows] == [f"网点{n:02d}" for n in range(1, 16)]
    assert (shown.total, shown.top, shown.gaps_before) == (40, 15, {15})
    assert extremes.complaint_rows(lines[:30]).complete
