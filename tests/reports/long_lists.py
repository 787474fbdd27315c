"""Red/black lists long enough to run over several PDF pages, and reading a PDF back page by page."""
from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from core.extensions import db as _db
from org.models import Staff
from reports.models import BLACK, PUBLISHED, RED, ServiceList, ServiceListEntry


def publish_long_lists(org, months: list[str], red: int, black: int) -> dict[tuple[str, str], list[str]]:
    """A published list per month for the branch and for each of outlets A and B, each naming `red` + `black`
    people of its own, named 红<row>号<n> and 黑<row>号<n>; returns each list's names by (month, scope key)."""
    names: dict[tuple[str, str], list[str]] = {}
    number = 0
    for month in months:
        for outlet in (None, org.outlet_a, org.outlet_b):
            row = len(names) + 1
            service_list = ServiceList(month=month, scope="outlet" if outlet else "branch", branch_id=org.branch.id,
                                       outlet_id=outlet.id if outlet else None,
                                       scope_key=f"outlet:{outlet.id}" if outlet else f"branch:{org.branch.id}",
                                       rules={}, computed_at=datetime(2026, 10, 2, tzinfo=UTC))
            _db.session.add(service_list)
            _db.session.flush()
            listed = []
            for colour, count, mark in ((RED, red, "红"), (BLACK, black, "黑")):
                for place in range(1, count + 1):
                    number += 1
                    name = f"{mark}{row:02d}号{place:02d}"
                    person = Staff(outlet_id=(outlet or org.outlet_a).id, employee_no=f"L{number:05d}", name=name,
                                   position="teller")
                    _db.session.add(person)
                    _db.session.flush()
                    _db.session.add(ServiceListEntry(list_id=service_list.id, staff_id=person.id, colour=colour,
                                                     position=len(listed), rank=place, points=100.0 + count - place,
                                                     reasons=["top_rank" if colour == RED else "bottom_rank"]))
                    listed.append(name)
            _db.session.flush()
            service_list.status = PUBLISHED
            service_list.published_at = datetime(2026, 10, 3, tzinfo=UTC)
            names[(month, service_list.scope_key)] = listed
    _db.session.commit()
    return names


def pages_text(pdf: bytes, folder: Path) -> list[str]:
    """Each page's text as pdftotext reads it, without white space."""
    path = folder / "read-back.pdf"
    path.write_bytes(pdf)
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                                                            text=True).stdout).group(1))
    return [re.sub(r"\s+", "", subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"],
                                              check=True, capture_output=True, text=True).stdout)
            for n in range(1, count + 1)]


def pages_of(pages: list[str], name: str) -> list[int]:
    return [number for number, text in enumerate(pages, start=1) if name in text]
