"""The Bot API emulator of the tests, with timestamps and, on request, Telegram's flood limits.

Every update records when it became available to the bot (`pushed_at`), and every message the bot
sends, edits or deletes records when its request arrived (`outgoing`, `by_chat`). With `limits`, a
message beyond 30 per second overall or 1 per second in one chat is answered 429 Too Many Requests,
as Telegram does.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from emulator import BotApiEmulator, FakeUser, SentMessage
from emulator.errors import Fault
from emulator.state import World

_arrival: ContextVar[float | None] = ContextVar("arrival", default=None)


def counts_as_message(method: str) -> bool:
    """Methods that send or change a message, which Telegram's flood limits count."""
    method = method.lower()
    if method == "sendchataction":
        return False
    return method.startswith(("send", "edit", "forward", "copy"))


@dataclass(frozen=True)
class Outgoing:
    at: float
    chat_id: int
    kind: str  # "sent", "edited" or "deleted"
    method: str
    record: SentMessage


@dataclass
class TelegramLimits:
    """The Bot API's documented limits: 30 messages per second overall, 1 per second per chat."""

    overall: int = 30
    per_chat: int = 1
    window: float = 1.0
    enforce_per_chat: bool = True
    refused: int = 0
    _recent: deque[float] = field(default_factory=deque)
    _recent_by_chat: dict[int, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def admit(self, now: float, chat_id: int | None) -> bool:
        """True when one more message now stays within the limits (and count it); else False."""
        while self._recent and now - self._recent[0] >= self.window:
            self._recent.popleft()
        chat = self._recent_by_chat[chat_id] if chat_id is not None else deque()
        while chat and now - chat[0] >= self.window:
            chat.popleft()
        if len(self._recent) >= self.overall or (self.enforce_per_chat and len(chat) >= self.per_chat):
            self.refused += 1
            return False
        self._recent.append(now)
        chat.append(now)
        return True


class TimedWorld(World):
    def __init__(self, bot: FakeUser, limits: TelegramLimits | None = None) -> None:
        super().__init__(bot)
        self.limits = limits
        self.pushed_at: dict[int, float] = {}
        self.handed_at: dict[int, float] = {}  # when getUpdates first gave the update to the bot
        self.handed_again = 0  # updates given out again (the bot had not confirmed them)
        self.outgoing: list[Outgoing] = []
        self.by_chat: dict[int, list[Outgoing]] = defaultdict(list)
        self._chat_events: dict[int, asyncio.Event] = {}

    def enqueue(self, kind: str, payload: dict[str, Any]) -> int:
        now = time.perf_counter()
        update_id = super().enqueue(kind, payload)
        self.pushed_at[update_id] = now
        return update_id

    def take_updates(self, limit: int) -> list[dict[str, Any]]:
        batch = super().take_updates(limit)
        now = time.perf_counter()
        for update in batch:
            if update["update_id"] in self.handed_at:
                self.handed_again += 1
            self.handed_at.setdefault(update["update_id"], now)
        return batch

    def record(self, kind: str, record: SentMessage) -> None:
        at = _arrival.get() or time.perf_counter()
        out = Outgoing(at, record.chat_id, kind, record.method, record)
        self.outgoing.append(out)
        self.by_chat[record.chat_id].append(out)
        event = self._chat_events.get(record.chat_id)
        if event is not None:
            event.set()
        super().record(kind, record)

    def take_fault(self, method: str) -> Fault | None:
        """Faults set by a test first; then 429 for a message beyond the limits."""
        fault = super().take_fault(method)
        if fault is not None or self.limits is None or not counts_as_message(method):
            return fault
        # The server records each call just before it asks for a fault: these are its parameters.
        chat_id = self.calls[-1].params.get("chat_id") if self.calls else None
        at = _arrival.get() or time.perf_counter()
        if self.limits.admit(at, chat_id if isinstance(chat_id, int) else None):
            return None
        return Fault(method.lower(), 429, retry_after=1)

    def chat_event(self, chat_id: int) -> asyncio.Event:
        """Set whenever the bot sends, edits or deletes a message in this chat."""
        return self._chat_events.setdefault(chat_id, asyncio.Event())


class TimedEmulator(BotApiEmulator):
    def __init__(self, token: str = "424242:BENCH", limits: TelegramLimits | None = None) -> None:
        super().__init__(token=token)
        self.world: TimedWorld = TimedWorld(self.world.bot, limits)

    @property
    def timed(self) -> TimedWorld:
        return self.world

    async def _handle_api(self, request: web.Request) -> web.Response:
        arrival = _arrival.set(time.perf_counter())
        try:
            return await super()._handle_api(request)
        finally:
            _arrival.reset(arrival)
