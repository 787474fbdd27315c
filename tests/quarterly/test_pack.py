"""The quarterly pack read back with poppler: the analysis, then each new section with the figures worked
out from the data the fixtures wrote; an empty quarter says there is nothing rather than failing."""
from __future__ import annotations

import re

from quarterly import pack, service_errors, survey
from reports.periods import quarter_period
from tests.quarterly.conftest import pdf_text

Q3 = quarter_period(2026, 3)


def test_the_service_error_figures(pack_bank):
    figures = service_errors.section(Q3)
    assert (figures.volume, figures.errors, figures.rate) == (32000, 13, 4.1)
    assert [(m.month.month, m.outlets, m.volume, m.errors, m.rate) for m in figures.months] == [
        (7, 2, 17000, 7, 4.1), (8, 2, 15000, 6, 4.0), (9, 0, 0, 0, None)]
    assert [(o.rank, o.outlet_name, o.tellers, o.volume, o.errors, o.rate) for o in figures.outlets] == [
        (1, "元和支行", 2, 12000, 6, 5.0), (2, "黄埭支行", 1, 20000, 7, 3.5)]
    assert [(t.rank, t.employee_no, t.errors, t.rate) for t in figures.tellers] == [
        (1, "B01-1", 7, 3.5), (2, "A01-1", 4, 4.0), (3, "A01-2", 2, 10.0)]


def test_the_survey_figures_are_the_sub_branchs(pack_bank):
    figures = {s.key: s for s in survey.section(Q3).segments}
    corporate, lobby, high_end = figures["corporate"], figures["lobby"], figures["high_end_personal"]
    assert (corporate.result.score, corporate.gap, corporate.rank_change) == (93.4, 0, 3)
    assert (lobby.result.score, lobby.gap, lobby.rank_change) == (89.2, 2, None)
    assert (high_end.result.period, high_end.result.score, high_end.gap) == ("2026-08", 90.6, 3)


def test_the_pack_carries_the_analysis_and_each_section(pack_bank, app, tmp_path):
    with app.test_request_context():
        text = pdf_text(pack.pdf(Q3), tmp_path)
    # The analysis: its title, the closure rate, and the mystery visits counted only once published (80 %).
    for expected in ("相城支行2026年第3季度服务质量分析会材料", "网点排名", "高频问题", "服务红黑榜", "71.4%",
                     "神秘人暗访91.2%85.0%98.9%80.0%4次2次54次1次"):
        assert expected in text, expected
    # Customer satisfaction: score, rank, the gap to the top six and the change since Q2, the worst items.
    for expected in ("六、客户满意度", "对公客户93.4第4名/共42已达标↑3客户经理响应慢",
                     "厅堂89.2第8名/共42距目标差2名—叫号等候时间长、大堂引导不主动",
                     "高端个人客户90.6第9名/共42距目标差3名——", "各季度客户满意度得分", "各季度系统内排名", "目标：前6名"):
        assert expected in text, expected
    assert "77.7" not in text and "网点自己的事项" not in text  # an outlet's own result is not the sub-branch's
    # Business volume and service errors.
    for expected in ("七、业务量与差错", "业务量差错万笔差错率32,000134.1笔业务笔差错2个网点",
                     "2026年7月217,00074.1", "2026年8月215,00064.0", "2026年9月未导入数据",
                     "1元和支行212,00065.0", "2黄埭支行120,00073.5", "各月万笔差错率", "万笔差错率最高的2个网点",
                     "1王晓燕B01-1黄埭支行20,00073.5", "3李志强A01-2元和支行2,000210.0",
                     "八、金融消费者投诉本季度无投诉数据。", "十、说明"):
        assert expected in text, expected
    assert re.search(r"[A-Za-z]{4,}", re.sub(r"greet|lobby_\w+|teller_smile|badge|lock|B01-1|A01-\d", "", text)) \
        is None  # no English word (the fixed bank's checklist items have English titles)


def test_an_empty_quarter_says_so(pack_bank, app, tmp_path):
    with app.test_request_context():
        text = pdf_text(pack.pdf(quarter_period(2025, 1)), tmp_path)
    for expected in ("相城支行2025年第1季度服务质量分析会材料", "本季度未发现问题", "本季度无客户满意度测评数据",
                     "本季度各月无业务量与差错数据"):
        assert expected in text, expected


def test_a_large_banks_charts_by_outlet_show_the_lowest_outlets(pack_bank, app, monkeypatch, tmp_path):
    from reports import analysis

    with app.test_request_context():
        everything = analysis.content(Q3)
        lowest = max(everything["league"], key=lambda row: row.rank)
        narrowed = analysis.content(Q3, chart_limit=1)
        monkeypatch.setattr(pack, "CHART_OUTLETS", 1)
        text = pdf_text(pack.pdf(Q3), tmp_path)
    assert everything["charted_outlets"] is None and len(everything["radars"]) == 2
    assert narrowed["charted_outlets"] == 1 and len(narrowed["league"]) == 2
    assert len(narrowed["radars"]) == 1 and lowest.name in str(narrowed["radars"][0])
    other = next(row.name for row in everything["league"] if row is not lowest)
    assert other in str(everything["trend_by_outlet"]) and other not in str(narrowed["trend_by_outlet"])
    assert lowest.name in str(narrowed["trend_by_outlet"])
    assert "各网点图表仅列网点排名最后的1个网点（共2个网点），全部网点见网点排名表。" in text
