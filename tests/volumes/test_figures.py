"""The month's figures: errors per 10,000 transactions, ranks within the outlet and among outlets."""
from __future__ import annotations

from datetime import date

from volumes import figures
from volumes.figures import TellerFigures, error_rate, rank

OCTOBER = date(2026, 10, 1)


def test_error_rate_is_per_ten_thousand_transactions():
    assert error_rate(3, 5000) == 6.0
    assert error_rate(3, 2000) == 15.0
    assert error_rate(1, 30000) == 0.3
    assert error_rate(0, 1200) == 0.0
    assert error_rate(2, 0) is None


def _teller(number: str, errors: int, volume: int) -> TellerFigures:
    return TellerFigures(0, number, number, 1, "元和支行", volume, errors, error_rate(errors, volume))


def test_equal_figures_share_a_rank_and_the_next_place_is_skipped():
    ranked = rank([_teller("a", 1, 1000), _teller("b", 3, 5000), _teller("c", 3, 5000), _teller("d", 3, 2000)])
    assert [(row.employee_no, row.rank) for row in ranked] == [("d", 1), ("b", 2), ("c", 2), ("a", 4)]


def test_tellers_are_ranked_within_their_outlet(october):
    rows = figures.tellers(OCTOBER)
    # Outlet A's two tellers have three errors each: the higher rate (fewer transactions) comes first.
    assert [(row.employee_no, row.volume, row.errors, row.rate, row.rank) for row in rows] == [
        ("A01-2", 2000, 3, 15.0, 1), ("A01-1", 5000, 3, 6.0, 2), ("B01-1", 10000, 2, 2.0, 1)]
    assert figures.tellers(OCTOBER, [rows[-1].outlet_id]) == rows[-1:]


def test_outlets_are_compared_by_error_rate(october):
    rows = figures.outlets(OCTOBER)
    assert [(row.outlet_name, row.tellers, row.volume, row.errors, row.rate, row.rank) for row in rows] == [
        ("元和支行", 2, 7000, 6, 8.6, 1), ("黄埭支行", 1, 10000, 2, 2.0, 2)]


def test_the_breakdown_keeps_the_report_labels(october, org):
    staff = {person.employee_no: person.id for person in org.staff_a}
    details = figures.breakdown(OCTOBER, [staff["A01-2"]])
    assert details[staff["A01-2"]] == {"transactions": [("个人存取款", 2000)],
                                       "errors": [("凭证差错", 1), ("操作差错", 2)]}
