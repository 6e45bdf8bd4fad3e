"""Schema changes of the SQLite file, applied in order, each once (sqlite-utils Migrations)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("welkom")


@migrations()
def create_residents_log_and_feedback(db: Database) -> None:
    db.table("residents").create(
        {"id": int, "language": str, "first_seen": str, "last_seen": str},
        pk="id",
    )
    db.table("conversation_log").create(
        {
            "id": int,
            "resident_id": int,
            "created_at": str,
            "text": str,
            "language": str,
            "detected_language": str,
            "intent": str,
            "confidence": float,
            "answer_key": str,
            "outcome": str,
        },
        pk="id",
        foreign_keys=[("resident_id", "residents", "id")],
    )
    db.table("conversation_log").create_index(["resident_id"])
    db.table("conversation_log").create_index(["outcome", "created_at"])
    db.table("feedback").create(
        {"log_id": int, "resident_id": int, "value": str, "created_at": str},
        pk="log_id",
        foreign_keys=[("log_id", "conversation_log", "id")],
    )


@migrations()
def create_cases(db: Database) -> None:
    db.table("cases").create(
        {
            "id": int,
            "resident_id": int,
            "language": str,
            "status": str,
            "urgent": int,
            "reason": str,
            "intents": str,
            "opened_at": str,
            "claimed_by": int,
            "claimed_by_name": str,
            "closed_at": str,
            "rating": int,
            "thread_id": int,
            "card_message_id": int,
        },
        pk="id",
        foreign_keys=[("resident_id", "residents", "id")],
    )
    db.table("cases").create_index(["resident_id", "status"])
    db.table("cases").create_index(["thread_id"])
    db.table("case_messages").create(
        {
            "id": int,
            "case_id": int,
            "sender": str,
            "text": str,
            "source_message_id": int,
            "copy_message_id": int,
            "delivered": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
    )
    db.table("case_messages").create_index(["case_id", "sender", "source_message_id"], unique=True)
    db.table("residents").add_column("blocked", int, not_null_default=0)


@migrations()
def remember_privacy_notice(db: Database) -> None:
    db.table("residents").add_column("notice_shown", int, not_null_default=0)
    db.table("cases").create_index(["status", "closed_at"])
    db.table("conversation_log").create_index(["created_at"])


@migrations()
def remember_processed_updates(db: Database) -> None:
    db.table("processed_updates").create({"update_id": int, "seen_at": str}, pk="update_id")


@migrations()
def remember_urgent_categories(db: Database) -> None:
    """The urgent category (suicide, violence, ...) of a logged turn and of a case; NULL when not urgent."""
    db.table("conversation_log").add_column("urgent_category", str)
    db.table("cases").add_column("urgent_category", str)


@migrations()
def relay_outbox(db: Database) -> None:
    """case_messages is the relay outbox: a row is written before the copy is sent (delivered = 0),
    and either marked delivered with the copy's message id or marked failed with the reason."""
    db.table("case_messages").add_column("failed_at", str)
    db.table("case_messages").add_column("failure", str)
    db.table("case_messages").create_index(["delivered"])


@migrations()
def remember_when_cases_are_claimed(db: Database) -> None:
    db.table("cases").add_column("claimed_at", str)


@migrations()
def remember_reminders(db: Database) -> None:
    """When the staff group was last reminded of a case nobody took; cleared when the case reopens."""
    db.table("cases").add_column("reminded_at", str)
