"""The demo step: six months up to the current one for every demo teller; a second run adds nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from core.clock import local_today
from org.models import Staff
from org.seed import seed_organisation
from volumes import figures
from volumes.models import TellerCount
from volumes.seed import seed_volumes


def test_six_months_for_every_demo_teller_once(db):
    seed_organisation("demo-password")
    tellers = db.session.execute(select(func.count()).select_from(Staff).where(Staff.position == "teller")).scalar_one()
    assert seed_volumes("demo-password") == f"{6 * tellers} teller-months of volumes and errors"
    stored = db.session.execute(select(func.count()).select_from(TellerCount)).scalar_one()
    assert seed_volumes("demo-password") is None
    assert db.session.execute(select(func.count()).select_from(TellerCount)).scalar_one() == stored
    months = figures.months_with_counts()
    assert len(months) == 6 and months[0] == local_today().replace(day=1)
    outlets = figures.outlets(months[1])
    assert len(outlets) == 10 and all(row.volume > 0 for row in outlets)  # 相城支行 8, 园区支行 2
    assert any(row.errors for row in figures.tellers(months[1]))
