"""Data rights and retention: export everything about a resident, delete it, forget old data."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from bot import clock
from bot.storage.database import Storage

# Telegram keeps an undelivered update for 24 hours at most; after that its id can never come again.
UPDATE_IDS_KEPT = timedelta(hours=48)

# The resident's own case data; who in the staff handled it and where (claimed_by, claimed_by_name,
# thread_id, card_message_id) is the city's, not theirs.
RESIDENT_CASE_COLUMNS = "id, language, status, urgent, reason, intents, opened_at, closed_at, rating"


class DataRights:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def _rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        return self.storage.rows(sql, params)

    def export(self, resident_id: int) -> bytes:
        """Everything stored about one resident, as a readable JSON file."""
        cases = self._rows(f"SELECT {RESIDENT_CASE_COLUMNS} FROM cases WHERE resident_id = ?", [resident_id])
        data = {
            "resident": self._rows("SELECT * FROM residents WHERE id = ?", [resident_id]),
            "conversation": self._rows(
                "SELECT created_at, text, language, detected_language, intent, confidence, answer_key, "
                "outcome FROM conversation_log WHERE resident_id = ? ORDER BY id",
                [resident_id],
            ),
            "feedback": self._rows(
                "SELECT log_id, value, created_at FROM feedback WHERE resident_id = ?", [resident_id]
            ),
            "cases": [
                {
                    **case,
                    "messages": self._rows(
                        "SELECT sender, text, created_at FROM case_messages WHERE case_id = ? ORDER BY id",
                        [case["id"]],
                    ),
                }
                for case in cases
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")

    def forget(self, resident_id: int) -> None:
        """Delete everything about the resident, case transcripts included, in one transaction."""
        with self.storage.write():
            self.storage.execute(
                "DELETE FROM case_messages WHERE case_id IN (SELECT id FROM cases WHERE resident_id = ?)",
                [resident_id],
            )
            self.storage.execute("DELETE FROM cases WHERE resident_id = ?", [resident_id])
            self.storage.execute("DELETE FROM feedback WHERE resident_id = ?", [resident_id])
            self.storage.execute("DELETE FROM conversation_log WHERE resident_id = ?", [resident_id])
            self.storage.execute("DELETE FROM residents WHERE id = ?", [resident_id])

    def apply_retention(self, days: int, now: datetime | None = None) -> dict[str, int]:
        """Delete conversation turns and closed cases older than `days`; returns what was deleted."""
        moment = now or clock.now()
        cutoff = clock.timestamp(moment - timedelta(days=days))
        updates_cutoff = clock.timestamp(moment - UPDATE_IDS_KEPT)
        with self.storage.write():
            old_turns = "SELECT id FROM conversation_log WHERE created_at < ?"
            self.storage.execute(f"DELETE FROM feedback WHERE log_id IN ({old_turns})", [cutoff])
            turns = self.storage.execute(
                "DELETE FROM conversation_log WHERE created_at < ?", [cutoff]
            ).rowcount
            old_cases = "SELECT id FROM cases WHERE status = 'closed' AND closed_at < ?"
            self.storage.execute(f"DELETE FROM case_messages WHERE case_id IN ({old_cases})", [cutoff])
            cases = self.storage.execute(
                "DELETE FROM cases WHERE status = 'closed' AND closed_at < ?", [cutoff]
            ).rowcount
            self.storage.execute("DELETE FROM processed_updates WHERE seen_at < ?", [updates_cutoff])
        return {"conversation_turns": turns, "closed_cases": cases}
