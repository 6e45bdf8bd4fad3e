"""A timing proxy on 127.0.0.1 in front of the Rasa server: how long each NLU call of the bot took."""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass

import aiohttp
from aiohttp import web


@dataclass(frozen=True)
class NluCall:
    text: str
    started: float
    ended: float
    status: int

    @property
    def seconds(self) -> float:
        return self.ended - self.started


class NluTimingProxy:
    """Forwards every request to `upstream` and records the time of each `POST /model/parse`."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.calls: list[NluCall] = []
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        assert self._session is not None
        body = await request.read()
        headers = {"Content-Type": request.headers.get("Content-Type", "application/json")}
        async with self._session.request(
            request.method, f"{self.upstream}{request.rel_url}", data=body, headers=headers
        ) as response:
            payload = await response.read()
            status = response.status
            content_type = response.headers.get("Content-Type", "application/json")
        ended = time.perf_counter()
        if request.path == "/model/parse":
            self.calls.append(NluCall(_text_of(body), started, ended, status))
        return web.Response(body=payload, status=status, headers={"Content-Type": content_type})


def _text_of(body: bytes) -> str:
    try:
        return str(json.loads(body).get("text", ""))
    except (ValueError, AttributeError):
        return ""
