"""The parsed form of a checklist version: immutable dataclasses the scoring engine and pages read."""
from __future__ import annotations

from dataclasses import dataclass, field

from checklists.conditions import Condition

SCORED_TYPES = ("check", "scale", "choice", "number", "duration")


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def get(self, locale: str) -> str:
        return (self.en if locale == "en" else self.zh) or self.zh or self.en

    def dump(self) -> dict:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Option:
    key: str
    label: Text
    points: float = 0
    fail: bool = False


@dataclass(frozen=True)
class Item:
    key: str
    type: str
    label: Text
    points: float = 0
    guidance: Text | None = None
    # What the outlet is told to do when the item fails (整改要求); the inspector's guidance is not it.
    requirement: Text | None = None
    severity: str = "minor"
    critical: str = "none"
    cap_grade: str | None = None
    photo_on_fail: bool = False
    attribute_to_staff: bool = False
    allow_na: bool = True
    required: bool = True
    condition: Condition | None = None
    reference_photo: str | None = None
    scale_max: int | None = None
    scale_labels: tuple[Text, ...] = ()
    pass_min: float | None = None
    pass_max: float | None = None
    min: float | None = None
    max: float | None = None
    options: tuple[Option, ...] = ()
    multiple: bool = False
    max_length: int = 2000
    min_photos: int = 1

    @property
    def scored(self) -> bool:
        return self.type in SCORED_TYPES and self.points > 0


@dataclass(frozen=True)
class Section:
    key: str
    label: Text
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Grade:
    grade: str
    min: float
    label: Text


@dataclass(frozen=True)
class Checklist:
    kind: str
    code: str
    name: Text
    description: Text | None
    grades: tuple[Grade, ...]
    sections: tuple[Section, ...]
    items_by_key: dict[str, Item] = field(default_factory=dict, compare=False, repr=False, hash=False)
    # Derived structures (the compiled scorer) kept with the immutable checklist they derive from.
    cache: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    def item(self, key: str) -> Item | None:
        return self.items_by_key.get(key)

    def all_items(self):
        for section in self.sections:
            yield from section.items
