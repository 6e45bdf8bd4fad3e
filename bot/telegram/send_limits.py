"""Telegram's flood limits on outgoing messages, as a python-telegram-bot rate limiter.

Telegram takes about 30 messages per second overall and 20 per minute in one group, and answers
anything beyond with 429 Too Many Requests. `SendSlots` never lets more than the limit through in any
window, and below the limit it adds no delay at all.

Measured against python-telegram-bot's own AIORateLimiter, configured without a burst (one message per
1/30 s, 20 a minute per group, three retries), on the same burst of 1,000 chats through the emulator that
refuses beyond 30 a second (`python -m bench.limiters`, docs/benchmarks.md): AIORateLimiter 41.0 s with
151 refusals, SendLimits 33.4 s (the minimum is 33.3 s) with none; both delivered all 1,000. The
hand-made one stays because it still wins."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

GROUP_PERIOD_SECONDS = 60.0
# A little on top of Telegram's retry_after, so the first message after the pause is not refused again.
RETRY_MARGIN_SECONDS = 0.1

Response = bool | dict[str, Any] | list[dict[str, Any]]


class SendSlots:
    """At most `limit` requests in any `period` seconds, wherever that period is measured.

    A slot is taken when a request starts and given back `period` seconds after its answer came
    back. Telegram counts a request when it arrives, which is somewhere between the two, so two
    requests through the same slot always arrive more than `period` apart: network jitter can never
    push more than `limit` into one of Telegram's windows. Callers waiting for a slot go in order."""

    def __init__(self, limit: int, period: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self._clock = clock
        self._answered: deque[float] = deque()  # when recent requests were answered, oldest first
        self._in_flight = 0
        self._freed = asyncio.Event()
        self._turn = asyncio.Lock()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self._take()
        try:
            yield
        finally:
            self._in_flight -= 1
            self._answered.append(self._clock())
            self._freed.set()

    async def _take(self) -> None:
        async with self._turn:
            while True:
                now = self._clock()
                while self._answered and now - self._answered[0] >= self.period:
                    self._answered.popleft()
                if self._in_flight + len(self._answered) < self.limit:
                    self._in_flight += 1
                    return
                if self._answered:
                    await asyncio.sleep(self._answered[0] + self.period - now)
                else:
                    self._freed.clear()
                    await self._freed.wait()

    def is_idle(self) -> bool:
        quiet_since = self._answered[-1] if self._answered else float("-inf")
        return not self._in_flight and self._clock() - quiet_since >= self.period


class SendLimits(BaseRateLimiter[int]):
    """Every message to a chat takes one of the overall slots, a group message also one of its group's; a
    429 pauses all sending for the time Telegram asks, then the message is tried again."""

    def __init__(self, overall_per_second: int, group_per_minute: int, retries_after_429: int) -> None:
        self._overall = SendSlots(overall_per_second, 1.0)
        self._group_per_minute = group_per_minute
        self._groups: dict[int | str, SendSlots] = {}
        self._retries = retries_after_429
        self._paused_until = 0.0

    async def initialize(self) -> None:
        """Nothing to set up: every slot starts free."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Response]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Response:
        needed = self._slots_for(data.get("chat_id"))
        retries = self._retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            await self._wait_out_pause()
            try:
                async with AsyncExitStack() as slots:
                    for limit in needed:
                        await slots.enter_async_context(limit.slot())
                    return await callback(*args, **kwargs)
            except RetryAfter as refused:
                if attempt == retries:
                    log.error("%s refused with 429 after %d retries", endpoint, retries)
                    raise
                pause = pause_asked(refused) + RETRY_MARGIN_SECONDS
                log.warning("%s refused with 429; all sending paused for %.1f s", endpoint, pause)
                self._paused_until = max(self._paused_until, time.monotonic() + pause)
        raise AssertionError("unreachable")

    def _slots_for(self, chat_id: object) -> list[SendSlots]:
        if chat_id is None:
            return []
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        is_private = isinstance(chat_id, int) and chat_id > 0
        if is_private or not isinstance(chat_id, int | str) or not self._group_per_minute:
            return [self._overall]
        return [self._group(chat_id), self._overall]

    def _group(self, chat_id: int | str) -> SendSlots:
        if chat_id not in self._groups:
            self._groups = {key: slots for key, slots in self._groups.items() if not slots.is_idle()}
            self._groups[chat_id] = SendSlots(self._group_per_minute, GROUP_PERIOD_SECONDS)
        return self._groups[chat_id]

    async def _wait_out_pause(self) -> None:
        left = self._paused_until - time.monotonic()
        if left > 0:
            await asyncio.sleep(left)


def pause_asked(refused: RetryAfter) -> float:
    """Seconds Telegram asked to wait (a timedelta with PTB_TIMEDELTA, see bot/telegram/__init__.py)."""
    retry_after = refused.retry_after
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
