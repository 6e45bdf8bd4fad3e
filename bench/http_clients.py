"""CPU per request of the two HTTP clients the bot could use, against one local aiohttp server.

Run with `.venv/bin/python -m bench.http_clients`. The numbers include the server's share, which is
the same for both clients, so the difference is the clients' own cost."""

from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import Awaitable, Callable

import aiohttp
import httpx
from aiohttp import web

REQUESTS = 2000
IN_FLIGHT = 32
WARM_UP = 50
FORM = {"chat_id": "1001", "text": "Welkom in Mechelen! " * 20, "parse_mode": "HTML"}


async def send_message(request: web.Request) -> web.Response:
    form = await request.post()
    message = {"message_id": 1, "date": 0, "chat": {"id": 1001, "type": "private"}, "text": form["text"]}
    return web.json_response({"ok": True, "result": message})


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def measure(post: Callable[[], Awaitable[bytes]]) -> dict[str, float]:
    for _ in range(WARM_UP):
        await post()
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one() -> None:
        async with gate:
            await post()

    began, cpu = time.perf_counter(), cpu_seconds()
    await asyncio.gather(*(one() for _ in range(REQUESTS)))
    return {
        "cpu_ms_per_request": round((cpu_seconds() - cpu) / REQUESTS * 1000, 2),
        "seconds": round(time.perf_counter() - began, 2),
    }


async def compare(port: int = 8765) -> dict[str, dict[str, float]]:
    app = web.Application()
    app.router.add_post("/bot/sendMessage", send_message)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"http://127.0.0.1:{port}/bot/sendMessage"
    try:
        async with httpx.AsyncClient() as client:

            async def httpx_post() -> bytes:
                return (await client.post(url, data=FORM)).content

            by_httpx = await measure(httpx_post)
        async with aiohttp.ClientSession() as session:

            async def aiohttp_post() -> bytes:
                async with session.post(url, data=FORM) as response:
                    return await response.read()

            by_aiohttp = await measure(aiohttp_post)
    finally:
        await runner.cleanup()
    return {"httpx": by_httpx, "aiohttp": by_aiohttp}


if __name__ == "__main__":
    for client, numbers in asyncio.run(compare()).items():
        cpu, seconds = numbers["cpu_ms_per_request"], numbers["seconds"]
        print(f"{client:8s} {cpu:.2f} ms CPU per request, {seconds:.2f} s for {REQUESTS} requests")
