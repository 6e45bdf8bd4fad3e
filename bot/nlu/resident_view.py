"""What residents would see for a set of questions, scored at the bot's own thresholds.

Each question's NLU ranking goes through `bot/core/answer_choice.py:choose`, the rule the conversation
uses, and lands in one of five outcomes. The curve moves the answer threshold to show what a higher or
lower one would trade: answered right against answered wrong."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from bot.core.answer_choice import OUT_OF_SCOPE, Choice, Shown, Thresholds, choose
from bot.nlu.client import Nlu
from bot.nlu.evaluation import Example

Ranking = tuple[tuple[str, float], ...]


class Outcome(Enum):
    RIGHT = "answered right"
    WRONG = "answered wrong"
    SUGGESTED_RIGHT = "suggestion with the right one"
    SUGGESTED_OTHER = "suggestion without it"
    DECLINED = "declined"


@dataclass(frozen=True)
class Ranked:
    example: Example
    ranking: Ranking


def outcome(expected: str, choice: Choice) -> Outcome:
    """For an out-of-scope question an honest decline (or "I did not understand") is the right answer."""
    if expected == OUT_OF_SCOPE:
        if choice.shown in (Shown.DECLINE, Shown.NOT_UNDERSTOOD):
            return Outcome.RIGHT
        return Outcome.WRONG if choice.shown is Shown.ANSWER else Outcome.SUGGESTED_OTHER
    if choice.shown is Shown.ANSWER:
        return Outcome.RIGHT if choice.intent == expected else Outcome.WRONG
    if choice.shown is Shown.SUGGEST:
        return Outcome.SUGGESTED_RIGHT if expected in choice.suggestions else Outcome.SUGGESTED_OTHER
    return Outcome.DECLINED


async def rank(nlu: Nlu, examples: Sequence[Example]) -> list[Ranked]:
    ranked = []
    for example in examples:
        understanding = await nlu.parse(example.text)
        ranking = tuple((score.name, score.confidence) for score in understanding.ranking)
        ranked.append(Ranked(example, ranking))
    return ranked


def shares(
    ranked: Sequence[Ranked], answerable: Collection[str], thresholds: Thresholds
) -> dict[str, dict[Outcome, float]]:
    """Per language, the share of questions in each outcome."""
    counts: dict[str, Counter[Outcome]] = {}
    for item in ranked:
        language = item.example.language
        choice = choose(item.ranking, answerable, thresholds, language)
        counts.setdefault(language, Counter())[outcome(item.example.intent, choice)] += 1
    return {
        language: {kind: counter[kind] / max(sum(counter.values()), 1) for kind in Outcome}
        for language, counter in sorted(counts.items())
    }


def out_of_scope_declined(
    ranked: Sequence[Ranked], answerable: Collection[str], thresholds: Thresholds
) -> dict[str, float]:
    """Per language, the share of out-of-scope questions declined honestly."""
    only = [item for item in ranked if item.example.intent == OUT_OF_SCOPE]
    return {
        language: share[Outcome.RIGHT] for language, share in shares(only, answerable, thresholds).items()
    }


def curve(
    ranked: Sequence[Ranked], answerable: Collection[str], thresholds: Thresholds, steps: Sequence[float]
) -> dict[str, list[tuple[float, float, float]]]:
    """Per language, (answer threshold, answered right, answered wrong) as the threshold moves."""
    points: dict[str, list[tuple[float, float, float]]] = {}
    for step in steps:
        moved = replace(thresholds, answer=step, answer_by_language={})
        for language, share in shares(ranked, answerable, moved).items():
            points.setdefault(language, []).append((step, share[Outcome.RIGHT], share[Outcome.WRONG]))
    return points
