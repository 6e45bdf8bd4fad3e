"""What staff learn from the bot: the questions it could not answer, without any resident identifier."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from sqlite_utils import Database

from bot.storage.database import Storage

UNANSWERED_OUTCOMES = ("not_understood", "suggested", "out_of_scope", "nlu_unavailable")


@dataclass(frozen=True)
class UnansweredQuestion:
    language: str
    closest_intent: str
    reason: str
    times: int
    text: str


def unanswered(storage: Storage) -> list[UnansweredQuestion]:
    """Messages the bot could not answer or that got 👎, grouped by language, closest intent and text."""
    return unanswered_in(storage.db)


def unanswered_in(db: Database) -> list[UnansweredQuestion]:
    """`unanswered` over any connection to the bot's database, a read-only one included."""
    placeholders = ", ".join("?" for _ in UNANSWERED_OUTCOMES)
    rows = db.query(
        f"""
        SELECT log.language, COALESCE(log.intent, '') AS closest_intent,
               CASE WHEN feedback.value = 'down' THEN 'thumbs_down' ELSE log.outcome END AS reason,
               COUNT(*) AS times, LOWER(TRIM(log.text)) AS text
        FROM conversation_log AS log LEFT JOIN feedback ON feedback.log_id = log.id
        WHERE log.text != '' AND (log.outcome IN ({placeholders}) OR feedback.value = 'down')
        GROUP BY log.language, closest_intent, reason, LOWER(TRIM(log.text))
        ORDER BY log.language, closest_intent, times DESC, text
        """,
        list(UNANSWERED_OUTCOMES),
    )
    return [UnansweredQuestion(**row) for row in rows]


def write_csv(questions: list[UnansweredQuestion], out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(["language", "closest_intent", "reason", "times", "text"])
    for question in questions:
        writer.writerow(
            [question.language, question.closest_intent, question.reason, question.times, question.text]
        )


def summary(questions: list[UnansweredQuestion]) -> str:
    """Counts per language and the closest intents that most need examples or content."""
    if not questions:
        return "No unanswered questions."
    per_language: Counter[str] = Counter()
    per_intent: Counter[tuple[str, str]] = Counter()
    for question in questions:
        per_language[question.language] += question.times
        per_intent[(question.language, question.closest_intent or "(none)")] += question.times
    lines = [f"{sum(per_language.values())} unanswered messages"]
    lines += [f"  {language}: {count}" for language, count in per_language.most_common()]
    lines.append("Closest intents (add training examples or content here first):")
    lines += [f"  {language} {intent}: {count}" for (language, intent), count in per_intent.most_common(10)]
    return "\n".join(lines)
