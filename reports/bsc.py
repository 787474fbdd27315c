"""Balanced-scorecard points: the plan's service system is worth 4 BSC points (服务体系分值为4分).

A staff member keeps the 4 points less bsc_points_per_deduction for every scorecard point deducted in the
period. An outlet earns 4 × its league score, with bsc_outlet_closure_weight of it taken from its
rectification closure rate instead (an outlet with no findings has nothing left open: 100 %).
"""
from __future__ import annotations

from dataclasses import dataclass

from reports import rules
from reports.periods import Period
from reports.rankings import LeagueRow, league
from reports.scorecards import Summary, summaries

BSC_MAX = 4.0


@dataclass(frozen=True)
class StaffPoints:
    summary: Summary
    points: float


@dataclass(frozen=True)
class OutletPoints:
    row: LeagueRow
    closure_rate: float
    points: float | None


def staff_points(period: Period, values=None, outlet_ids=None) -> list[StaffPoints]:
    values = values or rules.current()
    factor = values["bsc_points_per_deduction"]
    return [StaffPoints(s, round(min(BSC_MAX, max(0.0, BSC_MAX - factor * s.deductions)), 2))
            for s in summaries(period, values=values, outlet_ids=outlet_ids)]


def outlet_points(period: Period, values=None) -> list[OutletPoints]:
    values = values or rules.current()
    weight = values["bsc_outlet_closure_weight"]
    result = []
    for row in league(period, values=values):
        closure_rate = row.closure.rate if row.closure.rate is not None else 100.0
        points = None
        if row.score is not None:
            points = round(BSC_MAX * ((1 - weight) * row.score + weight * closure_rate) / 100, 2)
        result.append(OutletPoints(row, closure_rate, points))
    return result
