"""Outgoing messages stay within Telegram's flood limits: never more than the limit in any window, no
delay below it, and a 429 pauses all sending for the time Telegram asks."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.send_limits import SendLimits

RESIDENT_CHAT = 1001
STAFF_GROUP = -100123


class Telegram:
    """Records when each request reached it; refuses the first `refusals` with 429. With `jitter`, each
    request spends a random time (up to `jitter` seconds) on the way there and again on the way back."""

    def __init__(self, refusals: int = 0, retry_after: int = 1, jitter: float = 0.0) -> None:
        self.arrivals: list[tuple[float, int]] = []
        self.refusals = refusals
        self.retry_after = retry_after
        self.jitter = jitter
        self.network = random.Random(7)

    async def send(self, chat_id: int) -> dict[str, Any]:
        await asyncio.sleep(self.network.uniform(0, self.jitter))
        if self.refusals:
            self.refusals -= 1
            raise RetryAfter(timedelta(seconds=self.retry_after))
        self.arrivals.append((time.monotonic(), chat_id))
        await asyncio.sleep(self.network.uniform(0, self.jitter))
        return {"ok": True}


async def send(limits: SendLimits, telegram: Telegram, chat_id: int) -> object:
    return await limits.process_request(
        telegram.send, (chat_id,), {}, "sendMessage", {"chat_id": chat_id}, None
    )


def most_in_any_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for other in times[i:] if other - start < window) for i, start in enumerate(times))


async def test_a_burst_never_goes_over_the_limit_in_any_second() -> None:
    limits, telegram = SendLimits(5, 20, 3), Telegram()
    began = time.monotonic()
    await asyncio.gather(*(send(limits, telegram, RESIDENT_CHAT + n) for n in range(17)))
    times = [at for at, _ in telegram.arrivals]
    assert len(times) == 17
    assert most_in_any_window(times, 1.0) == 5
    assert max(times) - began >= 3.0  # 17 messages at 5 per second need three full seconds
    assert max(times) - began < 3.5


async def test_network_jitter_never_puts_more_than_the_limit_in_one_of_telegrams_seconds() -> None:
    limits, telegram = SendLimits(10, 20, 3), Telegram(jitter=0.15)
    await asyncio.gather(*(send(limits, telegram, RESIDENT_CHAT + n) for n in range(35)))
    assert len(telegram.arrivals) == 35
    assert most_in_any_window([at for at, _ in telegram.arrivals], 1.0) <= 10


async def test_below_the_limit_nothing_waits() -> None:
    limits, telegram = SendLimits(30, 20, 3), Telegram()
    began = time.monotonic()
    await asyncio.gather(*(send(limits, telegram, RESIDENT_CHAT + n) for n in range(30)))
    assert max(at for at, _ in telegram.arrivals) - began < 0.2


async def test_a_429_pauses_all_sending_then_the_message_goes_once() -> None:
    limits, telegram = SendLimits(29, 20, 3), Telegram(refusals=1, retry_after=1)
    began = time.monotonic()
    refused_first = asyncio.create_task(send(limits, telegram, RESIDENT_CHAT))
    await asyncio.sleep(0.05)
    await send(limits, telegram, RESIDENT_CHAT + 1)
    await refused_first
    assert sorted(chat for _, chat in telegram.arrivals) == [RESIDENT_CHAT, RESIDENT_CHAT + 1]
    assert min(at for at, _ in telegram.arrivals) - began >= 1.0


async def test_a_message_refused_more_often_than_the_retries_fails_loudly() -> None:
    limits, telegram = SendLimits(29, 20, 1), Telegram(refusals=2, retry_after=0)
    with pytest.raises(RetryAfter):
        await send(limits, telegram, RESIDENT_CHAT)
    assert telegram.arrivals == []


async def test_the_staff_group_has_its_own_per_minute_limit() -> None:
    limits, telegram = SendLimits(29, 2, 3), Telegram()
    await send(limits, telegram, STAFF_GROUP)
    await send(limits, telegram, STAFF_GROUP)
    third = asyncio.create_task(send(limits, telegram, STAFF_GROUP))
    await send(limits, telegram, RESIDENT_CHAT)
    await asyncio.sleep(0.3)
    assert not third.done()
    assert [chat for _, chat in telegram.arrivals] == [STAFF_GROUP, STAFF_GROUP, RESIDENT_CHAT]
    third.cancel()
