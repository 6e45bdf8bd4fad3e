"""python-telegram-bot's HTTP requests made with aiohttp.

The default request class uses httpx. Measured on this machine (`python -m bench.http_clients`: 2,000
form posts to a local server, both sides counted), httpx costs 3.1-3.4 ms of CPU per request and
aiohttp 0.4-0.5 ms. Every resident message means two or three requests (getUpdates, sendMessage,
answerCallbackQuery), so the HTTP client was most of the bot's own work per message."""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

CONNECT_SECONDS = 5.0
# How long a request may wait for a free connection when all of them are busy.
POOL_SECONDS = 1.0


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a pool of `connections`; python-telegram-bot handles the rest.

    `read_timeout` is the default wait for an answer (TELEGRAM_READ_TIMEOUT_SECONDS)."""

    def __init__(self, connections: int, read_timeout: float) -> None:
        self._connections = connections
        self._read_timeout = read_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        connect = given_or(connect_timeout, CONNECT_SECONDS)
        pool = given_or(pool_timeout, POOL_SECONDS)
        timeout = aiohttp.ClientTimeout(
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=given_or(read_timeout, self._read_timeout),
        )
        try:
            async with self._session.request(
                method, url, data=body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def given_or(value: ODVInput[float], default: float | None) -> float | None:
    """The timeout a bot method asked for, else this request's default (None means no limit)."""
    if isinstance(value, DefaultValue):
        return default
    return value


def body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields as python-telegram-bot prepares them; files as multipart."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    form = aiohttp.FormData(request_data.json_parameters)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
