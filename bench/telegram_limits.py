"""Telegram limits: one message each from many residents at once, against an emulator that enforces
30 messages per second overall and 1 per second per chat (429 Too Many Requests beyond)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from bench.emulator import TelegramLimits
from bench.end_to_end import BotUnderLoad
from bench.procs import RssSampler, wait_until
from bench.stats import max_in_window, per_second

# New residents arriving from a poster or a newsletter: each opens the bot, which sends /start.
BURST_MESSAGE = "/start"
IDLE_SECONDS = 15.0


async def run_burst(residents: int, rasa_url: str, database: Path, workdir: Path) -> dict[str, Any]:
    limits = TelegramLimits()
    async with BotUnderLoad(rasa_url, database, workdir, limits=limits) as system:
        emulator, world = system.emulator, system.emulator.timed
        users = [emulator.make_user(f"B{n}", language_code="nl") for n in range(residents)]
        sampler = RssSampler(system.bot.pid)
        sampler.start()
        began = time.perf_counter()
        for user in users:
            emulator.push_text(user, BURST_MESSAGE)
        minimum = residents / limits.overall
        deadline = began + minimum * 4 + 60
        chats = [user.id for user in users]

        def settled() -> bool:
            """Every chat answered, or nothing sent for a while (the rest is lost)."""
            idle = bool(world.outgoing) and time.perf_counter() - world.outgoing[-1].at > IDLE_SECONDS
            return idle or all(world.by_chat[chat] for chat in chats)

        await wait_until(settled, deadline - time.perf_counter())
        await asyncio.sleep(1.5)  # any late duplicate or retry would arrive now
        memory = await sampler.stop()
    sends = [out.at for chat in chats for out in world.by_chat[chat]]
    delivered = sum(bool(world.by_chat[chat]) for chat in chats)
    extra = sum(max(len(world.by_chat[chat]) - 1, 0) for chat in chats)
    total = (max(sends) - began) if sends else None
    return {
        "residents": residents,
        "message": BURST_MESSAGE,
        "delivered": delivered,
        "lost": residents - delivered,
        "duplicates": extra,
        "too_many_requests": sum(error.error_code == 429 for error in world.errors),
        "other_errors": sum(error.error_code != 429 for error in world.errors),
        "max_per_1s_window": max_in_window(sends),
        "max_per_chat_per_1s_window": max(
            (max_in_window([out.at for out in world.by_chat[chat]]) for chat in chats), default=0
        ),
        "per_second": per_second(sends, began),
        "total_seconds": round(total, 2) if total is not None else None,
        "minimum_seconds": round(minimum, 2),
        "ratio_to_minimum": round(total / minimum, 3) if total is not None else None,
        "bot_memory": memory,
    }
