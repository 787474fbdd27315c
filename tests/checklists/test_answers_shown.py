"""Answers as pages show them: options by label, scales out of their maximum, durations with a unit."""
from __future__ import annotations

import pytest

from checklists.answers_shown import answer_text
from checklists.document import Item, Option, Text

MOOD = Item("mood", "choice", Text("态度", "Attitude"), options=(
    Option("warm_proactive", Text("热情主动", "Warm and proactive")), Option("standard", Text("基本规范", "Standard"))))
SCALE = Item("order", "scale", Text("秩序", "Order"), scale_max=4)
WAIT = Item("waiting", "duration", Text("等候时间", "Waiting time"))
CHECK = Item("tidy", "check", Text("整洁", "Tidy"))


@pytest.mark.parametrize(("language", "item", "value", "shown"), [
    ("zh", MOOD, "warm_proactive", "热情主动"), ("en", MOOD, "warm_proactive", "Warm and proactive"),
    ("zh", MOOD, ["standard", "warm_proactive"], "基本规范、热情主动"),
    ("zh", SCALE, 3, "3 / 4"), ("en", SCALE, 2.0, "2 / 4"),
    ("zh", WAIT, 420, "7 分钟"), ("zh", WAIT, 75, "1 分 15 秒"), ("en", WAIT, 45, "45 s"), ("en", WAIT, 900, "15 min"),
    ("zh", CHECK, "na", "不适用"), ("en", CHECK, "pass", "Pass"), ("zh", CHECK, "fail", "不合格"),
    ("zh", CHECK, None, "—"),
])
def test_an_answer_reads_as_a_person_would_say_it(app, language, item, value, shown):
    with app.test_request_context(f"/?lang={language}"):
        assert answer_text(item, value) == shown
