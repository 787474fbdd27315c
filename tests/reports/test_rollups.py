"""The monthly rollups give the league table, the scorecards and the red/black lists exactly what the full
recomputation from the inspections gives, after submits of every kind through the sync API, a mystery
publication, and findings changed through the ORM and with plain statements; and the kept rows are the rows a
rebuild makes. Parallel submits through a live server add up exactly."""
from __future__ import annotations

import json
import uuid as uuid_module
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import delete, func, select, update

from core.clock import local_today
from core.extensions import db
from inspections.models import Answer, Inspection, SectionScore
from rectification.models import Finding
from reports import dashboards, rollups, rules
from reports.analysis import frequent_findings
from reports.counting import counted_inspection, submitted_in
from reports.models import OutletMonthRollup, StaffCycleRollup, StaffMonthRollup
from reports.periods import month_period, quarter_period
from reports.rankings import _kind_averages, league
from reports.scorecards import summaries
from reports.service_lists import compute
from tests.inspections.helpers import at_once


def periods() -> list:
    """The bank's months and quarter, and this month and quarter (when the submits below are made)."""
    today = local_today()
    this_month = month_period(today.year, today.month)
    months = [month_period(2026, 8), month_period(2026, 9), month_period(2026, 10), this_month.previous(), this_month]
    return months + [quarter_period(2026, 3), quarter_period(today.year, (today.month - 1) // 3 + 1)]


def _answers(version_items: list[str], failing: dict) -> list[dict]:
    """Every item of the test checklist, passing unless named in `failing` ({key: staff id or None})."""
    return [{"item_key": key, "value": "fail" if key in failing else "pass", "staff_id": failing.get(key)}
            for key in version_items]


ITEMS = {"remote": ["greet", "badge", "lock"], "onsite": ["lobby_greet", "lobby_tidy"],
         "7s": ["seiri_desk", "seiton_place"]}


def _submit(client, headers, version, outlet, kind: str, *, staff=None, failing=None) -> dict:
    uuid = str(uuid_module.uuid4())
    body = {"checklist_version_id": version.id, "outlet_id": outlet.id, "staff_id": staff.id if staff else None,
            "answers": _answers(ITEMS[kind], failing or {})}
    saved = client.put(f"/api/v1/inspections/{uuid}", json=body, headers=headers)
    assert saved.status_code == 201, saved.get_json()
    submitted = client.post(f"/api/v1/inspections/{uuid}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.get_json()
    return submitted.get_json()


def _section_averages(period, kind: str) -> dict:
    """The dashboards' section averages counted from the section scores themselves, rounded half up."""
    rows = db.session.execute(
        select(Inspection.outlet_id, SectionScore.section_key, SectionScore.percent)
        .join(Inspection, Inspection.id == SectionScore.inspection_id)
        .where(Inspection.kind == kind, counted_inspection(), submitted_in(period), SectionScore.percent.isnot(None)))
    sums: dict = {}
    for outlet_id, key, percent in rows:
        total = sums.setdefault(outlet_id, {}).setdefault(key, [0, 0])
        total[0], total[1] = total[0] + round(percent * 100), total[1] + 1
    return {outlet_id: {key: float((Decimal(hundredths) / (100 * count)).quantize(Decimal("0.1"), ROUND_HALF_UP))
                        for key, (hundredths, count) in per.items()} for outlet_id, per in sums.items()}


def assert_rollups_match_recomputation(org) -> None:
    db.session.expire_all()
    values = rules.current()
    outlet_ids = [org.outlet_a.id, org.outlet_b.id]
    for period in periods():
        kept_rows, raw_rows = league(period), league(period, raw=True)
        assert [vars(r) for r in kept_rows] == [vars(r) for r in raw_rows], period
        assert summaries(period) == summaries(period, raw=True), period
        assert frequent_findings(period) == frequent_findings(period, raw=True), period
        assert dashboards.kind_averages(period, outlet_ids) == _kind_averages(period, outlet_ids, raw=True)[0], period
        for kind in ("onsite", "7s", "remote"):
            assert dashboards.section_averages(period, kind) == _section_averages(period, kind), (period, kind)
        assert summaries(period, outlet_ids=[org.outlet_a.id]) == \
            summaries(period, outlet_ids=[org.outlet_a.id], raw=True), period
    for period in periods()[:5]:
        assert compute(period, outlet_ids, 3, 3, values) == compute(period, outlet_ids, 3, 3, values, raw=True)
    kept = rollups.snapshot(db.session.connection())
    rollups.rebuild(db.session.connection())
    assert rollups.snapshot(db.session.connection()) == kept
    db.session.rollback()


def test_the_bank_written_through_the_orm_is_counted(bank, org):
    assert_rollups_match_recomputation(org)
    september = month_period(2026, 9)
    # Spelled out once: outlet B's remote checks in September (B1's fifteen, B2's fifteen) and their percents.
    remote_b = db.session.execute(select(OutletMonthRollup.scored, OutletMonthRollup.percent_hundredths).where(
        OutletMonthRollup.outlet_id == org.outlet_b.id, OutletMonthRollup.month == september.first,
        OutletMonthRollup.kind == "remote")).one()
    assert tuple(remote_b) == (30, (29 * 100 + 70) * 100)
    # The mystery visit of outlet A is not published: neither it nor its finding counts.
    assert db.session.execute(select(func.count()).select_from(OutletMonthRollup).where(
        OutletMonthRollup.outlet_id == org.outlet_a.id, OutletMonthRollup.kind == "mystery")).scalar() == 0
    a1 = bank.people["A1"]
    assert db.session.execute(select(StaffMonthRollup.major).where(StaffMonthRollup.staff_id == a1.id)).scalar() \
        in (None, 0)
    # A1's last check, made on Oct 1, counts in October and for September's last cycle (Sep 30 - Oct 1).
    september_a1, october_a1 = (db.session.execute(
        select(StaffMonthRollup.remote_checks, StaffMonthRollup.cycles_covered).where(
            StaffMonthRollup.staff_id == a1.id, StaffMonthRollup.month == month)).one()
        for month in (september.first, month_period(2026, 10).first))
    assert tuple(september_a1) == (14, 15) and tuple(october_a1) == (1, 0)
    assert db.session.execute(select(StaffCycleRollup.remote_checks).where(
        StaffCycleRollup.staff_id == a1.id, StaffCycleRollup.cycle_first == september.last)).scalar() == 1


def test_submits_publication_and_finding_changes_keep_rollups_equal_to_recomputation(bank, org, users, client,
                                                                                        bearer):
    a1, a2, a3, b2, b3 = (bank.people[name] for name in ("A1", "A2", "A3", "B2", "B3"))
    monitor, inspector = bearer(users["remote_monitor"]), bearer(users["inspector"])
    versions = bank.versions
    # Submits of every open kind through the sync API (today).
    _submit(client, monitor, versions["remote"], org.outlet_a, "remote", staff=a1, failing={"greet": a1.id})
    _submit(client, monitor, versions["remote"], org.outlet_a, "remote", staff=a2)
    _submit(client, monitor, versions["remote"], org.outlet_b, "remote", staff=b2,
            failing={"lock": b2.id, "badge": b2.id})
    _submit(client, inspector, versions["onsite"], org.outlet_a, "onsite", failing={"lobby_greet": a3.id})
    _submit(client, inspector, versions["7s"], org.outlet_b, "7s", failing={"seiri_desk": None})
    assert_rollups_match_recomputation(org)

    # Outlet A's mystery visit is published, its failed item attributed to A2.
    mystery_a = bank.inspections["mystery-A"]
    db.session.delete(db.session.get(Finding, bank.findings["A1-hidden"].id))
    db.session.add(Answer(inspection_id=mystery_a.id, item_key="teller_smile", value="fail", staff_id=a2.id,
                          score=0, max_score=2, failed=True, state="answered"))
    db.session.commit()
    published = client.post(f"/api/v1/mystery/reports/{mystery_a.uuid}/publish", headers=bearer(users["admin"]),
                            json={"blacklist_confirmed": False})
    assert published.status_code == 200, published.get_json()
    assert_rollups_match_recomputation(org)

    # Findings changed through the ORM: severity, publication, the person, one removed, one added.
    findings = bank.findings
    db.session.get(Finding, findings["B2-greet"].id).severity = "minor"
    db.session.get(Finding, findings["B1-lobby"].id).published = False
    db.session.get(Finding, findings["A3-lobby"].id).staff_id = a1.id
    db.session.delete(db.session.get(Finding, findings["B3-smile"].id))
    onsite_b = db.session.get(Inspection, bank.inspections["onsite-B"].id)
    db.session.add(Finding(inspection_id=onsite_b.id, outlet_id=onsite_b.outlet_id, item_key="lobby_greet",
                           section_key="lobby", severity="critical", title="问题", staff_id=b3.id,
                           due_date=month_period(2026, 9).last, created_at=onsite_b.submitted_at))
    onsite_b.percent = 91.5
    db.session.delete(db.session.get(Inspection, bank.inspections["onsite-A-aug"].id))
    db.session.commit()
    assert_rollups_match_recomputation(org)

    # And with plain statements: a finding removed (A2's "badge" makes that check pass again), one re-graded.
    db.session.execute(delete(Finding).where(Finding.id == findings["A2-badge"].id))
    db.session.execute(update(Finding).where(Finding.id == findings["A2-greet"].id).values(severity="critical"))
    db.session.execute(update(Inspection).where(Inspection.id == bank.inspections["B1-3"].id)
                       .values(percent=88.25))
    db.session.commit()
    assert_rollups_match_recomputation(org)

    # A published visit sent back (its status no longer counts) takes its score and findings with it.
    db.session.execute(update(Inspection).where(Inspection.id == mystery_a.id).values(status="reviewed"))
    db.session.commit()
    assert_rollups_match_recomputation(org)
    assert db.session.execute(select(func.count()).select_from(OutletMonthRollup).where(
        OutletMonthRollup.kind == "mystery", OutletMonthRollup.outlet_id == org.outlet_a.id,
        OutletMonthRollup.scored != 0)).scalar() == 0


def test_rebuild_command_restores_a_month(bank, org, runner):
    september = month_period(2026, 9)
    kept = rollups.snapshot(db.session.connection())
    db.session.execute(update(OutletMonthRollup).where(OutletMonthRollup.month == september.first)
                       .values(scored=0, percent_hundredths=0))
    db.session.execute(delete(StaffCycleRollup).where(StaffCycleRollup.cycle_first.between(september.first,
                                                                                           september.last)))
    db.session.execute(update(StaffMonthRollup).where(StaffMonthRollup.month == september.first)
                       .values(cycles_covered=0))
    db.session.commit()
    assert league(september) != league(september, raw=True)
    result = runner.invoke(args=["rollups", "rebuild", "--month", "2026-09"])
    assert result.exit_code == 0, result.output
    assert "rebuilt 1 month(s)" in result.output
    db.session.expire_all()
    assert league(september) == league(september, raw=True)
    assert runner.invoke(args=["rollups", "rebuild"]).exit_code == 0
    assert rollups.snapshot(db.session.connection()) == kept
    bad = runner.invoke(args=["rollups", "rebuild", "--month", "2026-13"])
    assert bad.exit_code != 0 and "--month" in bad.output


@pytest.mark.xdist_group("live_server")
def test_parallel_submits_through_a_live_server_add_up_exactly(bank, org, users, live_server, bearer):
    """Twelve remote checks of the same teller on the same day, and twelve on-site visits of the same outlet,
    submitted at the same moment: every one of them is in the rollups, as the recomputation counts them."""
    a1, a2 = bank.people["A1"], bank.people["A2"]
    a1_id, a2_id = a1.id, a2.id
    monitor, inspector = bearer(users["remote_monitor"]), bearer(users["inspector"])
    versions = {kind: bank.versions[kind].id for kind in ITEMS}
    outlet_id = org.outlet_a.id
    db.session.commit()  # the tokens, for the server to see
    calls, uuids = [], []
    for index in range(12):
        for kind, headers, staff, failing in (("remote", monitor, a1_id, {"greet": a1_id} if index % 3 == 0 else {}),
                                              ("onsite", inspector, None, {"lobby_greet": a2_id} if index % 2 else {})):
            uuid = str(uuid_module.uuid4())
            body = {"checklist_version_id": versions[kind], "outlet_id": outlet_id,
                    "staff_id": staff, "answers": _answers(ITEMS[kind], failing)}
            json_headers = {**headers, "Content-Type": "application/json"}
            status, data, _ = _put(live_server, uuid, body, json_headers)
            assert status == 201, data
            uuids.append(uuid)
            calls.append(("POST", f"/api/v1/inspections/{uuid}/submit", None, headers))
    results = at_once(live_server, calls)
    assert [status for status, _ in results] == [200] * len(calls), results
    db.session.rollback()  # a fresh snapshot, with the server's commits
    today = local_today()
    this_month = month_period(today.year, today.month)
    counted = db.session.execute(select(OutletMonthRollup.kind, OutletMonthRollup.scored).where(
        OutletMonthRollup.outlet_id == org.outlet_a.id, OutletMonthRollup.month == this_month.first)).all()
    assert dict(counted) == {"remote": 12, "onsite": 12}
    checks = db.session.execute(select(func.sum(StaffCycleRollup.remote_checks), func.sum(StaffCycleRollup.remote_failed))
                                .where(StaffCycleRollup.staff_id == a1_id,
                                       StaffCycleRollup.cycle_first >= this_month.first)).one()
    assert tuple(checks) == (12, 4)
    a1_month = db.session.execute(select(StaffMonthRollup.remote_checks, StaffMonthRollup.remote_passed,
                                         StaffMonthRollup.cycles_covered).where(
        StaffMonthRollup.staff_id == a1_id, StaffMonthRollup.month == this_month.first)).one()
    assert tuple(a1_month) == (12, 8, 1)  # twelve checks, all in today's cycle
    assert db.session.execute(select(StaffMonthRollup.major).where(
        StaffMonthRollup.staff_id == a2_id, StaffMonthRollup.month == this_month.first)).scalar() == 6
    assert_rollups_match_recomputation(org)


def _put(base_url: str, uuid: str, body: dict, headers: dict):
    from tests.inspections.helpers import http_request

    return http_request(base_url, "PUT", f"/api/v1/inspections/{uuid}", body=json.dumps(body).encode(),
                        headers=headers)
