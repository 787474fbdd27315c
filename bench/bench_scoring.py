"""Scoring throughput: inspections per second for a 60-item checklist on one core."""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checklists import definition, scoring

LABEL = {"zh": "检查项", "en": "Item"}


def sixty_item_checklist() -> definition.Checklist:
    sections = []
    for s in range(6):
        items = []
        for i in range(10):
            key = f"s{s}_i{i}"
            kind = ("check", "check", "check", "check", "scale", "choice", "number", "duration", "check", "check")[i]
            item = {"key": key, "type": kind, "label": LABEL, "points": 2, "severity": "major"}
            if kind == "scale":
                item["scale"] = {"max": 4, "labels": [LABEL] * 5}
                item["pass_min"] = 2
            elif kind == "choice":
                item["options"] = [{"key": "good", "label": LABEL, "points": 2},
                                   {"key": "poor", "label": LABEL, "points": 0, "fail": True}]
            elif kind == "number":
                item.update({"min": 0, "max": 100, "pass_max": 10})
            elif kind == "duration":
                item["pass_max"] = 600
            if i == 9:
                item["condition"] = f"s{s}_i0 = pass"
            if s == 5 and i == 8:
                item["critical"] = "cap_grade"
                item["cap_grade"] = "C"
            items.append(item)
        sections.append({"key": f"s{s}", "label": LABEL, "items": items})
    return definition.parse({"kind": "onsite", "code": "bench", "name": LABEL, "sections": sections})


def random_answers(checklist, rng: random.Random) -> dict:
    answers = {}
    for item in checklist.all_items():
        if item.type == "check":
            answers[item.key] = rng.choice(["pass", "pass", "pass", "fail", "na"])
        elif item.type == "scale":
            answers[item.key] = rng.randint(0, 4)
        elif item.type == "choice":
            answers[item.key] = rng.choice(["good", "poor"])
        elif item.type == "number":
            answers[item.key] = rng.randint(0, 20)
        else:
            answers[item.key] = rng.randint(30, 900)
    return answers


def main(runs: int = 5, batch: int = 20000) -> None:
    checklist = sixty_item_checklist()
    rng = random.Random(7)
    answer_sets = [random_answers(checklist, rng) for _ in range(500)]
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        for n in range(batch):
            scoring.score(checklist, answer_sets[n % 500])
        rates.append(batch / (time.perf_counter() - started))
    median = statistics.median(rates)
    print(f"scoring, 60-item checklist, one core: median {median:,.0f} inspections/s "
          f"({1e6 / median:.1f} µs each) over {runs} runs of {batch:,}; goal ≥ 20,000/s")


if __name__ == "__main__":
    main()
