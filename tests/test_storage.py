"""Storage against a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from bot.storage import LoggedTurn, Storage
from bot.storage.migrations import migrations


def turn(resident_id: int, text: str = "hallo", outcome: str = "answered") -> LoggedTurn:
    return LoggedTurn(resident_id, text, "nl", "nl", "greet", 0.93, "greet", outcome)


def test_a_resident_is_created_on_first_contact_and_keeps_their_language(tmp_path: Path) -> None:
    path = tmp_path / "welkom.db"
    store = Storage(path)
    first = store.touch_resident(42)
    assert first.language is None and first.first_seen == first.last_seen
    store.set_language(42, "ar")
    store.close()
    reopened = Storage(path)
    assert reopened.touch_resident(42).language == "ar"
    reopened.close()


def test_turns_are_logged_with_what_was_understood(storage: Storage) -> None:
    storage.touch_resident(1)
    log_id = storage.log_turn(turn(1, "ik zoek een woning"))
    [row] = storage.turns(1)
    assert row["id"] == log_id
    assert (row["text"], row["intent"], row["confidence"], row["outcome"]) == (
        "ik zoek een woning",
        "greet",
        0.93,
        "answered",
    )


def test_feedback_belongs_to_the_resident_and_the_last_press_counts(storage: Storage) -> None:
    storage.touch_resident(1)
    storage.touch_resident(2)
    log_id = storage.log_turn(turn(1))
    assert storage.record_feedback(1, log_id, "down")
    assert storage.record_feedback(1, log_id, "up")
    assert not storage.record_feedback(2, log_id, "down")
    assert storage.feedback_for(log_id) == "up"


def test_migrations_run_once_on_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "welkom.db"
    Storage(path).close()
    store = Storage(path)
    applied = [migration.name for migration in migrations.applied(store.db)]
    declared = len(migrations.pending(Database(memory=True)))
    assert len(applied) == len(set(applied)) == declared >= 4
    assert migrations.pending(store.db) == []
    store.close()


def test_a_write_waits_for_a_busy_database_instead_of_failing(tmp_path: Path) -> None:
    import sqlite3
    import threading
    import time

    path = tmp_path / "welkom.db"
    store = Storage(path)
    store.touch_resident(5)
    other = sqlite3.connect(path, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock for a moment
    threading.Timer(1.0, other.commit).start()
    started = time.monotonic()
    log_id = store.log_turn(turn(5, "geschreven terwijl de database bezet was"))
    assert time.monotonic() - started >= 0.9
    assert store.turns(5)[-1]["id"] == log_id
    other.close()
    store.close()


def test_with_checkpoints_handed_over_the_log_waits_for_checkpoint_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    path = tmp_path / "welkom.db"
    store = Storage(path)
    store.hand_checkpoints_over()
    store.touch_resident(7)
    for number in range(1500):
        store.log_turn(turn(7, f"vraag {number}"))
    log_frames, copied = store.checkpoint()
    assert log_frames > 1000  # SQLite's own checkpoint would have started over at 1000 frames
    assert copied == log_frames
    store.close()
    reopened = Storage(path)
    assert len(reopened.turns(7)) == 1500
    reopened.close()
