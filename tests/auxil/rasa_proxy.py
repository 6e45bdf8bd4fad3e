"""A controllable NLU: forwards to the real Rasa server, or fails and stalls on demand."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType

import httpx
from aiohttp import web

from bot.nlu.rasa_server import free_port


class RasaProxy:
    """`state` is "up" (forward), "down" (connection refused) or "slow" (answers after `delay`)."""

    def __init__(self, rasa_url: str, delay: float = 3.0) -> None:
        self.rasa_url = rasa_url
        self.delay = delay
        self.state = "up"
        self.forwarded = 0
        self._client = httpx.AsyncClient(timeout=10)
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    async def _parse(self, request: web.Request) -> web.Response:
        if self.state == "down" and request.transport is not None:
            request.transport.close()  # like a killed server: the connection just ends
            raise web.HTTPServiceUnavailable
        if self.state == "slow":
            await asyncio.sleep(self.delay)
        response = await self._client.post(f"{self.rasa_url}/model/parse", content=await request.read())
        self.forwarded += 1
        return web.Response(
            body=response.content, status=response.status_code, content_type="application/json"
        )

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/model/parse", self._parse)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await self._listen()

    async def _listen(self) -> None:
        assert self._runner is not None
        self._site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await self._site.start()

    async def set_mode(self, mode: str) -> None:
        """ "down" stops listening (like a killed server); "up" and "slow" listen again."""
        if mode == "down" and self._site is not None:
            await self._site.stop()
            self._site = None
        elif mode != "down" and self._site is None:
            await self._listen()
        self.state = mode

    @asynccontextmanager
    async def mode(self, mode: str) -> AsyncIterator[None]:
        """In `mode` while the block runs, then "up" again, whatever the block did."""
        await self.set_mode(mode)
        try:
            yield
        finally:
            await self.set_mode("up")

    async def __aenter__(self) -> RasaProxy:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        await self._client.aclose()
