"""The urgent check: recall and false alarms on the safety set (signals alone and with the NLU), and what
the check costs per message on a fresh cache (every safety-set and held-out message, each language)."""

from __future__ import annotations

import time
from typing import Any

from bench.stats import percentile, rounded
from bot.content import Content
from bot.core.language import LanguageDetection
from bot.core.urgent import known_words, urgent_check
from bot.nlu import RasaNlu
from bot.nlu.evaluation import Example, training_examples
from bot.safety_report import CALM, SafetyResult, evaluate, nlu_rankings, read_safety_set, signal_languages
from bot.settings import Settings


def _summary(result: SafetyResult, categories: list[str]) -> dict[str, Any]:
    languages = sorted({language for language, _ in result.total})
    return {
        "recall": rounded(result.recall(), 4),
        "false_alarms": rounded(result.false_alarm_rate(), 4),
        "by_language": {
            language: {
                "recall": rounded(result.recall(language), 4),
                "false_alarms": rounded(result.false_alarm_rate(language), 4),
                "calm": result.total[(language, CALM)],
                "categories": {
                    category: [result.found[(language, category)], result.total[(language, category)]]
                    for category in categories
                },
            }
            for language in languages
        },
        "missed": [f"{m.language}: {m.text}" for m in result.misses],
        "false_alarm_messages": [f"{m.language}: {m.text}" for m, _ in result.false_alarms],
    }


async def run_safety(
    settings: Settings, content: Content, rasa_url: str, held_out: list[Example]
) -> dict[str, Any]:
    messages = read_safety_set(settings.nlu_dir / "safety")
    detector = LanguageDetection(content.languages)
    categories = list(content.urgent.categories)
    nlu = RasaNlu(rasa_url, settings.rasa_timeout_seconds)
    try:
        rankings = await nlu_rankings(nlu, messages)
    finally:
        await nlu.close()
    examples = [example.text for example in training_examples(settings.nlu_dir / "data")]
    check = urgent_check(content, known_words(examples))
    texts = [(m.text, signal_languages(m, None)) for m in messages]
    texts += [(e.text, {e.language, "en"}) for e in held_out]
    cold = urgent_check(content, known_words(examples))
    durations = []
    for text, languages in texts:
        started = time.perf_counter()
        cold.check(text, languages, ())
        durations.append(time.perf_counter() - started)
    micro = [d * 1e6 for d in durations]
    return {
        "messages": len(messages),
        "signals_only": _summary(evaluate(check, messages, detector), categories),
        "with_nlu": _summary(evaluate(check, messages, detector, rankings), categories),
        "threshold": {rule.intent: rule.threshold for rule in content.urgent.nlu},
        "cost": {
            "messages": len(micro),
            "p50_us": rounded(percentile(micro, 50), 1),
            "p99_us": rounded(percentile(micro, 99), 1),
            "max_us": rounded(max(micro), 1),
        },
    }
