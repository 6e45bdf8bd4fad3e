"""Growth: the same end-to-end run with the database pre-filled with many logged conversations."""

from __future__ import annotations

import itertools
import os
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean
from typing import Any

from bench.end_to_end import run_bot_load
from bench.scenario import LoadPlan, Script
from bench.stats import percentile
from bot.nlu.evaluation import Example
from bot.storage import LoggedTurn, Storage

OUTCOMES = ("answered",) * 15 + ("suggested", "suggested", "not_understood", "not_understood", "chosen")
ROWS_PER_RESIDENT = 10
# Within the bot's retention period (90 days by default), so the rows stay while the bot runs.
HISTORY_SECONDS = 60 * 24 * 3600
LATENCY_KEYS = (
    "latency_first_reply",
    "latency_complete_turn",
    "latency_text_first_reply",
    "nlu_call",
    "bot_overhead",
)


def _log_rows(rows: int, residents: int, examples: list[Example], start: float) -> Iterator[tuple[Any, ...]]:
    pool = itertools.cycle(examples)
    outcomes = itertools.cycle(OUTCOMES)
    step = HISTORY_SECONDS / max(rows, 1)
    for number in range(rows):
        example, outcome = next(pool), next(outcomes)
        created = datetime.fromtimestamp(start + number * step, UTC).isoformat(timespec="seconds")
        chosen = outcome == "chosen"
        intent = None if outcome == "not_understood" else example.intent
        yield (
            number % residents + 1,
            created,
            "" if chosen else example.text,
            example.language,
            None if chosen else example.language,
            intent,
            None if chosen else 0.42 + (number % 50) / 100,
            intent if outcome in ("answered", "chosen") else None,
            outcome,
        )


def prefill(database: Path, rows: int, examples: list[Example]) -> dict[str, Any]:
    """The bot's schema (through Storage) with `rows` log rows and one resident per ten rows."""
    started = time.perf_counter()
    Storage(database).close()
    residents = max(rows // ROWS_PER_RESIDENT, 1)
    languages = sorted({example.language for example in examples})
    start = time.time() - HISTORY_SECONDS - 60
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute("PRAGMA synchronous=OFF")
        with connection:
            first_seen = datetime.fromtimestamp(start, UTC).isoformat(timespec="seconds")
            connection.executemany(
                "INSERT INTO residents (id, language, first_seen, last_seen) VALUES (?, ?, ?, ?)",
                ((n + 1, languages[n % len(languages)], first_seen, first_seen) for n in range(residents)),
            )
            connection.executemany(
                "INSERT INTO conversation_log (resident_id, created_at, text, language, detected_language,"
                " intent, confidence, answer_key, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _log_rows(rows, residents, examples, start),
            )
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()
    # Filled without syncing, the file is still being written out when the bot starts; its first
    # checkpoint would then wait for the filling instead of for its own writes.
    with database.open("rb+") as written:
        os.fsync(written.fileno())
    return {
        "rows": rows,
        "residents": residents,
        "database_mb": round(database.stat().st_size / 1e6, 1),
        "fill_seconds": round(time.perf_counter() - started, 1),
    }


def storage_timings(database: Path, rounds: int = 300) -> dict[str, Any]:
    """The bot's own storage calls of one turn, timed directly on the filled database (µs)."""
    storage = Storage(database)
    times: dict[str, list[float]] = {
        "touch_resident": [],
        "set_language": [],
        "log_turn": [],
        "record_feedback": [],
    }

    def timed(name: str, call: Any, *args: Any) -> Any:
        started = time.perf_counter()
        result = call(*args)
        times[name].append(time.perf_counter() - started)
        return result

    try:
        for number in range(rounds):
            resident = 9_000_000_000 + number
            timed("touch_resident", storage.touch_resident, resident)
            timed("set_language", storage.set_language, resident, "nl")
            turn = LoggedTurn(
                resident, "waar is het stadhuis", "nl", "nl", "city_hall", 0.9, "city_hall", "answered"
            )
            log_id = timed("log_turn", storage.log_turn, turn)
            timed("record_feedback", storage.record_feedback, resident, log_id, "up")
    finally:
        storage.close()
    return {
        name: {
            "p50_us": round((percentile(values, 50) or 0) * 1e6),
            "p99_us": round((percentile(values, 99) or 0) * 1e6),
        }
        for name, values in times.items()
    }


async def run_growth(
    sizes: list[int],
    plan: LoadPlan,
    scripts: list[Script],
    examples: list[Example],
    rasa_url: str,
    workdir: Path,
) -> list[dict[str, Any]]:
    """For each size, twice: a fresh database with that many rows, then the end-to-end run.

    The sizes run small to large and back (1k, 100k, 1M, 1M, 100k, 1k), so a machine that gets busier
    or quieter during the part weighs on every size alike; a point is the mean of its two runs."""
    runs: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for rows in sizes + sizes[::-1]:
        folder = workdir / f"rows-{rows}-{len(runs[rows]) + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / "welkom.db"
        filled = prefill(database, rows, examples)
        filled["storage_calls"] = storage_timings(database)
        result = await run_bot_load(plan, scripts, rasa_url, database, folder)
        connection = sqlite3.connect(database)
        try:
            filled["rows_after_run"] = connection.execute("SELECT count(*) FROM conversation_log").fetchone()[
                0
            ]
        finally:
            connection.close()
        runs[rows].append({**filled, **result})
        for path in folder.glob("welkom.db*"):
            path.unlink()
    return [combine(runs[rows]) for rows in sizes]


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One point from the runs of one size: latency statistics averaged, memory at its highest, lost and
    duplicate replies added up; the first run's other figures."""
    point = dict(runs[0])
    for key in LATENCY_KEYS:
        if all(key in run for run in runs):
            point[key] = {
                stat: round(mean(run[key][stat] for run in runs), 2) if stat.endswith("_ms") else value
                for stat, value in runs[0][key].items()
            }
    point["bot_memory"] = max((run["bot_memory"] for run in runs), key=lambda memory: memory["peak_rss_mb"])
    point["lost"] = sum(run["lost"] for run in runs)
    point["duplicates"] = sum(run["duplicates"] for run in runs)
    kept = ("latency_first_reply", "bot_overhead", "bot_memory", "machine_longest_stall_ms")
    point["runs"] = [{key: run[key] for key in kept if key in run} for run in runs]
    return point
