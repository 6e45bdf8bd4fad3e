"""Waiting for the bot: new messages in one chat, or activity anywhere until it goes quiet.

Every push marks its chat (and the world) so that waits count the bot's activity from then on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from functools import partial

from .objects import FakeChat
from .records import SentMessage
from .state import World

ACTIVITY_KINDS = ("sent", "edited", "deleted")
# Longer than the bot's own pauses between calls for one update (a retry after a 429 or a 5xx aside).
IDLE_SECONDS = 1.0
IDLE_POLL_SECONDS = 0.1


class EmulatorTimeout(AssertionError):
    """The bot did not do what a test waited for in time."""


class Waiting:
    world: World
    _markers: dict[int, int]  # chat id -> activity index counted from
    _world_marker: int  # activity index settle_any counts from

    def mark(self, chat_id: int) -> int:
        """Start counting new bot activity in `chat_id` (and for settle_any) from now; pushes
        do this too."""
        self._markers[chat_id] = self._world_marker = len(self.world.activity)
        return self._markers[chat_id]

    def _new(self, chat_id: int, since: int | None, kinds: tuple[str, ...]) -> list[SentMessage]:
        start = self._markers.get(chat_id, 0) if since is None else since
        return self._records(start, {chat_id}, kinds)

    def _records(self, start: int, chats: set[int] | None, kinds: tuple[str, ...]) -> list[SentMessage]:
        found: list[SentMessage] = []
        for kind, record in self.world.activity[start:]:
            if (chats is None or record.chat_id in chats) and kind in kinds and record not in found:
                found.append(record)
        return found

    def _count(self, start: int, chats: set[int] | None) -> int:
        activity = self.world.activity[start:]
        return sum(1 for _, record in activity if chats is None or record.chat_id in chats)

    def _grew(self, start: int, chats: set[int] | None, seen: int) -> bool:
        return self._count(start, chats) > seen

    def _timeout(self, what: str, chats: set[int] | None, got: list[SentMessage]) -> EmulatorTimeout:
        errors = [
            error
            for error in self.world.errors
            if chats is None or any(error.params.get("chat_id") in (c, str(c)) for c in chats)
        ]
        detail = f"; errors: {errors}" if errors else ""
        where = "anywhere" if chats is None else f"in chat {', '.join(map(str, sorted(chats)))}"
        return EmulatorTimeout(f"{what} {where}; got {got}{detail}")

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109
        since: int | None = None,
    ) -> list[SentMessage]:
        """Wait until the bot sent at least `count` new messages to `chat_id`; return them."""
        ok = await self.world.changed.wait_for(
            lambda: len(self._new(chat_id, since, ("sent",))) >= count, timeout
        )
        found = self._new(chat_id, since, ("sent",))
        if not ok:
            raise self._timeout(f"expected {count} new message(s) within {timeout}s", {chat_id}, found)
        self._markers[chat_id] = len(self.world.activity)
        return found

    async def _activity_or_idle(self, start: int, chats: set[int] | None, deadline: float) -> bool:
        """True at the first activity in `chats`; False when the bot went idle or time ran out."""
        while (remaining := deadline - time.monotonic()) > 0:
            if self._count(start, chats) > 0:
                return True
            if self.world.idle_for(IDLE_SECONDS):
                return False
            await self.world.changed.wait(min(remaining, IDLE_POLL_SECONDS))
        return self._count(start, chats) > 0

    async def _quiet_after(
        self, start: int, chats: set[int] | None, quiet: float, limit: float, allow_none: bool
    ) -> list[SentMessage] | None:
        """Wait for the first activity in `chats` after `start`, then until `quiet` seconds pass
        without more; None if nothing came within `limit` seconds and that is allowed, or, when it
        is allowed, once the bot has fetched every update and made no call for IDLE_SECONDS."""
        deadline = time.monotonic() + limit
        if allow_none:
            if not await self._activity_or_idle(start, chats, deadline):
                return None
        elif not await self.world.changed.wait_for(lambda: self._count(start, chats) > 0, limit):
            raise self._timeout(f"no reply within {limit}s", chats, [])
        seen = self._count(start, chats)
        while (remaining := deadline - time.monotonic()) > 0:
            grew = partial(self._grew, start, chats, seen)
            if not await self.world.changed.wait_for(grew, min(quiet, remaining)):
                break
            seen = self._count(start, chats)
        return self._records(start, chats, ACTIVITY_KINDS)

    async def settle(
        self,
        chat_id: int,
        *,
        quiet: float = 0.25,
        timeout: float = 10.0,  # noqa: ASYNC109
        since: int | None = None,
        allow_none: bool = False,
    ) -> list[SentMessage]:
        """Wait for the bot's first new message (or edit/delete) in `chat_id`, then until it
        has been quiet for `quiet` seconds; return the new and changed messages in order."""
        start = self._markers.get(chat_id, 0) if since is None else since
        found = await self._quiet_after(start, {chat_id}, quiet, timeout, allow_none)
        self._markers[chat_id] = len(self.world.activity)
        return found or []

    async def settle_any(
        self,
        chats: Iterable[int | FakeChat] | None = None,
        *,
        quiet: float = 0.25,
        timeout: float = 10.0,  # noqa: ASYNC109
        since: int | None = None,
        allow_none: bool = False,
    ) -> list[SentMessage]:
        """Like settle(), over several chats at once: wait for the bot's first new message,
        edit or delete in any of `chats` (None: anywhere) since the last push to any chat (or
        since activity index `since`), then until all of them have been quiet for `quiet`
        seconds. Return the new and changed messages of all those chats in order (see
        SentMessage.chat_id); later waits in those chats, and settle_any, count from now."""
        watched = None if chats is None else {c.id if isinstance(c, FakeChat) else c for c in chats}
        start = self._world_marker if since is None else since
        found = await self._quiet_after(start, watched, quiet, timeout, allow_none)
        now = len(self.world.activity)
        for chat_id in self.world.chats if watched is None else watched:
            self._markers[chat_id] = now
        self._world_marker = now
        return found or []
