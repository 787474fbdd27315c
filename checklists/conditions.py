"""Visibility conditions: `<item key> <op> <value>` joined by `and` or `or` (not both)."""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass

from flask_babel import gettext as _

OPERATORS = {
    "=": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
}
_CLAUSE = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(!=|>=|<=|=|>|<)\s*(.+?)\s*$")
_NUMERIC = {">", ">=", "<", "<="}


class ConditionError(ValueError):
    pass


@dataclass(frozen=True)
class Clause:
    key: str
    op: str
    value: str | float

    def holds(self, answer) -> bool:
        if answer is None:
            return False
        if self.op in _NUMERIC:
            if isinstance(answer, bool) or not isinstance(answer, (int, float)):
                return False
            return OPERATORS[self.op](answer, self.value)
        if isinstance(answer, list):
            found = str(self.value) in [str(a) for a in answer]
            return found if self.op == "=" else not found
        if isinstance(answer, (int, float)) and not isinstance(answer, bool):
            try:
                return OPERATORS[self.op](float(answer), float(self.value))
            except ValueError:
                return self.op == "!="
        return OPERATORS[self.op](str(answer), str(self.value))


@dataclass(frozen=True)
class Condition:
    clauses: tuple[Clause, ...]
    any_of: bool  # True for `or`, False for `and`
    text: str

    @property
    def keys(self) -> set[str]:
        return {clause.key for clause in self.clauses}

    def holds(self, answers: dict) -> bool:
        results = (clause.holds(answers.get(clause.key)) for clause in self.clauses)
        return any(results) if self.any_of else all(results)


def parse_condition(text: str) -> Condition:
    text = (text or "").strip()
    if not text:
        raise ConditionError(_("empty condition"))
    has_and = re.search(r"\s+and\s+", text) is not None
    has_or = re.search(r"\s+or\s+", text) is not None
    if has_and and has_or:
        raise ConditionError(_("use either 'and' or 'or' in one condition, not both"))
    parts = re.split(r"\s+(?:and|or)\s+", text)
    clauses = []
    for part in parts:
        match = _CLAUSE.match(part)
        if not match:
            raise ConditionError(_("cannot read “%(part)s”; write '<item key> <op> <value>' with op one of "
                                   "%(operators)s", part=part.strip(), operators=", ".join(OPERATORS)))
        key, op, raw = match.groups()
        raw = raw.strip("'\"")
        if op in _NUMERIC:
            try:
                value: str | float = float(raw)
            except ValueError:
                raise ConditionError(_("%(op)s needs a number, not “%(value)s”", op=op, value=raw)) from None
        else:
            value = raw
        clauses.append(Clause(key, op, value))
    return Condition(tuple(clauses), any_of=has_or, text=text)
