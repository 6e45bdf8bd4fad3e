"""Typed content objects, built from the files in content/."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.content import plurals
from bot.content.flows import Flow
from bot.content.office_hours import WEEKDAYS, OfficeHours
from bot.content.urgent import UrgentContent

__all__ = ["SCOPES", "WEEKDAYS", "Answer", "AnswerText", "Content", "Link", "OfficeHours", "Place", "Source"]

# The staff group works in Dutch.

# What a source may be used for: a Mechelen fact, a rule of Flanders, or a Belgian rule.
SCOPES = ("mechelen", "flemish", "federal")


@dataclass(frozen=True)
class Link:
    url: str
    labels: dict[str, str]


@dataclass(frozen=True)
class Place:
    key: str
    name: str
    street: str
    postcode: str
    city: str
    latitude: float
    longitude: float
    website: str = ""
    hours: dict[str, list[str]] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"


@dataclass(frozen=True)
class Source:
    """A public page that supports one or more facts of an answer, and when someone last checked it."""

    url: str
    supports: str
    scope: str
    checked: date
    town: str = ""

    @property
    def from_another_town(self) -> bool:
        """A page about another municipality: fine for a Flemish or federal rule, weak for a Mechelen fact."""
        return bool(self.town) and self.town.casefold() != "mechelen"


@dataclass(frozen=True)
class AnswerText:
    title: str
    body: str


@dataclass(frozen=True)
class Answer:
    intent: str
    owner: str
    sources: tuple[Source, ...]
    reviewed: date
    review_by: date
    texts: dict[str, AnswerText]
    links: list[Link] = field(default_factory=list)
    place: Place | None = None
    feedback: bool = True
    # Urgent: the answer comes with the offer of a caseworker, marked urgent.
    urgent: bool = False
    then: str | None = None
    keywords: tuple[str, ...] = ()
    origin: str = ""


@dataclass(frozen=True)
class Content:
    """Everything the assistant says, for every supported language."""

    languages: tuple[str, ...]
    greeting_fallback: tuple[str, ...]
    staff_language: str
    answers: dict[str, Answer]
    ui: dict[str, dict[str, str]]
    places: dict[str, Place]
    topics: dict[str, list[str]]
    flows: dict[str, Flow] = field(default_factory=dict)
    office_hours: OfficeHours | None = None
    staff: dict[str, str] = field(default_factory=dict)
    # Texts that change with a number: language → key → CLDR plural category → text with {count}.
    plurals: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    staff_plurals: dict[str, dict[str, str]] = field(default_factory=dict)
    phrases: dict[str, dict[str, str]] = field(default_factory=dict)
    urgent: UrgentContent = field(default_factory=UrgentContent)

    def text(self, language: str, key: str, /, **fields: str) -> str:
        """A UI string in the given language, with its {fields} filled in."""
        template = self.ui[language][key]
        return template.format(**fields) if fields else template

    def staff_text(self, key: str, /, **fields: str) -> str:
        """A sentence for caseworkers in the staff group."""
        template = self.staff[key]
        return template.format(**fields) if fields else template

    def count(self, language: str, key: str, number: int, /) -> str:
        """A number with its word in the right plural form, e.g. "30 днів" or "21 день"."""
        return plurals.choose(language, self.plurals[language][key], number)

    def staff_count(self, key: str, number: int, /) -> str:
        return plurals.choose(self.staff_language, self.staff_plurals[key], number)

    def flow_starting_on(self, intent: str) -> Flow | None:
        return next((flow for flow in self.flows.values() if intent in flow.starts_on), None)

    def is_rtl(self, language: str) -> bool:
        return self.ui[language].get("direction") == "rtl"

    def language_name(self, language: str) -> str:
        return self.ui[language]["language_name"]
