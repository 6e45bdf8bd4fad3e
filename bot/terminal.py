"""A terminal chat over the conversation core: buttons become numbered choices."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from functools import partial
from typing import TextIO

from bot.core.conversation import Conversation
from bot.core.messages import Button, Incoming, Kind, Reply, Turn
from bot.services import open_services
from bot.settings import Settings
from bot.storage.cases import Cases

TERMINAL_RESIDENT_ID = 1


def render(turn: Turn) -> tuple[str, list[Button]]:
    """The turn as text, and the buttons in the order of their numbers."""
    lines: list[str] = []
    buttons: list[Button] = []
    for reply in turn.replies:
        lines.append(render_reply(reply, buttons))
    return "\n".join(lines), buttons


def render_reply(reply: Reply, buttons: list[Button]) -> str:
    lines = [f"  *{reply.title}*", ""] if reply.title else []
    lines += [f"  {line}" for line in reply.text.splitlines()]
    for row in reply.buttons:
        for button in row:
            buttons.append(button)
            target = f" → {button.url}" if button.url else ""
            lines.append(f"   [{len(buttons)}] {button.label}{target}")
    return "\n".join(lines) + "\n"


async def chat(
    conversation: Conversation, cases: Cases, language: str | None, stdin: TextIO, stdout: TextIO
) -> None:
    """Talk to the assistant as resident 1; a number presses that button; an empty line or EOF ends.

    While a case is open, messages go to the caseworker console (`python -m bot caseworker`), and its
    answers are printed as they arrive."""
    buttons: list[Button] = []
    pending: Incoming | None = Incoming.message(TERMINAL_RESIDENT_ID, "/start", language)
    watcher = asyncio.create_task(print_caseworker_messages(cases, stdout))
    try:
        while pending is not None:
            turn = await conversation.handle(pending)
            if turn.relay_case is not None:
                relayed = cases.begin_relay(
                    turn.relay_case, "resident", pending.text, -len(cases.messages(turn.relay_case))
                )
                if relayed is not None:
                    cases.mark_delivered(relayed, None)
            text, buttons = render(turn)
            stdout.write(text + "\n")
            stdout.flush()
            note = partial(conversation.content.text, turn.language, "open_in_browser")
            pending = await read_event(buttons, language, stdin, stdout, note)
    finally:
        watcher.cancel()


async def print_caseworker_messages(cases: Cases, stdout: TextIO, every_seconds: float = 1.0) -> None:
    """Print what a caseworker wrote in the resident's latest case, once."""
    while True:
        case = cases.latest_case_of(TERMINAL_RESIDENT_ID)
        for message in cases.undelivered(case.id, "caseworker") if case else []:
            stdout.write(f"\n  🙋 {message['text']}\n> ")
            stdout.flush()
            cases.mark_delivered(message["id"], None)
        await asyncio.sleep(every_seconds)


async def read_event(
    buttons: list[Button], language: str | None, stdin: TextIO, stdout: TextIO, open_note: Callable[..., str]
) -> Incoming | None:
    while True:
        stdout.write("> ")
        stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line or not line.strip():
            return None
        choice = line.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(buttons):
            button = buttons[int(choice) - 1]
            if button.url:
                stdout.write(f"  {open_note(url=button.url)}\n")
                continue
            return Incoming(TERMINAL_RESIDENT_ID, Kind.BUTTON, button.payload, language)
        return Incoming.message(TERMINAL_RESIDENT_ID, choice, language)


def run_chat(settings: Settings, language: str | None) -> None:
    async def session() -> None:
        services = open_services(settings, handoff_enabled=True)
        try:
            await chat(services.conversation, services.cases, language, sys.stdin, sys.stdout)
        finally:
            await services.close()

    asyncio.run(session())
