"""The connection to the one SQLite file, its write transactions, and the calls made for every message."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import Table

from bot.clock import timestamp
from bot.storage.migrations import migrations


@dataclass(frozen=True)
class Resident:
    id: int
    language: str | None
    first_seen: str
    last_seen: str


@dataclass(frozen=True)
class LoggedTurn:
    """One resident message and what the assistant made of it."""

    resident_id: int
    text: str
    language: str
    detected_language: str | None
    intent: str | None
    confidence: float | None
    answer_key: str | None
    outcome: str
    urgent_category: str | None = None


class Storage:
    """Residents, the conversation log and feedback in one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        self.db = Database(connection)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        migrations.apply(self.db)

    def close(self) -> None:
        self.db.close()

    def hand_checkpoints_over(self) -> None:
        """Commits stop copying the write-ahead log into the database file; checkpoint() does it.

        That copy ends in an fsync, which took 15-300 ms here; made by a commit, it held up the event
        loop and with it every chat."""
        self.db.execute("PRAGMA wal_autocheckpoint=0")

    def checkpoint(self) -> tuple[int, int]:
        """Copy the write-ahead log into the database file, on a connection of its own so that it can
        run in a worker thread while the bot goes on writing. Returns the frames in the log and the
        frames copied."""
        if self.path == ":memory:":
            return (0, 0)
        connection = sqlite3.connect(self.path, timeout=10)
        try:
            _busy, log_frames, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            connection.close()
        return int(log_frames), int(copied)

    @contextmanager
    def write(self) -> Iterator[None]:
        """A write transaction that takes the write lock first: a busy database is waited for (up to
        the connection timeout) instead of failing halfway through."""
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.conn.execute("ROLLBACK")
            raise
        self.db.conn.execute("COMMIT")

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The rows of a query, as dictionaries."""
        return list(self.db.query(sql, params))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """One statement; call it inside `write()` when it changes something."""
        return self.db.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> sqlite3.Cursor:
        return self.db.conn.executemany(sql, rows)

    def table(self, name: str) -> Table:
        return self.db.table(name)

    def touch_resident(self, resident_id: int) -> Resident:
        """Return the resident, creating them on first contact, and note that they were seen."""
        now = timestamp()
        with self.write():
            self.db.execute(
                "INSERT INTO residents (id, first_seen, last_seen) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET last_seen = excluded.last_seen",
                [resident_id, now, now],
            )
        return self.resident(resident_id)

    # The calls made for every message are plain SQL: sqlite-utils' table methods read the table's
    # schema on every call (CPU per call: reading a resident 71 -> 5 µs, logging a turn 124 -> 56 µs).
    def resident(self, resident_id: int) -> Resident:
        row = self.db.execute(
            "SELECT id, language, first_seen, last_seen FROM residents WHERE id = ?", [resident_id]
        ).fetchone()
        if row is None:
            raise KeyError(resident_id)
        return Resident(*row)

    def first_delivery(self, update_id: int) -> bool:
        """True the first time an update id is seen; Telegram may deliver an update again after a crash."""
        with self.write():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO processed_updates (update_id, seen_at) VALUES (?, ?)",
                [update_id, timestamp()],
            )
        return cursor.rowcount == 1

    def privacy_notice_due(self, resident_id: int) -> bool:
        """True the first time only (the privacy notice is then due), and records that it is shown."""
        with self.write():
            cursor = self.db.execute(
                "UPDATE residents SET notice_shown = 1 WHERE id = ? AND notice_shown = 0", [resident_id]
            )
        return cursor.rowcount == 1

    def set_language(self, resident_id: int, language: str) -> None:
        with self.write():
            self.db.execute("UPDATE residents SET language = ? WHERE id = ?", [language, resident_id])

    def log_turn(self, turn: LoggedTurn) -> int:
        """Store one turn of a conversation and return its id (used by the feedback buttons)."""
        with self.write():
            cursor = self.db.execute(
                "INSERT INTO conversation_log (resident_id, created_at, text, language, detected_language,"
                " intent, confidence, answer_key, outcome, urgent_category)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    turn.resident_id,
                    timestamp(),
                    turn.text,
                    turn.language,
                    turn.detected_language,
                    turn.intent,
                    turn.confidence,
                    turn.answer_key,
                    turn.outcome,
                    turn.urgent_category,
                ],
            )
        return int(cursor.lastrowid or 0)

    def record_feedback(self, resident_id: int, log_id: int, value: str) -> bool:
        """Store 👍/👎 for a turn of this resident; False when the turn is not theirs."""
        rows = list(
            self.db.query(
                "SELECT id FROM conversation_log WHERE id = ? AND resident_id = ?",
                [log_id, resident_id],
            )
        )
        if not rows:
            return False
        with self.write():
            self.db.table("feedback").upsert(
                {
                    "log_id": log_id,
                    "resident_id": resident_id,
                    "value": value,
                    "created_at": timestamp(),
                },
                pk="log_id",
            )
        return True

    def turns(self, resident_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query("SELECT * FROM conversation_log WHERE resident_id = ? ORDER BY id", [resident_id])
        )

    def last_urgent_category(self, resident_id: int) -> str | None:
        """The urgent category of the resident's latest turn that had one."""
        rows = list(
            self.db.query(
                "SELECT urgent_category FROM conversation_log WHERE resident_id = ? "
                "AND urgent_category IS NOT NULL ORDER BY id DESC LIMIT 1",
                [resident_id],
            )
        )
        return str(rows[0]["urgent_category"]) if rows else None

    def recent_turns(self, resident_id: int, count: int) -> list[dict[str, Any]]:
        """The resident's last `count` turns, oldest first."""
        rows = self.db.query(
            "SELECT * FROM conversation_log WHERE resident_id = ? ORDER BY id DESC LIMIT ?",
            [resident_id, count],
        )
        return list(rows)[::-1]

    def feedback_for(self, log_id: int) -> str | None:
        rows = list(self.db.query("SELECT value FROM feedback WHERE log_id = ?", [log_id]))
        return str(rows[0]["value"]) if rows else None
