"""Who reads the pack (leadership), who is refused, what a wrong quarter gets, and the way to it from the
dashboard; the demo's pack renders for the last quarter that is over."""
from __future__ import annotations

import pytest

from core.clock import local_today
from reports.periods import last_complete_quarter
from tests.quarterly.conftest import pdf_text

REFUSED = ("inspector", "remote_monitor", "mystery_shopper", "outlet_manager")


@pytest.mark.parametrize("role", ("admin", "viewer"))
def test_leadership_reads_the_pack(pack_bank, client, login, users, role, tmp_path):
    login(users[role])
    response = client.get("/reports/quarterly/2026-Q3.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "inline; filename*=UTF-8''quarterly-pack-2026-Q3.pdf"
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "对公客户93.4" in pdf_text(response.data, tmp_path)


@pytest.mark.parametrize("role", REFUSED)
def test_every_other_role_is_refused(pack_bank, client, login, users, role):
    login(users[role])
    response = client.get("/reports/quarterly/2026-Q3.pdf")
    assert response.status_code == 403
    assert "%PDF" not in response.get_data(as_text=True)


def test_a_visitor_is_sent_to_log_in(pack_bank, client):
    response = client.get("/reports/quarterly/2026-Q3.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("text", ("2026-Q5", "2026-09", "Q3", "1999-Q1"))
def test_a_wrong_quarter_is_not_found_in_chinese(pack_bank, client, login, users, text):
    login(users["viewer"])
    response = client.get(f"/reports/quarterly/{text}.pdf")
    assert response.status_code == 404
    assert "没有这个季度" in response.get_data(as_text=True)


def test_the_dashboard_links_to_the_quarters_pack(pack_bank, client, login, users):
    login(users["viewer"])
    page = client.get("/reports/dashboard?month=2026-08").get_data(as_text=True)
    assert 'href="/reports/quarterly/2026-Q3.pdf"' in page and "季度服务质量分析会材料（PDF）" in page
    login(users["inspector"])
    assert client.get("/reports/dashboard?month=2026-08").status_code == 403


@pytest.mark.xdist_group("seeded_demo")
def test_the_demo_pack_renders(seeded_demo, tmp_path):
    quarter = last_complete_quarter(local_today())
    with seeded_demo.app.test_request_context():
        from quarterly import pack, service_errors, survey

        data = pack.pdf(quarter)
        errors = service_errors.section(quarter)
        corporate = survey.section(quarter).segments[0]
    text = pdf_text(data, tmp_path)
    # The pack covers every outlet of the demo (相城 and 园区): it is named after the top of its tree.
    assert f"江苏省分行{quarter.year}年第{quarter.number}季度服务质量分析会材料" in text
    assert f"对公客户{corporate.result.score:.1f}第{corporate.result.system_rank}名/共42" in text
    assert errors.volume > 0 and f"{errors.volume:,}" in text and f"{errors.rate:.1f}" in text
    assert "各月万笔差错率" in text and "各季度客户满意度得分" in text and "服务红黑榜" in text
    # A small bank's tables list every outlet: no line saying some were left out, no gap row.
    league = text[text.index("二、网点排名"):text.index("三、分项分析")]
    with seeded_demo.app.app_context():
        from core.extensions import db
        from org.models import Outlet

        names = db.session.execute(db.select(Outlet.name).where(Outlet.active)).scalars().all()
    assert len(names) <= 30 and all(name in league for name in names)
    assert "本表列出" not in text and "⋯" not in text
