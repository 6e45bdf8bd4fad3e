"""Relays in the end-to-end run: residents with an open case and a caseworker write to each other while
Telegram answers some copies with a 500, a dropped connection or a 429; every message must arrive once."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.procs import wait_until
from bot.core import payloads
from emulator import BotApiEmulator, FakeChat, FakeUser

ASK_FOR_A_PERSON = "I want to talk to a real person please"
CONSENT = payloads.encode(payloads.HANDOFF, "yes", "asked")
# Half the relays, in both directions, meet one of these first; the rest go through untouched.
FAULTS: tuple[tuple[str, Callable[[BotApiEmulator], None]], ...] = (
    ("500", lambda emulator: emulator.fail_next("copyMessage", 500)),
    ("network error", lambda emulator: emulator.reset_next("copyMessage")),
    ("429", lambda emulator: emulator.fail_next("copyMessage", 429, retry_after=1)),
    ("3 × 500", lambda emulator: emulator.fail_next("copyMessage", 500, times=3)),
)


def thread_of(database: Path, resident_id: int) -> int | None:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT thread_id FROM cases WHERE resident_id = ? AND status = 'open'", [resident_id]
        ).fetchone()
        return row[0] if row else None
    finally:
        connection.close()


async def open_case(emulator: BotApiEmulator, database: Path, resident: FakeUser) -> int:
    """The resident asks for a person and agrees; the thread of their case's topic."""
    emulator.push_text(resident, ASK_FOR_A_PERSON)

    def consent_offered() -> bool:
        return any(
            button.value == CONSENT
            for record in emulator.messages_to(resident.id)
            for row in record.keyboard
            for button in row
        )

    if not await wait_until(consent_offered, 20):
        raise RuntimeError("the bot did not offer a person")
    offer = next(
        record
        for record in reversed(emulator.messages_to(resident.id))
        if any(button.value == CONSENT for row in record.keyboard for button in row)
    )
    emulator.push_callback(resident, offer, CONSENT)
    if not await wait_until(lambda: thread_of(database, resident.id) is not None, 20):
        raise RuntimeError("no case topic was opened")
    thread = thread_of(database, resident.id)
    assert thread is not None
    return thread


def copies(emulator: BotApiEmulator, chat_id: int, text: str) -> int:
    return sum(
        1
        for record in emulator.messages_to(chat_id)
        if record.method == "copyMessage" and record.text == text
    )


async def run_relays(
    emulator: BotApiEmulator, forum: FakeChat, database: Path, cases: int, per_side: int
) -> dict[str, Any]:
    """`cases` residents each write `per_side` messages and get as many from a caseworker."""
    caseworker = emulator.make_user("Caseworker", language_code="nl")
    emulator.set_member(forum, caseworker, "member")
    expected: list[tuple[int, str]] = []  # (chat the copy must reach, text)
    faults: dict[str, int] = {}
    started = time.perf_counter()
    for index in range(cases):
        resident = emulator.make_user(f"Case{index}", language_code="en")
        thread = await open_case(emulator, database, resident)
        for step in range(per_side * 2):
            if (len(expected) // 2) % 2 == 0:  # two relays (one each way) with a fault, two without
                name, inject = FAULTS[sum(faults.values()) % len(FAULTS)]
                inject(emulator)
                faults[name] = faults.get(name, 0) + 1
            if step % 2 == 0:
                text = f"resident {index} message {step}"
                emulator.push_text(resident, text)
                expected.append((forum.id, text))
            else:
                text = f"caseworker to {index} message {step}"
                emulator.push_text(caseworker, text, chat=forum, message_thread_id=thread)
                expected.append((resident.id, text))
            chat_id, text = expected[-1]
            await wait_until(lambda: copies(emulator, chat_id, text) > 0, 20)  # noqa: B023
    await wait_until(lambda: False, 1.0)  # a moment for any second copy to show
    counts = [copies(emulator, chat_id, text) for chat_id, text in expected]
    return {
        "cases": cases,
        "relays": len(expected),
        "faults_injected": faults,
        "delivered": sum(count > 0 for count in counts),
        "lost": sum(count == 0 for count in counts),
        "duplicates": sum(max(count - 1, 0) for count in counts),
        "seconds": round(time.perf_counter() - started, 1),
    }
