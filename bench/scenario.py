"""Simulated residents: what each one sends, taken from the held-out split, and when."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from bot.nlu.evaluation import Example

# One resident's conversation: questions, 👍 on an answer, back to the menu, a topic from it.
TEMPLATE = ("text", "feedback", "text", "menu", "topic", "text", "text", "text", "text", "text")


@dataclass(frozen=True)
class Action:
    kind: str  # "text", "feedback" (👍), "menu" (back to the menu) or "topic" (a topic of the menu)
    text: str  # the message; for a button, what the resident types instead when the button is missing
    language: str
    intent: str | None = None  # the held-out label of a text
    topic: str = ""


@dataclass(frozen=True)
class Script:
    index: int
    language: str
    actions: tuple[Action, ...]
    offset: float = 0.0  # seconds into the resident's arrival slot at which they start

    @property
    def texts(self) -> int:
        return sum(action.kind == "text" for action in self.actions)


@dataclass(frozen=True)
class LoadPlan:
    """Residents arrive one after another and each writes every `gap` seconds, so that once they
    overlap the offered load is `rate` messages per second (residents arrive at rate / per_resident)."""

    residents: int
    per_resident: int
    rate: float  # offered messages per second, all residents together, in the steady state
    gap: float = 2.0  # seconds between one resident's messages
    reply_timeout: float = 10.0
    quiet: float = 0.3  # a resident writes again only after the bot was quiet this long

    @property
    def messages(self) -> int:
        return self.residents * self.per_resident

    @property
    def duration(self) -> float:
        return self.messages / self.rate + (self.per_resident - 1) * self.gap


def make_scripts(examples: list[Example], plan: LoadPlan, topics: list[str], seed: int = 7) -> list[Script]:
    """Residents cycle through the languages; each asks held-out questions in their language.

    Each resident starts at a random moment of their arrival slot: without it every resident's
    messages would fall on the same grid of slots and arrive ten at a time (at 20 msg/s) instead
    of one after another at random moments, as independent people write."""
    chance = random.Random(seed)
    phases = random.Random(seed + 1)  # a generator of its own: the messages stay those of earlier runs
    by_language: dict[str, list[Example]] = {}
    for example in examples:
        by_language.setdefault(example.language, []).append(example)
    languages = sorted(by_language)
    pools = {}
    for language, pool in by_language.items():
        chance.shuffle(pool)
        pools[language] = itertools.cycle(pool)
    scripts = []
    for index in range(plan.residents):
        language = languages[index % len(languages)]
        actions = []
        for step in range(plan.per_resident):
            kind = TEMPLATE[step % len(TEMPLATE)]
            example = next(pools[language])
            topic = chance.choice(topics) if kind == "topic" else ""
            actions.append(Action(kind, example.text, language, example.intent, topic))
        offset = phases.uniform(0.0, plan.per_resident / plan.rate)
        scripts.append(Script(index, language, tuple(actions), offset))
    return scripts


def due(plan: LoadPlan, script: Script, step: int) -> float:
    """Seconds after the start at which a resident's step is offered."""
    return script.index * plan.per_resident / plan.rate + script.offset + step * plan.gap


def steady_rate(plan: LoadPlan, started: float, moments: list[float]) -> float:
    """Events per second while every resident's conversation overlaps (arrivals and departures
    balance); over the whole run when that window is short (small runs)."""
    begin, end = started + (plan.per_resident - 1) * plan.gap, started + plan.messages / plan.rate
    if end - begin < 5.0:
        begin, end = started, max(moments, default=started)
    inside = sum(begin <= moment <= end for moment in moments)
    return round(inside / max(end - begin, 1e-9), 2)
