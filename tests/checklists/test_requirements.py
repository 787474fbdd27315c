"""整改要求 of checklist items: optional, carried by YAML, JSON, XLSX and the API, worded from the label when
an item has none (never its guidance), and absent from the documents of versions written before it."""
from __future__ import annotations

import pytest

from checklists import definition, textio, xlsx_io
from checklists.requirements import requirement_text
from core.audit import content_hash
from tests.checklists.conftest import DEFAULT_FILES


def T(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def document() -> dict:
    """`pause` has guidance and its own requirement; `badge` guidance only; `seat` neither."""
    return {"kind": "onsite", "code": "requirements", "name": T("整改要求", "Requirements"), "sections": [
        {"key": "counter", "label": T("柜面", "Counter"), "items": [
            {"key": "pause", "type": "check", "label": T("离柜放置暂停服务牌", "Puts out the pause sign"),
             "guidance": T("无人离柜时可选不适用。", "N/A if nobody left."),
             "requirement": T("离柜时放置“暂停服务”牌并向客户致歉。", "Put out the sign and apologise."), "points": 2},
            {"key": "badge", "type": "check", "label": T("佩戴工牌", "Wears the badge"),
             "guidance": T("观察全部柜员。", "Watch every teller."), "points": 1},
            {"key": "seat", "type": "check", "label": T("爱心座椅", "Priority seating"), "points": 1},
        ]}]}


def test_a_requirement_survives_the_canonical_dump_yaml_json_and_the_workbook():
    data = definition.dump(definition.parse(document()))
    items = {item["key"]: item for item in data["sections"][0]["items"]}
    assert items["pause"]["requirement"] == T("离柜时放置“暂停服务”牌并向客户致歉。", "Put out the sign and apologise.")
    assert "requirement" not in items["badge"] and "requirement" not in items["seat"]
    assert definition.dump(definition.parse(textio.load(textio.dump_yaml(data), "yaml"))) == data
    assert definition.dump(definition.parse(textio.load(textio.dump_json(data), "json"))) == data
    workbook = xlsx_io.export(data)
    assert definition.dump(definition.parse(xlsx_io.read(workbook))) == data
    row = xlsx_io.item_to_row("counter", items["pause"])
    assert (row["requirement_zh"], row["requirement_en"]) == ("离柜时放置“暂停服务”牌并向客户致歉。",
                                                              "Put out the sign and apologise.")


def test_a_checklist_written_before_requirements_keeps_its_document_and_hash():
    before = document()
    for item in before["sections"][0]["items"]:
        item.pop("requirement", None)
    dumped = definition.dump(definition.parse(before))
    assert all("requirement" not in item for item in dumped["sections"][0]["items"])
    assert content_hash(dumped) == content_hash(definition.dump(definition.parse(dumped)))
    assert all(item.requirement is None for item in definition.parse(before).all_items())


@pytest.mark.parametrize("value", [5, ["整改"], {"zh": "整改", "fr": "corriger"}])
def test_a_requirement_must_be_bilingual_text(value):
    data = document()
    data["sections"][0]["items"][1]["requirement"] = value
    with pytest.raises(definition.DefinitionError) as error:
        definition.parse(data)
    assert "sections[0].items[1].requirement" in error.value.by_path()


def test_the_requirement_is_the_items_own_or_worded_from_its_label_never_the_guidance(app):
    checklist = definition.parse(document())
    pause, badge, seat = (checklist.item(key) for key in ("pause", "badge", "seat"))
    with app.test_request_context():
        assert requirement_text(pause, "zh") == "离柜时放置“暂停服务”牌并向客户致歉。"
        assert requirement_text(pause, "en") == "Put out the sign and apologise."
        assert requirement_text(badge, "zh") == "请按“佩戴工牌”要求整改。"
        assert requirement_text(badge, "en") == "Rectify as “Wears the badge” requires."
        assert requirement_text(seat, "zh") == "请按“爱心座椅”要求整改。"


def test_every_scored_item_of_the_default_checklists_says_its_own_requirement(default_doc):
    for name in DEFAULT_FILES:
        for item in definition.parse(default_doc(name)).all_items():
            if not item.scored:
                continue
            assert item.requirement is not None and item.requirement.zh and item.requirement.en, (name, item.key)
            assert item.requirement.zh != (item.guidance.zh if item.guidance else ""), (name, item.key)
