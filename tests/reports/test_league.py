"""The outlet league table from the fixed bank. Weights 35 on-site : 20 7S : 25 remote : 20 mystery over
the kinds an outlet had.

September. A: on-site 90, 7S 80, remote (14 × 100 + 8 × 100 + 2 × 85) / 24 = 98.75 (A1's Oct 1 check is
October's) → (90·35 + 80·20 + 98.75·25) / 80 = 90.234 → 90.23.
B: on-site 95, 7S 90, remote (29 × 100 + 70) / 30 = 99, mystery 80 → (95·35 + 90·20 + 99·25 + 80·20) / 100 = 92.
August: A on-site 95, B on-site 85."""
from __future__ import annotations

from reports import operations, rankings
from reports.periods import month_period, quarter_period


def _rows(bank, period, **kwargs):
    names = {bank.org.outlet_a.id: "A", bank.org.outlet_b.id: "B"}
    return {names[row.outlet_id]: row for row in rankings.league(period, **kwargs)}


def test_september_scores_ranks_and_trend(bank):
    rows = _rows(bank, month_period(2026, 9))
    a, b = rows["A"], rows["B"]
    assert (a.score, a.rank, a.previous_score, a.previous_rank) == (90.23, 2, 95.0, 1)
    assert (b.score, b.rank, b.previous_score, b.previous_rank) == (92.0, 1, 85.0, 2)
    assert (a.rank_change, a.score_change) == (-1, -4.77)
    assert (b.rank_change, b.score_change) == (1, 7.0)
    assert a.by_kind == {"onsite": (90.0, 1), "7s": (80.0, 1), "remote": (98.75, 24)}
    assert b.by_kind["mystery"] == (80.0, 1)  # the unpublished visit of A counts nowhere


def test_gap_to_the_target_rank(bank, users):
    rows = _rows(bank, month_period(2026, 9))
    assert all((row.gap_points, row.places_to_target) == (0.0, 0) for row in rows.values())  # target 3 of 2
    operations.update_rules({"target_rank": 1}, users["admin"])
    rows = _rows(bank, month_period(2026, 9))
    assert (rows["A"].gap_points, rows["A"].places_to_target) == (1.77, 1)
    assert (rows["B"].gap_points, rows["B"].places_to_target) == (0.0, 0)


def test_remote_cycle_coverage(bank):
    rows = _rows(bank, month_period(2026, 9))
    # A: 2 tellers × 15 cycles = 30; A1 15 (the last one on Oct 1) + A2 10 = 25.
    assert (rows["A"].coverage.expected, rows["A"].coverage.covered, rows["A"].coverage.percent) == (30, 25, 83.3)
    assert (rows["B"].coverage.covered, rows["B"].coverage.percent) == (30, 100.0)


def test_rectification_closure(bank):
    rows = _rows(bank, month_period(2026, 9))
    # A: greet (closed in 2 days), badge (open), lobby_greet (closed in 4 days); the unpublished one not at all.
    assert (rows["A"].closure.total, rows["A"].closure.closed, rows["A"].closure.rate) == (3, 2, 66.7)
    assert rows["A"].closure.average_days == 3.0
    # B: lock 6 days, greet 1, lobby_tidy 1, the mystery finding open.
    assert (rows["B"].closure.total, rows["B"].closure.closed, rows["B"].closure.rate) == (4, 3, 75.0)
    assert rows["B"].closure.average_days == 2.7


def test_the_quarter(bank):
    rows = _rows(bank, quarter_period(2026, 3))
    # A: on-site (95 + 90) / 2 = 92.5 → (92.5·35 + 80·20 + 98.75·25) / 80 = 91.33.
    # B: on-site (85 + 95) / 2 = 90 → (90·35 + 90·20 + 99·25 + 80·20) / 100 = 90.25.
    assert (rows["A"].score, rows["A"].rank) == (91.33, 1)
    assert (rows["B"].score, rows["B"].rank) == (90.25, 2)
    assert rows["A"].previous_rank is None and rows["A"].rank_change is None  # nothing in Q2


def test_weights_change_the_ranking(bank, users):
    operations.update_rules({"weight_7s": 0}, users["admin"])
    rows = _rows(bank, month_period(2026, 9))
    # A: (90·35 + 98.75·25) / 60 = 93.65; B: (95·35 + 99·25 + 80·20) / 80 = 92.5.
    assert (rows["A"].score, rows["A"].rank, rows["B"].score, rows["B"].rank) == (93.65, 1, 92.5, 2)


def test_an_outlet_without_inspections_is_listed_unranked(bank, org):
    org._outlet("C01", "渭塘支行")
    org.db.session.commit()
    rows = rankings.league(month_period(2026, 9))
    assert [row.code for row in rows] == ["B01", "A01", "C01"]
    assert rows[-1].rank is None and rows[-1].score is None and rows[-1].coverage.expected == 30


def test_the_league_api(bank, api_as):
    body = api_as("inspector", "GET", "/league?period=2026-09").get_json()
    assert (body["period"], body["previous_period"], body["target_rank"]) == ("2026-09", "2026-08", 3)
    first = body["rows"][0]
    assert (first["code"], first["rank"], first["score"], first["rank_change"]) == ("B01", 1, 92.0, 1)
    assert first["coverage"] == {"tellers": 2, "cycles": 15, "covered": 30, "excused": 0, "missing": 0,
                                 "expected": 30, "percent": 100.0}
    assert first["closure"] == {"total": 4, "closed": 3, "rate": 75.0, "average_days": 2.7, "outlet_late": 1,
                                "verification_overdue": 0}
    assert first["by_kind"]["remote"] == {"average": 99.0, "inspections": 30}


def test_the_coverage_api_for_the_monitor(bank, api_as):
    body = api_as("remote_monitor", "GET", "/coverage?month=2026-09").get_json()
    assert {row["code"]: (row["covered"], row["expected"], row["percent"]) for row in body["rows"]} == {
        "A01": (25, 30, 83.3), "B01": (30, 30, 100.0)}
