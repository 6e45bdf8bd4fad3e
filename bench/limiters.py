"""python-telegram-bot's own AIORateLimiter against the bot's SendLimits, once, on a burst.

The same burst for both: one message to each of 1,000 chats at once, through the emulator that answers
429 Too Many Requests beyond 30 messages a second (bench/emulator.py). Each limiter is set to Telegram's
limits without a burst allowance: AIORateLimiter as one message per 1/30 s overall (an aiolimiter bucket
of one), SendLimits as 30 in any second. Both retry a 429 up to three times.

Run once: `.venv/bin/python -m bench.limiters` (about two minutes); the result is in docs/benchmarks.md."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from telegram.ext import AIORateLimiter, BaseRateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bench.emulator import TelegramLimits, TimedEmulator
from bench.stats import max_in_window
from bot.telegram.send_limits import SendLimits

CHATS = 1000


async def burst(limiter: BaseRateLimiter[Any], chats: int = CHATS) -> dict[str, Any]:
    limits = TelegramLimits()
    async with TimedEmulator(limits=limits) as emulator:
        users = [emulator.make_user(f"L{n}", language_code="nl") for n in range(chats)]
        bot: ExtBot[None] = ExtBot(
            token=emulator.token,
            base_url=emulator.base_url,
            request=HTTPXRequest(connection_pool_size=64),
            rate_limiter=limiter,
        )
        async with bot:
            began = time.perf_counter()
            results = await asyncio.gather(
                *(bot.send_message(user.id, "Welkom") for user in users), return_exceptions=True
            )
            elapsed = time.perf_counter() - began
        sent = [out.at for out in emulator.timed.outgoing if out.kind == "sent"]
        return {
            "seconds": round(elapsed, 1),
            "minimum_seconds": round(chats / limits.overall, 1),
            "delivered": sum(1 for result in results if not isinstance(result, BaseException)),
            "refused_429": sum(1 for error in emulator.errors if error.error_code == 429),
            "max_in_any_second": max_in_window(sent),
        }


async def compare() -> dict[str, Any]:
    ptb = AIORateLimiter(
        overall_max_rate=1, overall_time_period=1 / 30, group_max_rate=20, group_time_period=60, max_retries=3
    )
    ours = SendLimits(overall_per_second=30, group_per_minute=20, retries_after_429=3)
    return {"AIORateLimiter": await burst(ptb), "SendLimits": await burst(ours)}


if __name__ == "__main__":
    json.dump(asyncio.run(compare()), sys.stdout, indent=2)
    print()
