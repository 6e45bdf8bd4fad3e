"""The NLU as the conversation core sees it: text in, ranked intents out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import aiohttp


@dataclass(frozen=True)
class IntentScore:
    name: str
    confidence: float


@dataclass(frozen=True)
class Understanding:
    intent: str | None
    confidence: float
    ranking: tuple[IntentScore, ...] = ()


class NluUnavailable(Exception):
    """The NLU did not answer in time or answered with an error."""


class Nlu(Protocol):
    async def parse(self, text: str) -> Understanding: ...


class RasaNlu:
    """Client for a Rasa server's `POST /model/parse` (aiohttp: a fraction of httpx's CPU per request)."""

    def __init__(self, url: str, timeout_seconds: float) -> None:
        self.url = url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    async def parse(self, text: str) -> Understanding:
        if self._session is None:  # created on first use, inside the running event loop
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.post(f"{self.url}/model/parse", json={"text": text}) as response:
                response.raise_for_status()
                data = await response.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise NluUnavailable(f"{type(error).__name__}: {error}") from error
        intent = data.get("intent") or {}
        ranking = tuple(
            IntentScore(str(entry["name"]), float(entry["confidence"]))
            for entry in data.get("intent_ranking") or []
        )
        return Understanding(intent.get("name"), float(intent.get("confidence") or 0.0), ranking)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
