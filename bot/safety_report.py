"""`python -m bot safety report`: recall and false alarms of the urgent check on nlu_data/safety/.

The safety set holds messages from people in danger (by category) and calm messages that only sound
like danger, per language. It is never used for training; the report runs the check as the bot does:
with the signals alone (the NLU down) and, given an NLU, with its whole ranking as well.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.yaml_lines import load_yaml
from bot.core.language import LanguageDetection
from bot.core.urgent import UrgentCheck
from bot.nlu import Nlu

CALM = "calm"
MIXED_IN_LANGUAGE = "en"


@dataclass(frozen=True)
class SafetyMessage:
    language: str
    text: str
    category: str  # the urgent category, or "calm"


@dataclass
class SafetyResult:
    """Counts per (language, category); a danger message counts as found whatever category it got."""

    total: Counter[tuple[str, str]] = field(default_factory=Counter)
    found: Counter[tuple[str, str]] = field(default_factory=Counter)
    right_category: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[SafetyMessage] = field(default_factory=list)
    false_alarms: list[tuple[SafetyMessage, str]] = field(default_factory=list)

    def recall(self, language: str | None = None, category: str | None = None) -> float:
        keys = [k for k in self.total if k[1] != CALM and _wanted(k, language, category)]
        total = sum(self.total[k] for k in keys)
        return sum(self.found[k] for k in keys) / total if total else 1.0

    def false_alarm_rate(self, language: str | None = None) -> float:
        keys = [k for k in self.total if k[1] == CALM and _wanted(k, language, None)]
        total = sum(self.total[k] for k in keys)
        return sum(self.found[k] for k in keys) / total if total else 0.0


def _wanted(key: tuple[str, str], language: str | None, category: str | None) -> bool:
    return (language is None or key[0] == language) and (category is None or key[1] == category)


def read_safety_set(directory: Path) -> list[SafetyMessage]:
    messages = []
    for path in sorted(directory.glob("*.yml")):
        data = load_yaml(path) or {}
        for category, texts in (data.get("danger") or {}).items():
            messages += [SafetyMessage(path.stem, str(text), str(category)) for text in texts or []]
        messages += [SafetyMessage(path.stem, str(text), CALM) for text in data.get(CALM) or []]
    return messages


def signal_languages(message: SafetyMessage, detector: LanguageDetection | None) -> set[str]:
    """As in the bot: the resident's language, the detected one and the mixed-in one."""
    languages = {message.language, MIXED_IN_LANGUAGE}
    if detector is not None:
        detected = detector.detect(message.text).language
        if detected:
            languages.add(detected)
    return languages


def evaluate(
    check: UrgentCheck,
    messages: Iterable[SafetyMessage],
    detector: LanguageDetection | None = None,
    rankings: dict[str, Sequence[tuple[str, float]]] | None = None,
) -> SafetyResult:
    result = SafetyResult()
    for message in messages:
        ranking = (rankings or {}).get(message.text, ())
        finding = check.check(message.text, signal_languages(message, detector), ranking)
        key = (message.language, message.category)
        result.total[key] += 1
        if finding is not None:
            result.found[key] += 1
            if finding.category == message.category:
                result.right_category[key] += 1
            if message.category == CALM:
                result.false_alarms.append(
                    (message, finding.signal or f"{finding.nlu_intent} {finding.nlu_score:.2f}")
                )
        elif message.category != CALM:
            result.misses.append(message)
    return result


async def nlu_rankings(nlu: Nlu, messages: Iterable[SafetyMessage]) -> dict[str, Sequence[tuple[str, float]]]:
    rankings: dict[str, Sequence[tuple[str, float]]] = {}
    for message in messages:
        understanding = await nlu.parse(message.text)
        rankings[message.text] = [(score.name, score.confidence) for score in understanding.ranking]
    return rankings


SWEEP = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


def threshold_sweep(
    check: UrgentCheck,
    messages: Sequence[SafetyMessage],
    detector: LanguageDetection | None,
    rankings: dict[str, Sequence[tuple[str, float]]],
) -> str:
    """Per NLU rule and threshold: danger messages its score alone finds, and calm messages it would
    flag where no calm phrase stands (as the check does): how the threshold in categories.yaml is chosen."""
    lines = []
    for rule in check.content.nlu:
        lines += [
            f"NLU `{rule.intent}` alone | " + " | ".join(f"≥{t}" for t in SWEEP),
            "| --- " * (len(SWEEP) + 1) + "|",
        ]
        danger = [m for m in messages if m.category != CALM]
        calm = [m for m in messages if m.category == CALM]
        vetoed = {
            m.text for m in calm if check.signals.category(m.text, signal_languages(m, detector), ())[1]
        }

        score = {m.text: dict(rankings.get(m.text, ())).get(rule.intent, 0.0) for m in messages}
        found = [sum(score[m.text] >= t for m in danger) for t in SWEEP]
        alarms = [sum(score[m.text] >= t and m.text not in vetoed for m in calm) for t in SWEEP]
        lines.append("danger found | " + " | ".join(f"{n}/{len(danger)}" for n in found))
        lines.append("calm flagged | " + " | ".join(f"{n}/{len(calm)}" for n in alarms))
        lines.append("")
    return "\n".join(lines)


def format_report(results: dict[str, SafetyResult], categories: Sequence[str]) -> str:
    """One table per mode: recall per language and category, and false alarms per language."""
    lines: list[str] = []
    for mode, result in results.items():
        languages = sorted({language for language, _ in result.total})
        lines += [f"## {mode}", ""]
        lines.append("| language | " + " | ".join(categories) + " | recall | false alarms |")
        lines.append("| --- " * (len(categories) + 3) + "|")
        for language in languages:
            cells = []
            for category in categories:
                total = result.total[(language, category)]
                cells.append(f"{result.found[(language, category)]}/{total}" if total else "-")
            calm_total = result.total[(language, CALM)]
            calm_found = result.found[(language, CALM)]
            lines.append(
                f"| {language} | " + " | ".join(cells) + f" | {result.recall(language):.0%} | "
                f"{calm_found}/{calm_total} ({result.false_alarm_rate(language):.0%}) |"
            )
        right = sum(result.right_category.values())
        found = sum(v for k, v in result.found.items() if k[1] != CALM)
        lines += [
            "",
            f"recall {result.recall():.1%}, false alarms {result.false_alarm_rate():.1%}, "
            f"category as written {right}/{found}",
        ]
        lines += [
            f"- missed ({message.language}, {message.category}): {message.text}" for message in result.misses
        ]
        lines += [
            f"- false alarm ({message.language}): {message.text}  [{why}]"
            for message, why in result.false_alarms
        ]
        lines.append("")
    return "\n".join(lines)
