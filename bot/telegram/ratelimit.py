"""Telegram's flood limits on outgoing messages, as a python-telegram-bot rate limiter.

Telegram takes about 30 messages per second overall and 20 per minute in one group, and answers
anything beyond with 429 Too Many Requests. A token bucket (python-telegram-bot's AIORateLimiter)
lets a full bucket through at once after a quiet moment, so a burst to many residents went over the
limit. A sliding window never lets more than the limit through in any window, and below the limit it
adds no delay at all."""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

GROUP_PERIOD_SECONDS = 60.0
# A little on top of Telegram's retry_after, so the first message after the pause is not refused again.
RETRY_MARGIN_SECONDS = 0.1

Response = bool | dict[str, Any] | list[dict[str, Any]]


class SlidingWindow:
    """At most `limit` acquisitions in any `period` seconds; waiting callers go in arrival order."""

    def __init__(self, limit: int, period: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self._clock = clock
        self._recent: deque[float] = deque()
        self._turn = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._turn:
            while True:
                now = self._clock()
                while self._recent and now - self._recent[0] >= self.period:
                    self._recent.popleft()
                if len(self._recent) < self.limit:
                    self._recent.append(now)
                    return
                await asyncio.sleep(self._recent[0] + self.period - now)

    def is_idle(self) -> bool:
        now = self._clock()
        return not self._recent or now - self._recent[-1] >= self.period


class FloodLimits(BaseRateLimiter[int]):
    """Every message to a chat passes the overall window, a group message also its group's window; a
    429 pauses all sending for the time Telegram asks, then the message is tried again."""

    def __init__(self, overall_per_second: int, group_per_minute: int, retries_after_429: int) -> None:
        self._overall = SlidingWindow(overall_per_second, 1.0)
        self._group_per_minute = group_per_minute
        self._groups: dict[int | str, SlidingWindow] = {}
        self._retries = retries_after_429
        self._paused_until = 0.0

    async def initialize(self) -> None:
        """Nothing to set up: the windows start empty."""

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
        windows = self._windows_for(data.get("chat_id"))
        retries = self._retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            await self._wait_out_pause()
            for window in windows:
                await window.acquire()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as refused:
                if attempt == retries:
                    log.error("%s refused with 429 after %d retries", endpoint, retries)
                    raise
                pause = pause_asked(refused) + RETRY_MARGIN_SECONDS
                log.warning("%s refused with 429; all sending paused for %.1f s", endpoint, pause)
                self._paused_until = max(self._paused_until, time.monotonic() + pause)
        raise AssertionError("unreachable")

    def _windows_for(self, chat_id: object) -> list[SlidingWindow]:
        if chat_id is None:
            return []
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        is_private = isinstance(chat_id, int) and chat_id > 0
        if is_private or not isinstance(chat_id, int | str) or not self._group_per_minute:
            return [self._overall]
        return [self._group(chat_id), self._overall]

    def _group(self, chat_id: int | str) -> SlidingWindow:
        if chat_id not in self._groups:
            self._groups = {key: window for key, window in self._groups.items() if not window.is_idle()}
            self._groups[chat_id] = SlidingWindow(self._group_per_minute, GROUP_PERIOD_SECONDS)
        return self._groups[chat_id]

    async def _wait_out_pause(self) -> None:
        left = self._paused_until - time.monotonic()
        if left > 0:
            await asyncio.sleep(left)


def pause_asked(refused: RetryAfter) -> float:
    with warnings.catch_warnings():
        # The int form of retry_after is deprecated in favour of timedelta; either is read the same.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        retry_after = refused.retry_after
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
