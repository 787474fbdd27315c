"""League tables at every level of the bank's tree, built on the outlet league (reports.rankings.league):

- 全辖: the outlet league over every outlet below a node, the outlets ranked among themselves;
- the nodes directly below a node (sub-branches within a city branch, cities within a province), each
  node's figures summed from its outlets' sums and counts (a kind's average is its inspections' total over
  their number), never an average of the outlets' averages.

Mystery visits count as they count in the outlet league: only once published."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from core.extensions import db
from org.models import Branch, Outlet
from org.scope import outlets_below
from reports import rankings, rules
from reports.periods import Period
from reports.rankings import Closure, Coverage, LeagueRow, Ranked, weighted_score


@dataclass
class NodeRow(Ranked):
    node_id: int
    code: str
    name: str
    level: str
    outlets: int = 0
    by_kind: dict[str, tuple[float, int]] = field(default_factory=dict)
    score: float | None = None
    previous_score: float | None = None
    rank: int | None = None
    previous_rank: int | None = None
    coverage: Coverage = field(default_factory=lambda: Coverage(0, 0, 0))
    closure: Closure = field(default_factory=Closure)
    # The node's own outlets, hung on it directly rather than on a node below (a level skipped there).
    own_outlets: bool = False


def area_league(period: Period, node: Branch | None, *, values=None) -> list[LeagueRow]:
    """全辖: the outlets below the node (None: the whole bank), ranked among themselves, with the gap to the
    target rank of this table."""
    values = values or rules.current(node)
    rows = rankings.league(period, values=values)
    if node is None:
        return rows
    below = set(db.session.execute(outlets_below(node)).scalars())
    rows = [row for row in rows if row.outlet_id in below]
    return rankings.ranked(rows, target=int(values["target_rank"]))


def children_of(node: Branch | None) -> list[Branch]:
    query = select(Branch).order_by(Branch.code)
    query = query.where(Branch.parent_id.is_(None)) if node is None else query.where(Branch.parent_id == node.id)
    return list(db.session.execute(query).scalars())


def _owner_of_outlets(children: list[Branch]) -> dict[int, int]:
    """{outlet: the child node it hangs below}, in one query over the paths."""
    paths = [(child.path, child.id) for child in children]
    owners = {}
    for outlet_id, path in db.session.execute(select(Outlet.id, Branch.path).join(Branch, Branch.id == Outlet.branch_id)):
        owner = next((child_id for prefix, child_id in paths if path.startswith(prefix)), None)
        if owner is not None:
            owners[outlet_id] = owner
    return owners


def _sum_kinds(rows: list[LeagueRow]) -> dict[str, tuple[float, int]]:
    totals: dict[str, list[float]] = {}
    for row in rows:
        for kind, (average, count) in row.by_kind.items():
            total = totals.setdefault(kind, [0.0, 0])
            total[0] += average * count
            total[1] += count
    return {kind: (round(total / count, 2), int(count)) for kind, (total, count) in totals.items() if count}


def _sum_coverage(rows: list[LeagueRow]) -> Coverage:
    cycles = max((row.coverage.cycles for row in rows), default=0)
    return Coverage(sum(r.coverage.tellers for r in rows), cycles, sum(r.coverage.covered for r in rows),
                    sum(r.coverage.excused for r in rows))


def _sum_closure(rows: list[LeagueRow]) -> Closure:
    closed = sum(r.closure.closed for r in rows)
    timed = [(r.closure.average_days, r.closure.closed) for r in rows if r.closure.average_days is not None]
    days = sum(d * n for d, n in timed) / sum(n for _, n in timed) if sum(n for _, n in timed) else None
    return Closure(sum(r.closure.total for r in rows), closed, round(days, 1) if days is not None else None,
                   sum(r.closure.outlet_late for r in rows), sum(r.closure.verification_overdue for r in rows))


def node_league(period: Period, node: Branch | None, *, values=None) -> list[NodeRow]:
    """The nodes directly below the node (None: the top nodes), ranked by their outlets' summed figures."""
    values = values or rules.current(node)  # the nodes below are compared by the rules of the one above them
    weights = rules.kind_weights(values)
    children = children_of(node)
    owners = _owner_of_outlets(children)
    now = rankings.league(period, values=values)
    before = {row.outlet_id: row for row in rankings.league(period.previous(), values=values)}
    if node is not None:
        owners.update({outlet_id: node.id for outlet_id in db.session.execute(
            select(Outlet.id).where(Outlet.branch_id == node.id)).scalars()})
    groups = [(child, False) for child in children]
    if node is not None and node.id in owners.values():
        groups.append((node, True))
    rows = []
    for group, own in groups:
        mine = [row for row in now if owners.get(row.outlet_id) == group.id]
        earlier = [before[row.outlet_id] for row in mine if row.outlet_id in before]
        by_kind = _sum_kinds(mine)
        rows.append(NodeRow(group.id, group.code, group.name, group.level, len(mine), by_kind,
                            weighted_score(by_kind, weights), weighted_score(_sum_kinds(earlier), weights),
                            coverage=_sum_coverage(mine), closure=_sum_closure(mine), own_outlets=own))
    return rankings.ranked(rows, ident=lambda row: (row.node_id, row.own_outlets))
