"""The scoring engine: answers + checklist → item, section and total scores, grade, critical outcome.

Pure and deterministic. A checklist is compiled once (published versions never change) into flat
tuples so that scoring a 60-item inspection costs tens of microseconds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from checklists.definition import Checklist, Item

NA = "na"


class ItemResult(NamedTuple):
    key: str
    section: str
    score: float
    max: float
    state: str  # answered, na, hidden, unanswered
    failed: bool


@dataclass(frozen=True)
class SectionResult:
    key: str
    score: float
    max: float
    zeroed: bool

    @property
    def percent(self) -> float | None:
        return round(self.score / self.max * 100, 2) if self.max else None


@dataclass(frozen=True)
class ScoreResult:
    items: dict[str, ItemResult]
    sections: tuple[SectionResult, ...]
    score: float
    max: float
    percent: float
    grade: str
    grade_capped: bool
    zeroed: bool
    critical_failures: tuple[str, ...]
    failed_items: tuple[str, ...]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _result(key: str, section: str, score: float, top: float, state: str, failed: bool) -> ItemResult:
    return ItemResult(key, section, float(score), float(top), state, failed)


def _scorer(item: Item, section: str, points: float):
    """A function value → ItemResult, or None for a value this item cannot take.

    Outcomes are precomputed wherever they are finite, so scoring mostly looks results up.
    """
    key = item.key
    passed = _result(key, section, points, points, "answered", False)
    failed = _result(key, section, 0.0, points, "answered", True)
    if item.type == "check":
        verdicts = {"pass": passed, "fail": failed}
        return lambda v: verdicts.get(v) if isinstance(v, str) else None
    if item.type == "scale":
        top, pass_min = item.scale_max, item.pass_min
        assert top is not None, "a parsed scale item has its maximum"
        steps = {v: _result(key, section, points * v / top, points, "answered",
                            pass_min is not None and v < pass_min) for v in range(top + 1)}
        return lambda v: steps.get(v) if _is_number(v) else None
    if item.type == "choice":
        options = {o.key: (min(o.points, points), o.fail) for o in item.options}
        if item.multiple:
            def many(v):
                if not isinstance(v, list) or not v or any(k not in options for k in v) or len(set(v)) != len(v):
                    return None
                return _result(key, section, min(points, sum(options[k][0] for k in v)), points, "answered",
                               any(options[k][1] for k in v))
            return many
        outcomes = {k: _result(key, section, p, points, "answered", f) for k, (p, f) in options.items()}
        return lambda v: outcomes.get(v) if isinstance(v, str) else None
    if item.type in ("number", "duration"):
        high, pass_min, pass_max = item.max, item.pass_min, item.pass_max
        lowest = 0 if item.type == "duration" else item.min

        def measured(v):
            if not _is_number(v) or (lowest is not None and v < lowest) or (high is not None and v > high):
                return None
            ok = (pass_min is None or v >= pass_min) and (pass_max is None or v <= pass_max)
            return passed if ok else failed
        return measured
    answered = _result(key, section, 0.0, 0.0, "answered", False)
    return lambda v: answered  # text, photo, signature: never scored, never failing


class _Compiled(NamedTuple):
    # ((section key, ((key, allow_na, scorer, critical, cap, hidden, na, unanswered), ...)), ...)
    sections: tuple
    conditional: tuple  # ((key, condition), ...) in dependency order
    grades: tuple  # ((grade, min), ...) best first


def _dependency_order(checklist: Checklist) -> list[Item]:
    conditional = [(item, item.condition) for item in checklist.all_items() if item.condition is not None]
    ordered: list[Item] = []
    placed: set[str] = set()
    while len(ordered) < len(conditional):
        for item, condition in conditional:
            if item.key not in placed and all(
                    k in placed or checklist.items_by_key[k].condition is None for k in condition.keys):
                ordered.append(item)
                placed.add(item.key)
    return ordered


def compile_checklist(checklist: Checklist) -> _Compiled:
    compiled = checklist.cache.get("compiled")
    if compiled is None:
        compiled = checklist.cache["compiled"] = _compile(checklist)
    return compiled


def _compile(checklist: Checklist) -> _Compiled:
    sections = []
    for section in checklist.sections:
        entries = []
        for item in section.items:
            points = float(item.points) if item.scored else 0.0
            entries.append((
                item.key, item.allow_na, _scorer(item, section.key, points), item.critical, item.cap_grade,
                _result(item.key, section.key, 0, 0, "hidden", False),
                _result(item.key, section.key, 0, 0, "na", False),
                _result(item.key, section.key, 0, points, "unanswered", False),
            ))
        sections.append((section.key, tuple(entries)))
    conditional = tuple((item.key, item.condition) for item in _dependency_order(checklist))
    grades = tuple((grade.grade, grade.min) for grade in checklist.grades)
    return _Compiled(tuple(sections), conditional, grades)


def hidden_items(checklist: Checklist, answers: dict) -> set[str]:
    return _hidden(compile_checklist(checklist), answers)


def _hidden(compiled: _Compiled, answers: dict) -> set[str]:
    hidden: set[str] = set()
    if not compiled.conditional:
        return hidden
    visible_answers = dict(answers)
    for key, condition in compiled.conditional:
        if not condition.holds(visible_answers):
            hidden.add(key)
            visible_answers.pop(key, None)
    return hidden


def score(checklist: Checklist, answers: dict) -> ScoreResult:
    """answers maps item key → value ("pass", "fail", "na", a number, an option key or list of keys)."""
    compiled = compile_checklist(checklist)
    hidden = _hidden(compiled, answers)
    items: dict[str, ItemResult] = {}
    sections = []
    total = total_max = 0.0
    zero_all = False
    caps: list[str] = []
    critical_failures: list[str] = []
    failed_items: list[str] = []
    for section_key, section_items in compiled.sections:
        section_score = section_max = 0.0
        zero_section = False
        for key, allow_na, scorer, critical, cap, if_hidden, if_na, if_unanswered in section_items:
            if key in hidden:
                items[key] = if_hidden
                continue
            value = answers.get(key)
            if value is None:
                result = if_unanswered
            elif value == NA and allow_na:
                result = if_na
            else:
                result = scorer(value) or if_unanswered
            items[key] = result
            section_score += result.score
            section_max += result.max
            if result.failed:
                failed_items.append(key)
                if critical != "none":
                    critical_failures.append(key)
                    if critical == "zero_section":
                        zero_section = True
                    elif critical == "zero_inspection":
                        zero_all = True
                    elif critical == "cap_grade":
                        caps.append(cap)
        if zero_section:
            section_score = 0.0
        sections.append(SectionResult(section_key, round(section_score, 4), section_max, zero_section))
        total += section_score
        total_max += section_max
    if zero_all:
        total = 0.0
    percent = 0.0 if zero_all else round(total / total_max * 100, 2) if total_max else 100.0
    grade, capped = _grade(compiled.grades, percent, caps)
    return ScoreResult(items, tuple(sections), round(total, 4), total_max, percent, grade, capped, zero_all,
                       tuple(critical_failures), tuple(failed_items))


def _grade(grades: tuple, percent: float, caps: list[str]) -> tuple[str, bool]:
    names = [name for name, _ in grades]
    index = next((i for i, (_, minimum) in enumerate(grades) if percent >= minimum), len(grades) - 1)
    worst_cap = max((names.index(cap) for cap in caps), default=-1)
    if worst_cap > index:
        return names[worst_cap], True
    return names[index], False
