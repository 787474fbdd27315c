"""Parsing, dumping and validating checklist definitions (checklists/definition.py)."""
from __future__ import annotations

import copy

import pytest
import yaml

from checklists import definition, textio
from checklists.definition import DefinitionError
from core.audit import content_hash
from tests.checklists.conftest import DEFAULT_FILES

pytestmark = pytest.mark.usefixtures("english")


def T(zh: str, en: str | None = None) -> dict:
    return {"zh": zh, "en": en if en is not None else zh.upper()}


def base() -> dict:
    """A small valid checklist: two sections, one item of most types."""
    return {
        "kind": "onsite", "code": "unit-test", "name": T("单元测试", "Unit test"),
        "sections": [
            {"key": "front", "label": T("前台", "Front"), "items": [
                {"key": "greet", "type": "check", "label": T("问候", "Greets"), "points": 2},
                {"key": "order", "type": "scale", "label": T("秩序", "Order"), "points": 4, "pass_min": 2,
                 "scale": {"max": 2, "labels": [T("差", "Poor"), T("中", "Fair"), T("好", "Good")]}},
                {"key": "mood", "type": "choice", "label": T("态度", "Attitude"), "points": 3,
                 "options": [{"key": "warm", "label": T("热情", "Warm"), "points": 3},
                             {"key": "rude", "label": T("粗鲁", "Rude"), "points": 0, "fail": True}]},
            ]},
            {"key": "back", "label": T("后台", "Back"), "items": [
                {"key": "queue", "type": "number", "label": T("排队人数", "Queue"), "points": 3, "min": 0,
                 "max": 100, "pass_max": 10},
                {"key": "wait", "type": "duration", "label": T("等候", "Wait"), "points": 2, "pass_max": 600},
                {"key": "notes", "type": "text", "label": T("备注", "Notes")},
            ]},
        ],
    }


def problems_of(data: dict) -> dict[str, list[str]]:
    with pytest.raises(DefinitionError) as caught:
        definition.parse(data)
    return caught.value.by_path()


def item(data: dict, section: int, index: int) -> dict:
    return data["sections"][section]["items"][index]


# --- round trips of the defaults ------------------------------------------------------------------

@pytest.mark.parametrize("name", DEFAULT_FILES)
def test_default_round_trips_through_dump_and_parse(default_doc, name):
    raw = default_doc(name)
    parsed = definition.parse(raw)
    dumped = definition.dump(parsed)
    again = definition.parse(dumped)
    # Same checklist (dataclass equality covers every section, item, option, condition and grade).
    assert again == parsed
    # The canonical dump is a fixed point, so its hash is stable.
    assert definition.dump(again) == dumped
    assert content_hash(definition.dump(again)) == content_hash(dumped)
    # Through the YAML text form as well.
    assert definition.parse(textio.load(textio.dump_yaml(dumped), "yaml")) == parsed
    # Nothing lost: every section and item key of the file, in file order.
    assert [s["key"] for s in dumped["sections"]] == [s["key"] for s in raw["sections"]]
    assert [i["key"] for s in dumped["sections"] for i in s["items"]] == \
        [i["key"] for s in raw["sections"] for i in s["items"]]
    assert len(parsed.items_by_key) == sum(len(s["items"]) for s in raw["sections"])


@pytest.mark.parametrize("name", DEFAULT_FILES)
def test_default_dump_keeps_every_value_of_the_file(default_doc, name):
    """The dump leaves out only defaults: every item field of the YAML comes back with the same value,
    unless the file spelled out a default."""
    raw = default_doc(name)
    dumped = definition.dump(definition.parse(raw))
    defaults = {"points": 0, "severity": "minor", "critical": "none", "photo_on_fail": False,
                "attribute_to_staff": False, "allow_na": True, "required": True, "multiple": False,
                "max_length": 2000, "min_photos": 1}
    for raw_section, dumped_section in zip(raw["sections"], dumped["sections"], strict=True):
        assert dumped_section["label"] == raw_section["label"]
        for raw_item, dumped_item in zip(raw_section["items"], dumped_section["items"], strict=True):
            for field, value in raw_item.items():
                if field == "options":
                    assert [(o["key"], o["points"], o.get("fail", False)) for o in dumped_item["options"]] == \
                        [(o["key"], o["points"], o.get("fail", False)) for o in value]
                elif field in dumped_item:
                    assert dumped_item[field] == value, (raw_item["key"], field)
                else:
                    assert defaults[field] == value, (raw_item["key"], field)


def test_dump_leaves_out_defaults_and_keeps_the_rest():
    data = base()
    item(data, 0, 0).update({"severity": "minor", "allow_na": True, "critical": "none"})
    dumped = definition.dump(definition.parse(data))
    greet = dumped["sections"][0]["items"][0]
    assert greet == {"key": "greet", "type": "check", "label": {"zh": "问候", "en": "Greets"}, "points": 2}
    assert "grades" not in dumped  # the default bands
    scale = dumped["sections"][0]["items"][1]
    assert scale["scale"]["max"] == 2 and scale["pass_min"] == 2 and len(scale["scale"]["labels"]) == 3


def test_custom_grades_are_kept():
    data = base()
    data["grades"] = [{"grade": "P", "min": 75, "label": T("通过", "Pass")},
                      {"grade": "F", "min": 0, "label": T("不通过", "Fail")}]
    parsed = definition.parse(data)
    assert [(g.grade, g.min) for g in parsed.grades] == [("P", 75), ("F", 0)]
    assert definition.dump(parsed)["grades"] == data["grades"]


def test_yaml_file_dump_is_plain_yaml():
    text = textio.dump_yaml(definition.dump(definition.parse(base())))
    assert "&" not in text and "*" not in text  # no anchors or aliases in what we write
    assert yaml.safe_load(text)["code"] == "unit-test"


# --- refusals, each naming the path ----------------------------------------------------------------

def test_the_base_checklist_is_valid():
    assert len(definition.parse(base()).items_by_key) == 6


def test_unknown_type():
    data = base()
    item(data, 1, 1)["type"] = "checkbox"
    found = problems_of(data)
    assert list(found) == ["sections[1].items[1].type"]
    assert "unknown type “checkbox”" in found["sections[1].items[1].type"][0]


def test_duplicate_item_key_across_sections():
    data = base()
    item(data, 1, 0)["key"] = "greet"
    found = problems_of(data)
    assert found == {"sections[1].items[0].key": ["item key “greet” is used twice"]}


def test_duplicate_item_key_within_a_section():
    data = base()
    item(data, 0, 2)["key"] = "order"
    assert problems_of(data) == {"sections[0].items[2].key": ["item key “order” is used twice"]}


def test_duplicate_section_key():
    data = base()
    data["sections"][1]["key"] = "front"
    assert problems_of(data) == {"sections[1].key": ["section key “front” is used twice"]}


@pytest.mark.parametrize("key", [["front"], {"key": "front"}, 7, None])
def test_a_section_key_that_is_not_text_is_a_problem_not_a_crash(key):
    data = base()
    data["sections"][0]["key"] = key
    assert problems_of(data) == {
        "sections[0].key": ["lowercase letters, digits and '_', starting with a letter"]}


def test_condition_naming_an_unknown_key():
    data = base()
    item(data, 1, 0)["condition"] = "greet = pass and ghost = pass"
    assert problems_of(data) == {"sections[1].items[0].condition": ["names unknown item “ghost”"]}


def test_self_referencing_condition():
    data = base()
    item(data, 0, 1)["condition"] = "order >= 1"
    assert problems_of(data) == {"sections[0].items[1].condition": ["an item cannot depend on itself"]}


def test_circular_condition_of_three():
    data = base()
    item(data, 0, 0)["condition"] = "order = 2"      # greet → order
    item(data, 0, 1)["condition"] = "queue < 5"      # order → queue
    item(data, 1, 0)["condition"] = "greet = pass"   # queue → greet
    found = problems_of(data)
    assert len(found) == 1
    (path, messages), = found.items()
    assert path in {"sections[0].items[0].condition", "sections[0].items[1].condition",
                    "sections[1].items[0].condition"}
    assert messages[0].startswith("circular condition: ")
    cycle = messages[0].removeprefix("circular condition: ").split(" → ")
    assert cycle[0] == cycle[-1] and sorted(cycle[:-1]) == ["Greets", "Order", "Queue"]  # by label


def test_an_acyclic_chain_of_conditions_is_fine():
    data = base()
    item(data, 0, 1)["condition"] = "greet = pass"
    item(data, 1, 0)["condition"] = "order >= 1"
    assert definition.parse(data).item("queue").condition.keys == {"order"}


@pytest.mark.parametrize("points", [101, -1, 1000])
def test_points_out_of_range(points):
    data = base()
    item(data, 0, 0)["points"] = points
    assert problems_of(data) == {"sections[0].items[0].points": ["must be between 0 and 100"]}


@pytest.mark.parametrize("points", [0, 100, 2.5])
def test_points_at_the_limits_are_fine(points):
    data = base()
    item(data, 0, 0)["points"] = points
    assert definition.parse(data).item("greet").points == points


def test_points_must_be_a_number():
    data = base()
    item(data, 0, 0)["points"] = "two"
    assert problems_of(data) == {"sections[0].items[0].points": ["must be a number"]}


def test_points_on_a_text_item():
    data = base()
    item(data, 1, 2)["points"] = 2
    assert problems_of(data) == {"sections[1].items[2].points": ["a “Text” item is not scored; points must be 0"]}


def test_cap_grade_missing_for_a_cap_grade_rule():
    data = base()
    item(data, 0, 0)["critical"] = "cap_grade"
    found = problems_of(data)
    assert list(found) == ["sections[0].items[0].cap_grade"]
    assert found["sections[0].items[0].cap_grade"][0].startswith("name the grade to cap at")


def test_cap_grade_must_name_a_grade():
    data = base()
    item(data, 0, 0).update({"critical": "cap_grade", "cap_grade": "E"})
    assert list(problems_of(data)) == ["sections[0].items[0].cap_grade"]
    item(data, 0, 0)["cap_grade"] = "C"
    assert definition.parse(data).item("greet").cap_grade == "C"


def test_cap_grade_without_the_rule():
    data = base()
    item(data, 0, 0)["cap_grade"] = "C"
    assert problems_of(data) == {"sections[0].items[0].cap_grade": ["only with critical: cap_grade"]}


def test_unscored_item_cannot_be_critical():
    data = base()
    item(data, 1, 2)["critical"] = "zero_section"
    assert problems_of(data) == {"sections[1].items[2].critical":
                                 ["a “Text” item cannot fail, so it cannot be critical"]}


@pytest.mark.parametrize("labels", [2, 4])
def test_scale_with_the_wrong_number_of_labels(labels):
    data = base()
    item(data, 0, 1)["scale"]["labels"] = [T(f"级{n}", f"L{n}") for n in range(labels)]
    assert problems_of(data) == {"sections[0].items[1].scale.labels": ["give 3 labels, one for each point 0..2"]}


def test_scale_pass_min_above_the_scale():
    data = base()
    item(data, 0, 1)["pass_min"] = 3
    assert problems_of(data) == {"sections[0].items[1].pass_min": ["must be between 0 and 2"]}


def test_choice_with_one_option():
    data = base()
    item(data, 0, 2)["options"] = item(data, 0, 2)["options"][:1]
    assert problems_of(data) == {"sections[0].items[2].options": ["a choice needs at least two options"]}


def test_option_points_above_the_item_points():
    data = base()
    item(data, 0, 2)["options"][1]["points"] = 4
    assert problems_of(data) == {"sections[0].items[2].options[1].points": ["more than the item's 3 points"]}


def test_duplicate_option_key():
    data = base()
    item(data, 0, 2)["options"][1]["key"] = "warm"
    assert problems_of(data) == {"sections[0].items[2].options[1].key": ["option “warm” is used twice"]}


@pytest.mark.parametrize("kind", ["number", "duration"])
def test_scored_measurement_without_a_pass_threshold(kind):
    data = base()
    index = 0 if kind == "number" else 1
    item(data, 1, index).pop("pass_max")
    assert problems_of(data) == {f"sections[1].items[{index}].pass_max":
                                 ["a scored item needs a pass threshold (pass_min or pass_max)"]}


def test_unscored_number_needs_no_threshold():
    data = base()
    item(data, 1, 0).pop("pass_max")
    item(data, 1, 0)["points"] = 0
    assert definition.parse(data).item("queue").scored is False


def test_number_range_upside_down():
    data = base()
    item(data, 1, 0).update({"min": 50, "max": 10, "pass_max": 5})
    assert problems_of(data) == {"sections[1].items[0].max": ["max is below min"]}


def test_unknown_item_field_typo():
    data = base()
    item(data, 0, 0)["ponits"] = 2
    assert problems_of(data) == {"sections[0].items[0].ponits": ["not a field of a “Pass / fail” item"]}


def test_field_of_another_type():
    data = base()
    item(data, 0, 0)["options"] = []
    assert problems_of(data) == {"sections[0].items[0].options": ["not a field of a “Pass / fail” item"]}


def test_unknown_top_level_and_section_fields():
    data = base()
    data["sectoins"] = []
    data["sections"][0]["itmes"] = []
    assert problems_of(data) == {"sectoins": ["unknown field"], "sections[0].itmes": ["unknown field"]}


def test_missing_english_label():
    data = base()
    item(data, 1, 1)["label"] = {"zh": "等候时间"}
    assert problems_of(data) == {"sections[1].items[1].label.en": ["the English text is required"]}


def test_missing_chinese_section_label():
    data = base()
    data["sections"][0]["label"] = {"zh": " ", "en": "Front"}
    assert problems_of(data) == {"sections[0].label.zh": ["the Chinese text is required"]}


def test_mixed_and_or_in_a_condition():
    data = base()
    item(data, 1, 0)["condition"] = "greet = pass and order >= 1 or mood = warm"
    assert problems_of(data) == {"sections[1].items[0].condition":
                                 ["use either 'and' or 'or' in one condition, not both"]}


def test_unreadable_condition():
    data = base()
    item(data, 1, 0)["condition"] = "greet is pass"
    found = problems_of(data)
    assert list(found) == ["sections[1].items[0].condition"]
    assert found["sections[1].items[0].condition"][0].startswith("cannot read “greet is pass”")


def test_numeric_comparison_needs_a_number():
    data = base()
    item(data, 1, 0)["condition"] = "order > good"
    assert problems_of(data) == {"sections[1].items[0].condition": ["> needs a number, not “good”"]}


@pytest.mark.parametrize("mins", [[80, 90, 60, 0], [90, 90, 60, 0], [90, 80, 60, 60]])
def test_grades_not_falling(mins):
    data = base()
    data["grades"] = [{"grade": g, "min": m} for g, m in zip("ABCD", mins, strict=True)]
    found = problems_of(data)
    assert found["grades"][0] == "list grades from best to worst with strictly falling minimums"


def test_last_grade_must_start_at_zero():
    data = base()
    data["grades"] = [{"grade": "A", "min": 90}, {"grade": "B", "min": 50}]
    assert problems_of(data) == {"grades": ["the last grade must start at 0"]}


def test_unknown_kind_and_bad_code():
    data = base()
    data.update({"kind": "weekly", "code": "has space"})
    found = problems_of(data)
    assert found["kind"] == ["must be one of onsite, 7s, remote, mystery"]
    assert found["code"] == ["1-40 letters, digits, '-' or '_'"]


def test_all_problems_are_reported_at_once_with_their_paths():
    data = base()
    item(data, 0, 0)["points"] = 101
    item(data, 1, 1)["label"] = {"zh": "等候"}
    data["sections"][1]["key"] = "front"
    with pytest.raises(DefinitionError) as caught:
        definition.parse(data)
    message = str(caught.value)
    assert "sections[0].items[0].points: must be between 0 and 100" in message
    assert "sections[1].items[1].label.en: the English text is required" in message
    assert "sections[1].key: section key “front” is used twice" in message
    assert len(caught.value.problems) == 3


def test_not_a_mapping():
    with pytest.raises(DefinitionError, match="must be a mapping"):
        definition.parse(["kind", "onsite"])


def test_parse_does_not_change_its_input():
    data = base()
    before = copy.deepcopy(data)
    definition.parse(data)
    assert data == before
