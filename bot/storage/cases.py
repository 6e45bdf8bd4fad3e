"""Caseworker cases: who asked, what was said, which forum topic holds it, who took it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import now, timestamp
from bot.storage.database import Storage


@dataclass(frozen=True)
class Case:
    id: int
    resident_id: int
    language: str
    status: str
    urgent: bool
    reason: str
    intents: list[str]
    opened_at: str
    claimed_by: int | None
    claimed_by_name: str | None
    thread_id: int | None
    card_message_id: int | None
    rating: int | None = None
    urgent_category: str | None = None
    reminded_at: str | None = None

    @property
    def number(self) -> str:
        return f"#{self.id}"


def _case(row: dict[str, Any]) -> Case:
    return Case(
        id=row["id"],
        resident_id=row["resident_id"],
        language=row["language"],
        status=row["status"],
        urgent=bool(row["urgent"]),
        reason=row["reason"],
        intents=json.loads(row["intents"] or "[]"),
        opened_at=row["opened_at"],
        claimed_by=row["claimed_by"],
        claimed_by_name=row["claimed_by_name"],
        thread_id=row["thread_id"],
        card_message_id=row["card_message_id"],
        rating=row["rating"],
        urgent_category=row.get("urgent_category"),
        reminded_at=row.get("reminded_at"),
    )


class Cases:
    """Cases and the messages relayed in them, in the assistant's SQLite file."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def _one(self, sql: str, params: list[Any]) -> Case | None:
        rows = self.storage.rows(sql, params)
        return _case(rows[0]) if rows else None

    def get(self, case_id: int) -> Case | None:
        return self._one("SELECT * FROM cases WHERE id = ?", [case_id])

    def open_case_of(self, resident_id: int) -> Case | None:
        return self._one("SELECT * FROM cases WHERE resident_id = ? AND status = 'open'", [resident_id])

    def latest_case_of(self, resident_id: int) -> Case | None:
        return self._one("SELECT * FROM cases WHERE resident_id = ? ORDER BY id DESC LIMIT 1", [resident_id])

    def by_thread(self, thread_id: int) -> Case | None:
        return self._one("SELECT * FROM cases WHERE thread_id = ? ORDER BY id DESC LIMIT 1", [thread_id])

    def recently_closed(self, resident_id: int, within_days: int) -> Case | None:
        since = timestamp(now() - timedelta(days=within_days))
        return self._one(
            "SELECT * FROM cases WHERE resident_id = ? AND status = 'closed' AND closed_at >= ? "
            "ORDER BY closed_at DESC LIMIT 1",
            [resident_id, since],
        )

    def open(
        self,
        resident_id: int,
        language: str,
        urgent: bool,
        reason: str,
        intents: list[str],
        urgent_category: str | None = None,
    ) -> Case:
        with self.storage.write():
            table = self.storage.table("cases").insert(
                {
                    "resident_id": resident_id,
                    "language": language,
                    "status": "open",
                    "urgent": int(urgent),
                    "reason": reason,
                    "intents": json.dumps(intents),
                    "opened_at": timestamp(),
                    "urgent_category": urgent_category,
                }
            )
        case = self.get(int(table.last_pk or 0))
        assert case is not None
        return case

    def reopen(self, case_id: int, urgent: bool, urgent_category: str | None = None) -> Case:
        with self.storage.write():
            self.storage.execute(
                "UPDATE cases SET status = 'open', closed_at = NULL, reminded_at = NULL, "
                "urgent = MAX(urgent, ?), urgent_category = COALESCE(?, urgent_category) WHERE id = ?",
                [int(urgent), urgent_category, case_id],
            )
        case = self.get(case_id)
        assert case is not None
        return case

    def set_topic(self, case_id: int, thread_id: int, card_message_id: int) -> None:
        with self.storage.write():
            self.storage.table("cases").update(
                case_id, {"thread_id": thread_id, "card_message_id": card_message_id}
            )

    def claim(self, case_id: int, caseworker_id: int, name: str) -> bool:
        """True when this caseworker now holds the case (it was free, or already theirs)."""
        with self.storage.write():
            cursor = self.storage.execute(
                "UPDATE cases SET claimed_by = ?, claimed_by_name = ?, claimed_at = COALESCE(claimed_at, ?) "
                "WHERE id = ? AND status = 'open' AND (claimed_by IS NULL OR claimed_by = ?)",
                [caseworker_id, name, timestamp(), case_id, caseworker_id],
            )
        return cursor.rowcount == 1

    def mark_reminded(self, case_ids: list[int], moment: datetime) -> None:
        """The staff group was reminded of these cases: not again while they stay open."""
        with self.storage.write():
            self.storage.executemany(
                "UPDATE cases SET reminded_at = ? WHERE id = ?",
                [(timestamp(moment), case_id) for case_id in case_ids],
            )

    def close(self, case_id: int) -> bool:
        with self.storage.write():
            cursor = self.storage.execute(
                "UPDATE cases SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'",
                [timestamp(), case_id],
            )
        return cursor.rowcount == 1

    def rate(self, case_id: int, resident_id: int, rating: int) -> bool:
        with self.storage.write():
            cursor = self.storage.execute(
                "UPDATE cases SET rating = ? WHERE id = ? AND resident_id = ? AND status = 'closed'",
                [rating, case_id, resident_id],
            )
        return cursor.rowcount == 1

    def queue(self) -> list[Case]:
        """Open cases, urgent first, then the longest waiting."""
        rows = self.storage.rows(
            "SELECT * FROM cases WHERE status = 'open' ORDER BY urgent DESC, opened_at, id"
        )
        return [_case(row) for row in rows]

    def begin_relay(self, case_id: int, sender: str, text: str, source_message_id: int) -> int | None:
        """Record a message to relay before it is sent (the outbox row); its id, or None when it was
        delivered or given up on before (a redelivered update). The sender names the source chat (the
        resident's private chat or the staff group), so (case, sender, source message) is unique."""
        with self.storage.write():
            self.storage.execute(
                "INSERT OR IGNORE INTO case_messages (case_id, sender, text, source_message_id, delivered, "
                "created_at) VALUES (?, ?, ?, ?, 0, ?)",
                [case_id, sender, text, source_message_id, timestamp()],
            )
        rows = list(
            self.storage.rows(
                "SELECT id, delivered, failed_at FROM case_messages "
                "WHERE case_id = ? AND sender = ? AND source_message_id = ?",
                [case_id, sender, source_message_id],
            )
        )
        return None if rows[0]["delivered"] or rows[0]["failed_at"] else int(rows[0]["id"])

    def mark_delivered(self, message_id: int, copy_message_id: int | None) -> None:
        with self.storage.write():
            self.storage.table("case_messages").update(
                message_id, {"delivered": 1, "copy_message_id": copy_message_id}
            )

    def mark_failed(self, message_id: int, failure: str) -> None:
        with self.storage.write():
            self.storage.table("case_messages").update(
                message_id, {"failed_at": timestamp(), "failure": failure}
            )

    def relay(self, message_id: int) -> dict[str, Any] | None:
        rows = self.storage.rows("SELECT * FROM case_messages WHERE id = ?", [message_id])
        return rows[0] if rows else None

    def pending_relays(self) -> list[dict[str, Any]]:
        """Outbox rows recorded but neither delivered nor given up on: the bot stopped in between.
        Rows the console queues for a terminal resident (negative source ids) are the terminal's."""
        return list(
            self.storage.rows(
                "SELECT * FROM case_messages WHERE delivered = 0 AND failed_at IS NULL "
                "AND source_message_id > 0 ORDER BY id"
            )
        )

    def failed_relays(self, case_id: int) -> int:
        rows = self.storage.rows(
            "SELECT count(*) AS n FROM case_messages WHERE case_id = ? AND failed_at IS NOT NULL", [case_id]
        )
        return int(next(iter(rows))["n"])

    def relayed(self, case_id: int, sender: str, source_message_id: int) -> dict[str, Any] | None:
        rows = list(
            self.storage.rows(
                "SELECT * FROM case_messages WHERE case_id = ? AND sender = ? AND source_message_id = ?",
                [case_id, sender, source_message_id],
            )
        )
        return rows[0] if rows else None

    def undelivered(self, case_id: int, sender: str) -> list[dict[str, Any]]:
        return list(
            self.storage.rows(
                "SELECT * FROM case_messages WHERE case_id = ? AND sender = ? AND delivered = 0 ORDER BY id",
                [case_id, sender],
            )
        )

    def messages(self, case_id: int) -> list[dict[str, Any]]:
        return self.storage.rows("SELECT * FROM case_messages WHERE case_id = ? ORDER BY id", [case_id])

    def set_blocked(self, resident_id: int, blocked: bool) -> None:
        with self.storage.write():
            self.storage.table("residents").update(resident_id, {"blocked": int(blocked)})
