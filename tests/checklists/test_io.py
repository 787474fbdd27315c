"""Checklist files in and out: XLSX, YAML and JSON round trips, and refused uploads that save nothing."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from checklists import definition, textio, xlsx_io
from core.audit import content_hash
from core.errors import OperationError
from tests.checklists.conftest import DEFAULT_FILES


def canonical(data: dict) -> dict:
    return definition.dump(definition.parse(data))


def T(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


# --- round trips -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", DEFAULT_FILES)
def test_xlsx_round_trip_of_each_default(default_doc, name):
    data = canonical(default_doc(name))
    back = xlsx_io.read(xlsx_io.export(data))
    assert canonical(back) == data
    assert content_hash(canonical(back)) == content_hash(data)


@pytest.mark.parametrize("name", DEFAULT_FILES)
def test_yaml_and_json_round_trips_of_each_default(default_doc, name):
    data = canonical(default_doc(name))
    from_yaml = textio.load(textio.dump_yaml(data).encode(), "yaml")
    from_json = textio.load(textio.dump_json(data).encode(), "json")
    assert from_yaml == data and from_json == data  # the canonical dict itself, unchanged
    assert content_hash(canonical(from_yaml)) == content_hash(canonical(from_json)) == content_hash(data)


def awkward() -> dict:
    """Every column in use, and text that the workbook's cells and option lines must not mangle."""
    return {
        "kind": "mystery", "code": "Awkward_1", "name": T("=不是公式", "Pipes | and \\ backslashes"),
        "description": T("说明", "About"),
        "grades": [{"grade": "P", "min": 70.5, "label": T("通过", "Pass")},
                   {"grade": "F", "min": 0, "label": T("未通过", "Fail")}],
        "sections": [
            {"key": "one", "label": T("第一|部分", "Part \\ one"), "items": [
                {"key": "c1", "type": "check", "label": T("=SUM(A1)", "starts with equals"),
                 "guidance": T("多行\n说明", "two\nlines"), "requirement": T("整改|要求\n两行", "fix \\ it"),
                 "points": 2.5, "severity": "critical",
                 "critical": "cap_grade", "cap_grade": "F", "photo_on_fail": True, "attribute_to_staff": True,
                 "allow_na": False, "required": False, "reference_photo": "ref/c1.jpg"},
                {"key": "s1", "type": "scale", "label": T("量表", "Scale"), "points": 3, "pass_min": 1,
                 "requirement": T("只有中文", ""),
                 "condition": "c1 = pass or c1 = na",
                 "scale": {"max": 2, "labels": [T("差|劣", "bad | worse"), T("中\\", "mid\\"), T("好", "good")]}},
                {"key": "m1", "type": "choice", "label": T("多选", "Multi"), "points": 4, "multiple": True,
                 "options": [{"key": "x", "label": T("甲|乙", "a | b"), "points": 2.5},
                             {"key": "y", "label": T("丙", "c\\|d"), "points": 4},
                             {"key": "z", "label": T("丁", "d"), "points": 0, "fail": True}]},
            ]},
            {"key": "two", "label": T("第二部分", "Part two"), "items": [
                {"key": "n1", "type": "number", "label": T("数值", "Number"), "points": 1, "min": -5,
                 "max": 5.5, "pass_min": -1, "pass_max": 1, "condition": "s1 >= 1 and m1 != z"},
                {"key": "d1", "type": "duration", "label": T("时长", "Duration"), "points": 1, "pass_max": 90,
                 "max": 600},
                {"key": "t1", "type": "text", "label": T("文字", "Text"), "max_length": 50},
                {"key": "p1", "type": "photo", "label": T("照片", "Photo"), "min_photos": 3},
                {"key": "g1", "type": "signature", "label": T("签名", "Signature"), "required": False},
            ]},
        ],
    }


def test_xlsx_round_trip_keeps_every_column_and_awkward_text():
    data = canonical(awkward())
    back = xlsx_io.read(xlsx_io.export(data))
    assert canonical(back) == data
    # The label that starts with '=' was written as text, not as a formula.
    book = load_workbook(io.BytesIO(xlsx_io.export(data)))
    label_cell = book["items"].cell(row=2, column=xlsx_io.ITEM_COLUMNS.index("label_zh") + 1)
    assert (label_cell.value, label_cell.data_type) == ("=SUM(A1)", "s")


def test_exported_workbook_layout(default_doc):
    data = canonical(default_doc("onsite.yaml"))
    book = load_workbook(io.BytesIO(xlsx_io.export(data)))
    assert book.sheetnames == ["settings", "sections", "items"]  # default grades: no grades sheet
    items = list(book["items"].iter_rows(values_only=True))
    assert list(items[0]) == xlsx_io.ITEM_COLUMNS
    assert len(items) - 1 == sum(len(s["items"]) for s in data["sections"])
    row = dict(zip(xlsx_io.ITEM_COLUMNS, items[1], strict=True))
    assert (row["section"], row["key"], row["type"]) == ("lobby", "lobby_manager_on_duty", "check")
    choice = next(dict(zip(xlsx_io.ITEM_COLUMNS, r, strict=True)) for r in items[1:] if r[1] == "counter_service_attitude")
    first = next(i for s in data["sections"] for i in s["items"] if i["key"] == "counter_service_attitude")["options"][0]
    assert choice["options"].splitlines()[0] == \
        f"warm_proactive | {first['label']['zh']} | {first['label']['en']} | 3"
    assert choice["options"].splitlines()[2].endswith("| 0 | fail")


# --- malformed workbooks -----------------------------------------------------------------------------

def small() -> dict:
    """Items sheet rows: 2 greet, 3 order, 4 mood, 5 queue, 6 wait, 7 notes."""
    return canonical({
        "kind": "onsite", "code": "wb-test", "name": T("工作簿", "Workbook"),
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
                {"key": "queue", "type": "number", "label": T("排队", "Queue"), "points": 3, "min": 0, "max": 99,
                 "pass_max": 10},
                {"key": "wait", "type": "duration", "label": T("等候", "Wait"), "points": 2, "pass_max": 600},
                {"key": "notes", "type": "text", "label": T("备注", "Notes")},
            ]},
        ],
    })


def workbook(change=None, data=None) -> bytes:
    """The exported workbook of `small()`, changed by change(book) before saving."""
    book = load_workbook(io.BytesIO(xlsx_io.export(data or small())))
    if change:
        change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def set_cell(row: int, column: str, value):
    def change(book):
        book["items"].cell(row=row, column=xlsx_io.ITEM_COLUMNS.index(column) + 1).value = value
    return change


def several(*changes):
    def change(book):
        for each in changes:
            each(book)
    return change


def drop_points_column(book):
    book["items"].delete_cols(xlsx_io.ITEM_COLUMNS.index("points") + 1)


def drop_items_sheet(book):
    del book["items"]


BAD_WORKBOOKS = {
    "missing column": (drop_points_column, "Sheet items, row 1: the column points is missing"),
    "missing sheet": (drop_items_sheet, "The sheet items is missing."),
    "unknown type": (set_cell(5, "type", "counter"),
                     ("Sheet items, row 5 (item “Queue”), column type: unknown type “counter”; use one of check, "
                      "scale, choice, number, duration, text, photo, signature")),
    "duplicate key": (set_cell(5, "key", "greet"),
                      "Sheet items, row 5 (item “Queue”), column key: item key “greet” is used twice"),
    "unknown condition key": (set_cell(5, "condition", "ghost = pass"),
                              "Sheet items, row 5 (item “Queue”), column condition: names unknown item “ghost”"),
    "points out of range": (set_cell(5, "points", 101),
                            "Sheet items, row 5 (item “Queue”), column points: must be between 0 and 100"),
    "negative points": (set_cell(2, "points", -1),
                        "Sheet items, row 2 (item “Greets”), column points: must be between 0 and 100"),
    "section not in sheet": (set_cell(5, "section", "ghost"), ("Sheet items, row 5 (item “Queue”), column section: "
                                                              "the section “ghost” is not in the sections sheet")),
    "points not a number": (set_cell(5, "points", "three"),
                            "Sheet items, row 5 (item “Queue”), column points: “three” is not a number"),
    "bad option line": (set_cell(4, "options", "warm | 热情 | Warm\nrude | 粗鲁 | Rude | 0 | fail"),
                        ("Sheet items, row 4 (item “Attitude”), column options: the option line “warm | 热情 | Warm” "
                         "must be “key | 中文 | English | points [| fail]”")),
    "bad scale line": (set_cell(3, "options", "0 | 差 | Poor\n2 | 中 | Fair\n2 | 好 | Good"),
                       ("Sheet items, row 3 (item “Order”), column options: the scale line “2 | 中 | Fair” must be "
                        "“1 | 中文 | English”")),
    "not yes or no": (set_cell(2, "allow_na", "maybe"),
                      "Sheet items, row 2 (item “Greets”), column allow_na: “maybe” is not yes or no"),
    # Without its English label the row's item is named by its Chinese one.
    "missing english label": (set_cell(6, "label_en", None),
                              "Sheet items, row 6 (item “等候”), column label_en: the English text is required"),
}


def circular(book):
    for row, condition in ((2, "order = 2"), (3, "queue < 5"), (5, "greet = pass")):
        set_cell(row, "condition", condition)(book)


@pytest.mark.parametrize("case", sorted(BAD_WORKBOOKS))
def test_malformed_workbook_names_sheet_and_row(english, case):
    change, expected = BAD_WORKBOOKS[case]
    with pytest.raises(OperationError) as caught:
        xlsx_io.read(workbook(change))
    assert caught.value.status == 422
    assert expected in caught.value.errors["workbook"], caught.value.errors
    assert "nothing was saved" in caught.value.message


def test_circular_condition_in_a_workbook_names_the_row(english):
    with pytest.raises(OperationError) as caught:
        xlsx_io.read(workbook(circular))
    (problem,) = caught.value.errors["workbook"]
    assert problem.startswith(("Sheet items, row 2 (item “Greets”), column condition: circular condition: ",
                               "Sheet items, row 3 (item “Order”), column condition: circular condition: ",
                               "Sheet items, row 5 (item “Queue”), column condition: circular condition: "))
    cycle = problem.split("circular condition: ")[1].split(" → ")
    assert sorted(cycle[:-1]) == ["Greets", "Order", "Queue"]  # the items by their labels


def test_all_workbook_problems_come_together(english):
    change = several(set_cell(2, "points", "x"), set_cell(5, "section", "ghost"), set_cell(7, "allow_na", "??"))
    with pytest.raises(OperationError) as caught:
        xlsx_io.read(workbook(change))
    assert caught.value.errors["workbook"] == [
        "Sheet items, row 2 (item “Greets”), column points: “x” is not a number",
        "Sheet items, row 5 (item “Queue”), column section: the section “ghost” is not in the sections sheet",
        "Sheet items, row 7 (item “Notes”), column allow_na: “??” is not yes or no",
    ]


def test_not_a_workbook():
    with pytest.raises(OperationError) as caught:
        xlsx_io.read(b"PK\x03\x04 certainly not a workbook")
    assert caught.value.status == 400


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(english):
    def insert_blank(book):
        book["items"].insert_rows(3)
    data = xlsx_io.read(workbook(insert_blank))
    assert canonical(data) == small()
    with pytest.raises(OperationError) as caught:
        xlsx_io.read(workbook(several(insert_blank, set_cell(6, "points", 500))))
    assert caught.value.errors["workbook"] == ["Sheet items, row 6 (item “Queue”), column points: must be between 0 and 100"]


# --- YAML and JSON text ----------------------------------------------------------------------------

def test_yaml_syntax_error_names_the_line(english):
    text = "kind: onsite\ncode: bad-yaml\nname: zh: 坏\nsections: []\n"
    with pytest.raises(OperationError) as caught:
        textio.load(text.encode(), "yaml")
    assert caught.value.status == 400 and caught.value.problem == "file_unreadable"
    assert "line 3, column " in caught.value.message


def test_json_syntax_error_names_the_line(english):
    with pytest.raises(OperationError) as caught:
        textio.load(b'{\n  "kind": "onsite",\n  "code": oops\n}', "json")
    assert caught.value.status == 400 and "line 3, column " in caught.value.message


ALIAS_BOMB = "\n".join(
    ["kind: onsite", "code: bomb", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + n)}: &{chr(98 + n)} [" + ",".join([f"*{chr(97 + n)}"] * 9) + "]" for n in range(8)]
) + "\n"


def test_yaml_alias_bomb_is_refused(english):
    with pytest.raises(OperationError) as caught:
        textio.load(ALIAS_BOMB.encode(), "yaml")
    assert caught.value.status == 400
    assert "aliases (&name, *name) are not allowed" in caught.value.message
    assert "line 4" in caught.value.message  # the first alias


def test_even_a_single_alias_is_refused(english):
    text = "kind: onsite\ncode: x\nname: &n {zh: 甲, en: A}\ndescription: *n\n"
    with pytest.raises(OperationError, match="aliases"):
        textio.load(text.encode(), "yaml")


def test_yaml_must_hold_a_mapping(english):
    with pytest.raises(OperationError, match="one checklist"):
        textio.load(b"- just\n- a list\n", "yaml")


def test_yaml_custom_tags_are_refused():
    with pytest.raises(OperationError) as caught:
        textio.load(b"kind: !!python/object/apply:os.system ['echo hi']\n", "yaml")
    assert caught.value.status == 400


# --- files that parse but cannot be kept --------------------------------------------------------------

@pytest.mark.parametrize(("text", "fmt"), [
    ("[" * 100_000 + "]" * 100_000, "json"),
    ('{"kind": "onsite", "sections": ' + "[" * 40 + "]" * 40 + "}", "json"),
    ("kind: onsite\nsections: " + "[" * 5000 + "]" * 5000 + "\n", "yaml"),
    ('{"kind": "onsite", "code": ' + "9" * 5000 + "}", "json"),
    ('{"kind": "onsite", "points": NaN}', "json"),
])
def test_deep_or_unstorable_checklist_files_are_refused(text, fmt):
    with pytest.raises(OperationError) as caught:
        textio.load(text.encode(), fmt)
    assert caught.value.status == 400


@pytest.mark.parametrize("points", [float("nan"), float("inf")])
def test_a_checklist_number_must_be_finite(english, points):
    data = small()
    data["sections"][0]["items"][0]["points"] = points
    with pytest.raises(definition.DefinitionError) as caught:
        definition.parse(data)
    assert "finite" in str(caught.value)


@pytest.mark.parametrize("label", ["问\x00候", "问\ud800候", "\x1b[31m问候"])
def test_checklist_text_without_control_characters_or_half_surrogates(label):
    data = small()
    data["sections"][0]["items"][0]["label"]["zh"] = label
    with pytest.raises(definition.DefinitionError):
        definition.parse(data)
