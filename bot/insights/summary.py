"""The tables the insights page shows, computed from a read-only connection to the bot's database.

The page never reads the bot's tables itself: this module writes aggregates (and the free text of
unanswered questions, without anyone's id or name) into a small SQLite file of its own, which Datasette
serves. Rebuilt on start and every few minutes, so retention in the bot's database reaches the page too."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import mean
from typing import Any

from sqlite_utils import Database

from bot.content.model import Content
from bot.content.office_hours import OfficeHours
from bot.content.review import review_items
from bot.insights.texts import InsightsTexts
from bot.storage.reports import unanswered_in

ANSWERED = ("answered", "consent")
QUESTION_OUTCOMES = (*ANSWERED, "suggested", "not_understood", "out_of_scope", "nlu_unavailable")

SUMMARY_TABLES: dict[str, dict[str, type]] = {
    "questions_per_week": {"week": str, "topic": str, "language": str, "questions": int},
    "confidence_per_week": {"week": str, "language": str, "confidence": float, "questions": int},
    "outcomes_per_language": {"language": str, "outcome": str, "turns": int, "share": float},
    "urgent_per_week": {"week": str, "category": str, "messages": int},
    "cases_per_week": {
        "week": str,
        "office_hours": str,
        "cases": int,
        "wait_minutes": float,
        "close_hours": float,
        "rating": float,
        "ratings": int,
    },
    "unanswered_questions": {
        "language": str,
        "closest_intent": str,
        "reason": str,
        "times": int,
        "text": str,
    },
    "content_review": {"subject": str, "file": str, "reason": str},
    "summary_state": {"built_at": str, "turns": int},
}

WEEK = "date(substr(created_at, 1, 10), 'weekday 0', '-6 days')"  # the Monday of the row's week
QUESTIONS = "outcome IN ({})".format(", ".join(f"'{outcome}'" for outcome in QUESTION_OUTCOMES))


@dataclass(frozen=True)
class ReviewRow:
    subject: str
    file: str
    reason: str


def content_due_for_review(content: Content, today: date) -> list[ReviewRow]:
    """What `content review` lists today (bot/content/review.py), one row per point, in Dutch."""
    return [
        ReviewRow(
            item.subject,
            Path(item.origin).name,
            content.staff_text(item.kind, subject=item.subject, **item.fields),
        )
        for item in review_items(content, today)
    ]


def open_read_only(path: Path) -> Database | None:
    """The bot's database opened with mode=ro, or None before the bot has created it."""
    if not path.exists():
        return None
    return Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False))


def week_of(moment: datetime) -> str:
    return (moment.date() - timedelta(days=moment.weekday())).isoformat()


def _rows(bot: Database | None, sql: str) -> list[dict[str, Any]]:
    return [] if bot is None else list(bot.query(sql))


def _outcome_kind(outcome: str) -> str:
    return "answered" if outcome in ANSWERED else "suggested" if outcome == "suggested" else "declined"


def _turn_summaries(bot: Database | None, texts: InsightsTexts) -> dict[str, list[dict[str, Any]]]:
    # One scan of the log, grouped by day (a plain substring, cheaper than date arithmetic per row);
    # weeks, confidence and shares are then added up here from a few thousand rows at most.
    per_day = _rows(
        bot,
        "SELECT substr(created_at, 1, 10) AS day, COALESCE(NULLIF(intent, ''), '?') AS topic, language, "
        "outcome, COUNT(*) AS turns, SUM(confidence) AS confidence_sum, "
        "COUNT(confidence) AS confidence_count "
        f"FROM conversation_log WHERE {QUESTIONS} GROUP BY 1, 2, 3, 4",
    )
    questions: dict[tuple[str, str, str], int] = defaultdict(int)
    confidence: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    grouped: dict[tuple[str, str], int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    for row in per_day:
        week = week_of(datetime.fromisoformat(row["day"]))
        questions[(week, row["topic"], row["language"])] += row["turns"]
        if row["confidence_count"]:
            sums = confidence[(week, row["language"])]
            sums[0] += row["confidence_sum"]
            sums[1] += row["confidence_count"]
        grouped[(row["language"], texts.outcomes[_outcome_kind(row["outcome"])])] += row["turns"]
        totals[row["language"]] += row["turns"]
    outcomes = [
        {"language": language, "outcome": outcome, "turns": turns, "share": turns / totals[language]}
        for (language, outcome), turns in grouped.items()
    ]
    urgent: list[dict[str, Any]] = []
    if bot is not None and "urgent_category" in bot.table("conversation_log").columns_dict:
        urgent = _rows(
            bot,
            f"SELECT {WEEK} AS week, urgent_category AS category, COUNT(*) AS messages "
            "FROM conversation_log WHERE urgent_category IS NOT NULL GROUP BY week, category",
        )
    unanswered = (
        []
        if bot is None
        else [
            {
                "language": question.language,
                "closest_intent": question.closest_intent or "?",
                "reason": texts.reasons.get(question.reason, question.reason),
                "times": question.times,
                "text": question.text,
            }
            for question in unanswered_in(bot)
        ]
    )
    return {
        "questions_per_week": [
            {"week": week, "topic": topic, "language": language, "questions": count}
            for (week, topic, language), count in questions.items()
        ],
        "confidence_per_week": [
            {"week": week, "language": language, "confidence": total / count, "questions": count}
            for (week, language), (total, count) in confidence.items()
        ],
        "outcomes_per_language": outcomes,
        "urgent_per_week": urgent,
        "unanswered_questions": unanswered,
    }


def _case_summaries(
    bot: Database | None, office_hours: OfficeHours | None, texts: InsightsTexts
) -> list[dict[str, Any]]:
    """Cases per week, opened in or out of office hours: count, mean wait until claimed, time to close,
    rating."""
    claimed = "claimed_at" if bot is not None and "claimed_at" in bot.table("cases").columns_dict else "NULL"
    cases = _rows(bot, f"SELECT opened_at, {claimed} AS claimed_at, closed_at, rating FROM cases")
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for case in cases:
        opened = _moment(case["opened_at"])
        inside = office_hours is not None and office_hours.is_open(opened)
        groups[(week_of(opened), texts.office_hours["inside" if inside else "outside"])].append(case)
    summaries = []
    for (week, when), members in sorted(groups.items()):
        waits = [_hours(case, "claimed_at") * 60 for case in members if case["claimed_at"]]
        closed = [_hours(case, "closed_at") for case in members if case["closed_at"]]
        ratings = [case["rating"] for case in members if case["rating"] is not None]
        summaries.append(
            {
                "week": week,
                "office_hours": when,
                "cases": len(members),
                "wait_minutes": mean(waits) if waits else None,
                "close_hours": mean(closed) if closed else None,
                "rating": mean(ratings) if ratings else None,
                "ratings": len(ratings),
            }
        )
    return summaries


def _moment(text: str) -> datetime:
    """A stored timestamp; the bot writes UTC with its offset, older or hand-made rows may lack it."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _hours(case: dict[str, Any], until: str) -> float:
    return (_moment(case[until]) - _moment(case["opened_at"])).total_seconds() / 3600


def build_summary(
    bot_database: Path,
    summary_path: Path,
    content: Content,
    texts: InsightsTexts,
    now: datetime | None = None,
) -> int:
    """Rewrite every table of the summary file in one transaction; returns the number of turns summarised."""
    now = now or datetime.now(UTC)
    bot = open_read_only(bot_database)
    try:
        tables = _turn_summaries(bot, texts)
        tables["cases_per_week"] = _case_summaries(bot, content.office_hours, texts)
        turns = 0 if bot is None else bot.execute("SELECT COUNT(*) FROM conversation_log").fetchone()[0]
    finally:
        if bot is not None:
            bot.close()
    tables["content_review"] = [vars(item) for item in content_due_for_review(content, now.date())]
    tables["summary_state"] = [{"built_at": now.isoformat(timespec="seconds"), "turns": turns}]
    summary_path.parent.mkdir(parents=True, exist_ok=True)
    summary = Database(summary_path)
    summary.execute("PRAGMA journal_mode=WAL")
    try:
        with summary.conn:
            for name, columns in SUMMARY_TABLES.items():
                table = summary.table(name)
                if not table.exists():
                    table.create(columns)
                summary.execute(f"DELETE FROM [{name}]")
                table.insert_all(tables[name])
    finally:
        summary.close()
    return turns


def summarised_turns(summary_path: Path) -> int | None:
    """How many log rows the existing summary file covers; None when there is none yet."""
    if not summary_path.exists():
        return None
    summary = Database(summary_path)
    try:
        if not summary.table("summary_state").exists():
            return None
        rows = list(summary.query("SELECT turns FROM summary_state"))
        return int(rows[0]["turns"]) if rows else None
    finally:
        summary.close()
