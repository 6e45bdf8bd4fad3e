"""Reads content/urgent/: the urgent categories with their first help, and the danger signals per language.

A signal is one or more words separated by spaces. A word ending in `*` matches every word that starts
with it; `a|b*|c` matches any of the alternatives; between the words of a signal up to three other words
may stand. `calm:` lists phrases that make a matching danger word harmless ("dying to learn").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.problems import Problem
from bot.content.yaml_lines import LineStr, YamlFileError, load_yaml, where

CALM = "calm"
TOKEN = re.compile(r"^[^\s*|]+\*?$")
URL = re.compile(r"^https?://[\w.-]+\.[a-z]{2,}(/\S*)?$")


@dataclass(frozen=True)
class Signal:
    """One danger (or calm) phrase of one language, as staff wrote it, and where."""

    text: str
    category: str
    language: str
    origin: str


@dataclass(frozen=True)
class UrgentCategory:
    key: str
    staff_label: str
    help: dict[str, str]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class NluRule:
    intent: str
    threshold: float
    category: str


@dataclass(frozen=True)
class UrgentContent:
    """Categories in the order they win, the NLU rules, the out-of-hours note and every signal."""

    categories: dict[str, UrgentCategory] = field(default_factory=dict)
    nlu: tuple[NluRule, ...] = ()
    closed_note: dict[str, str] = field(default_factory=dict)
    signals: tuple[Signal, ...] = ()


def read_urgent(root: Path, languages: tuple[str, ...]) -> tuple[UrgentContent, list[Problem]]:
    """The urgent content under `root` (content/urgent) and every problem as (where, message)."""
    problems: list[Problem] = []

    def read(path: Path, text_lines: bool = False) -> Any:
        try:
            return load_yaml(path, text_lines=text_lines)
        except YamlFileError as error:
            problems.append(Problem(error.where, error.reason))
            return None

    path = root / "categories.yaml"
    data = read(path)
    if not isinstance(data, dict) or not isinstance(data.get("categories"), dict):
        problems.append(Problem(str(path), "needs `categories`, `nlu` and `closed_note`"))
        return UrgentContent(), problems
    categories: dict[str, UrgentCategory] = {}
    for key, raw in data["categories"].items():
        spot = where(path, raw)
        if not isinstance(raw, dict) or not isinstance(raw.get("help"), dict) or not raw.get("staff"):
            problems.append(
                Problem(spot, f"category `{key}` needs `staff`, `sources` and `help` per language")
            )
            continue
        sources = tuple(str(source) for source in raw.get("sources") or ())
        if not sources or not all(URL.match(source) for source in sources):
            problems.append(
                Problem(spot, f"category `{key}` needs `sources`: the pages that confirm its numbers")
            )
        texts = {str(language): str(text).strip() for language, text in raw["help"].items()}
        for language in languages:
            if not texts.get(language):
                problems.append(
                    Problem(where(path, raw["help"]), f"category `{key}` has no help in `{language}`")
                )
            elif not re.search(r"\d{3}", texts[language].splitlines()[0]):
                problems.append(
                    Problem(
                        where(path, raw["help"]),
                        f"`{key}` in `{language}`: the first line must give the number",
                    )
                )
        categories[str(key)] = UrgentCategory(str(key), str(raw["staff"]), texts, sources)
    rules = []
    for intent, rule in (data.get("nlu") or {}).items():
        try:
            threshold, category = float(rule["threshold"]), str(rule["category"])
        except (KeyError, TypeError, ValueError):
            problems.append(Problem(where(path, data), f"nlu `{intent}` needs `threshold` and `category`"))
            continue
        if category not in categories:
            problems.append(
                Problem(where(path, rule), f"nlu `{intent}` names an unknown category `{category}`")
            )
        rules.append(NluRule(str(intent), threshold, category))
    closed_note = {str(k): str(v).strip() for k, v in (data.get("closed_note") or {}).items()}
    for language in languages:
        if not closed_note.get(language):
            problems.append(Problem(str(path), f"`closed_note` has no text in `{language}`"))
    signals: list[Signal] = []
    for language in languages:
        signals += _read_signals(
            root / "signals" / f"{language}.yaml", language, set(categories), read, problems
        )
    return UrgentContent(categories, tuple(rules), closed_note, tuple(signals)), problems


def _read_signals(
    path: Path, language: str, categories: set[str], read: Any, problems: list[Problem]
) -> list[Signal]:
    if not path.exists():
        problems.append(Problem(str(path), f"missing: every language needs danger signals ({language})"))
        return []
    data = read(path, text_lines=True)
    if not isinstance(data, dict):
        problems.append(Problem(str(path), "must map each category (and `calm`) to a list of signals"))
        return []
    signals: list[Signal] = []
    seen: dict[str, str] = {}
    for category, entries in data.items():
        spot = where(path, data, category)
        if category != CALM and category not in categories:
            problems.append(
                Problem(spot, f"unknown category `{category}` (use {', '.join(sorted(categories))} or calm)")
            )
            continue
        if not isinstance(entries, list) or not entries:
            problems.append(Problem(spot, f"`{category}` needs a list of signals"))
            continue
        for entry in entries:
            text = " ".join(str(entry or "").split())
            origin = where(path, entry) if isinstance(entry, LineStr) else spot
            problem = _signal_problem(text)
            if problem:
                problems.append(Problem(origin, f"`{category}`: {problem}"))
                continue
            if text.casefold() in seen:
                problems.append(
                    Problem(origin, f"`{text}` is listed twice (also at {seen[text.casefold()]})")
                )
                continue
            seen[text.casefold()] = origin
            signals.append(Signal(text, str(category), language, origin))
    for category in sorted(categories - set(data)):
        problems.append(Problem(str(path), f"no signals for `{category}`"))
    return signals


def _signal_problem(text: str) -> str | None:
    if not text:
        return "an empty signal"
    for word in text.split():
        for alternative in word.split("|"):
            if not TOKEN.match(alternative) or alternative == "*":
                return f"`{text}`: `{alternative or '|'}` is not a word, a stem* or a|b alternatives"
    return None
