"""Which outlets the pack's two long tables list. A meeting reads the extremes: past ALL_LISTED outlets the
league table lists the LEAGUE_TOP highest and the LEAGUE_BOTTOM lowest, the error rates the ERRORS_TOP
highest, and both add every outlet the pack names elsewhere (the charts by outlet, the tellers with the
most errors). A line above each table says what it shows and where the full list is; a small bank's
tables list every outlet."""
from __future__ import annotations

from dataclasses import dataclass, field

from core.urls import public_url

ALL_LISTED = 30
LEAGUE_TOP, LEAGUE_BOTTOM = 10, 15
ERRORS_TOP = 15
COMPLAINTS_TOP = 15


@dataclass
class Shown:
    """The rows a table lists, in the table's order, with a gap marked where rows were left out."""
    rows: list
    total: int
    gaps_before: set[int] = field(default_factory=set)  # indexes in `rows` that follow left-out rows
    named: int = 0  # outlets listed only because the pack names them elsewhere
    top: int = 0  # how many of the highest (ranked, or error rates) are listed
    bottom: int = 0  # how many of the lowest ranked are listed

    @property
    def complete(self) -> bool:
        return len(self.rows) == self.total


def _keep(rows: list, wanted) -> Shown:
    shown, gaps, skipped = [], set(), False
    for index, row in enumerate(rows):
        if wanted(index, row):
            if skipped:
                gaps.add(len(shown))
            shown.append(row)
            skipped = False
        else:
            skipped = True
    if skipped and shown:
        gaps.add(len(shown))  # rows left out after the last one shown
    return Shown(shown, len(rows), gaps)


def league_rows(table: list, named: set[int]) -> Shown:
    """The league table's highest and lowest ranked outlets and those named elsewhere; unranked outlets
    (no score this quarter) only when named."""
    if len(table) <= ALL_LISTED:
        return Shown(list(table), len(table))
    ranked = sorted(row.rank for row in table if row.rank is not None)
    top = ranked[LEAGUE_TOP - 1] if len(ranked) >= LEAGUE_TOP else None
    bottom = ranked[-LEAGUE_BOTTOM] if len(ranked) >= LEAGUE_BOTTOM else None

    def extreme(row) -> bool:
        return row.rank is not None and ((top is not None and row.rank <= top) or
                                         (bottom is not None and row.rank >= bottom))
    shown = _keep(table, lambda _index, row: extreme(row) or row.outlet_id in named)
    shown.named = sum(1 for row in shown.rows if not extreme(row))
    shown.top, shown.bottom = LEAGUE_TOP, LEAGUE_BOTTOM
    return shown


def error_rows(outlets: list, named: set[int]) -> Shown:
    """The outlets with the highest error rates and those named elsewhere."""
    if len(outlets) <= ALL_LISTED:
        return Shown(list(outlets), len(outlets))
    shown = _keep(outlets, lambda index, row: index < ERRORS_TOP or row.outlet_id in named)
    shown.named = len(shown.rows[ERRORS_TOP:])
    shown.top = ERRORS_TOP
    return shown


def complaint_rows(lines: list) -> Shown:
    """The outlets with the most complaints (then the most past the deadline), as the section sorts them."""
    if len(lines) <= ALL_LISTED:
        return Shown(list(lines), len(lines))
    shown = _keep(lines, lambda index, _line: index < COMPLAINTS_TOP)
    shown.top = COMPLAINTS_TOP
    return shown


def full_lists(quarter, months: list[str]) -> dict:
    """Where the full lists are, as addresses the reader can type: the league table page, the BSC workbook
    (its outlets sheet has every outlet's rank and score), each month's volumes and errors page, and the
    complaint ledger's workbook of the quarter's complaints, each with its outlet."""
    return {
        "league": public_url("reports_pages.league", period=quarter.label),
        "workbook": public_url("reports_pages.bsc_xlsx", period=quarter.label),
        "complaints": public_url("complaint_exports.ledger_file", extension="xlsx", period=quarter.label),
        "volumes": [public_url("volumes_pages.publication", month=month) for month in months],
    }
