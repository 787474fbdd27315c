"""服务红黑榜: who goes on a month's red and black lists, by the configured rules.

Black: any counted critical finding (when critical_means_black), or a place in the bottom N by points
with a net deduction; a black-listed person's reasons also name the service errors and upheld complaints that
cost them points.
Red: a place in the top N by points among the rest, with no deduction left
over and no critical finding. Ties share a rank, so everyone tied for the last place is listed.

A single unconfirmed mystery visit never black-lists anyone (when mystery_black_needs_confirmation):
its deductions and criticals are left out when judging the black list; a person it alone would have
put there is listed as held until an admin confirms the visit. Two or more visits corroborate each
other and count.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from operator import attrgetter

from reports.models import BLACK, HELD, RED
from reports.periods import Period
from reports.scorecards import MysteryVisit, Summary, mystery_evidence, summaries


@dataclass
class Candidate:
    summary: Summary
    colour: str
    rank: int | None
    points: float
    reasons: list[str] = field(default_factory=list)


def competition_ranks(items: list, score, *, best_first: bool, ident=attrgetter("staff_id")) -> dict[int, int]:
    """1224 ranking: a rank is one more than the number of others strictly better."""
    scores = sorted(score(item) for item in items)
    ranks = {}
    for item in items:
        mine = score(item)
        better = len(scores) - bisect_right(scores, mine) if best_first else bisect_left(scores, mine)
        ranks[ident(item)] = 1 + better
    return ranks


def _black(people, score, criticals, places: int, values) -> tuple[dict[int, list[str]], dict[int, int]]:
    ranks = competition_ranks(people, score, best_first=False)
    chosen = {}
    for person in people:
        reasons = []
        if values["critical_means_black"] >= 1 and criticals(person) > 0:
            reasons.append("critical_finding")
        if places and ranks[person.staff_id] <= places and score(person) < values["base_points"]:
            reasons.append("bottom_rank")
        if reasons:
            chosen[person.staff_id] = reasons
    return chosen, ranks


def _lost_by(person: Summary, values) -> list[str]:
    """What else cost the person points, beside findings: "service_errors:<count>", "complaints:<count>"."""
    reasons = []
    if person.service_errors and values["deduct_service_error"] > 0:
        reasons.append(f"service_errors:{person.service_errors}")
    if person.complaints and values["deduct_complaint"] > 0:
        reasons.append(f"complaints:{person.complaints}")
    return reasons


def _held_visit(visits: list[MysteryVisit], values) -> MysteryVisit | None:
    if values["mystery_black_needs_confirmation"] < 1:
        return None
    unconfirmed = [visit for visit in visits if not visit.confirmed]
    return unconfirmed[0] if len(unconfirmed) == 1 else None


def compute(month: Period, outlet_ids: list[int], red_places: int, black_places: int,
            values: dict[str, float], raw: bool = False) -> list[Candidate]:
    people = [s for s in summaries(month, outlet_ids=outlet_ids, values=values, raw=raw) if s.evaluated]
    if not people:
        return []
    evidence = mystery_evidence(month, [p.staff_id for p in people], values)
    held_visit = {p.staff_id: _held_visit(evidence.get(p.staff_id, []), values) for p in people}

    def list_points(person: Summary) -> float:
        visit = held_visit[person.staff_id]
        return round(person.total + (visit.deduction if visit else 0), 2)

    def list_criticals(person: Summary) -> int:
        visit = held_visit[person.staff_id]
        return person.critical - (visit.criticals if visit else 0)

    black, black_ranks = _black(people, list_points, list_criticals, black_places, values)
    would_be_black, _ = _black(people, lambda p: p.total, lambda p: p.critical, black_places, values)
    held = {staff_id for staff_id in would_be_black if staff_id not in black and held_visit[staff_id]}

    base = values["base_points"]
    pool = [p for p in people if p.staff_id not in black and p.staff_id not in held
            and p.critical == 0 and p.total >= base]
    red_ranks = competition_ranks(pool, lambda p: p.total, best_first=True)

    chosen: list[Candidate] = []
    for person in sorted(pool, key=lambda p: (red_ranks[p.staff_id], p.employee_no)):
        if red_places and red_ranks[person.staff_id] <= red_places:
            chosen.append(Candidate(person, RED, red_ranks[person.staff_id], person.total, ["top_rank"]))
    for person in sorted((p for p in people if p.staff_id in black),
                         key=lambda p: (black_ranks[p.staff_id], p.employee_no)):
        chosen.append(Candidate(person, BLACK, black_ranks[person.staff_id], person.total,
                                black[person.staff_id] + _lost_by(person, values)))
    for person in sorted((p for p in people if p.staff_id in held), key=lambda p: p.employee_no):
        chosen.append(Candidate(person, HELD, None, person.total,
                                [f"awaiting_confirmation:{held_visit[person.staff_id].uuid}"]))
    return chosen
