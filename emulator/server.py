"""An in-process Telegram Bot API server for end-to-end tests.

The real python-telegram-bot `Application` talks to it over HTTP on 127.0.0.1:

    emulator = BotApiEmulator(token="123456:TEST")
    await emulator.start()
    app = (
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .build()
    )

Requests go to `POST {base_url}{token}/{method}` and are answered with Bot API JSON; tests
push updates and inspect what the bot sent through the methods of `EmulatorDriver`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from types import TracebackType
from typing import Any

from aiohttp import web

from . import forums, media, members, messaging, pins  # noqa: F401  (they register their methods)
from .driver import EmulatorDriver
from .errors import ApiError
from .methods import METHODS
from .objects import FakeUser
from .params import read_params
from .records import Call, ErrorRecord
from .state import World

log = logging.getLogger(__name__)


class BotApiEmulator(EmulatorDriver):
    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_name: str = "Welkom Test",
        bot_username: str = "welkom_test_bot",
    ) -> None:
        bot_id = int(token.split(":", 1)[0])
        super().__init__(World(FakeUser(bot_id, bot_name, username=bot_username, is_bot=True)))
        self.token = token
        self.port = 0
        self._runner: web.AppRunner | None = None

    @property
    def bot(self) -> FakeUser:
        return self.world.bot

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(
            app,
            handle_signals=False,
            handler_cancellation=True,
            access_log=None,
            shutdown_timeout=1.0,
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self.world.closed = False

    async def stop(self) -> None:
        self.world.close()  # wakes pending long polls, which then answer []
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- HTTP -------------------------------------------------------------------------------

    @staticmethod
    def _reply(result: Any = None, error: ApiError | None = None) -> web.Response:
        if error is not None:
            return web.json_response(error.to_json(), status=error.error_code)
        return web.json_response({"ok": True, "result": result})

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method.lower() == "getupdates":
            return await self._answer_api(request, method)
        self.world.busy += 1
        try:
            return await self._answer_api(request, method)
        finally:
            self.world.busy -= 1
            self.world.last_call_at = time.monotonic()
            self.world.changed.fire()

    async def _answer_api(self, request: web.Request, method: str) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._reply(error=ApiError(401))
        try:
            params = await read_params(request)
        except ApiError as error:
            return self._reply(error=error)
        self.world.calls.append(Call(method, params))
        handler = METHODS.get(method.lower())
        fault = self.world.take_fault(method) if handler is not None else None
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        if fault is not None and fault.reset and request.transport is not None:
            request.transport.abort()
            return web.Response(status=500)  # never reaches the client: the connection is gone
        injected = fault.error() if fault is not None else None
        try:
            if injected is not None:
                raise injected
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(self.world, params)
        except ApiError as error:
            self.world.errors.append(
                ErrorRecord(method, params, error.error_code, error.description, injected is error)
            )
            log.info("%s -> %s %s", method, error.error_code, error.description)
            return self._reply(error=error)
        except Exception as exc:  # an emulator bug: report it as a server error, loudly
            log.exception("emulator failed on %s", method)
            self.world.errors.append(ErrorRecord(method, params, 500, repr(exc), False))
            return self._reply(error=ApiError(500))
        return self._reply(result)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401).to_json(), status=401)
        path = request.match_info["path"]
        for file in self.world.files.values():
            if file["file_path"] == path:
                return web.Response(body=file["content"], content_type="application/octet-stream")
        return web.json_response(ApiError(404).to_json(), status=404)
