"""The one way a person's words reach Telegram: resident answers, relays both ways, edits, case cards, notes.

Every such Bot API call goes through `Delivery`, with one policy:

- A 5xx or a network error (no connection, or the connection dropped before Telegram answered) means
  Telegram did not take the request: it is sent again, up to four times in all, with exponential backoff
  (by default 0.5, 1 and 2 s: `TELEGRAM_RETRY_FIRST_WAIT_SECONDS`).
- A 429 is waited out by the rate limiter (`bot/telegram/send_limits.py`), which pauses all sending for
  the `retry_after` Telegram asks and then sends the request again.
- A timeout is ambiguous: the request reached Telegram and may have been carried out. Sending a message
  (sendMessage, copyMessage, sendDocument, createForumTopic) again could show it twice, so such a call
  is *not* repeated after a timeout; it counts as delivered. A call that sets a state (editing a text,
  a caption or a card's buttons) gives the same result when repeated, so it is `repeatable` and is
  retried after a timeout too.
- Anything else (400, 403) is final and raised at once: the caller decides what the sender hears.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, TimedOut
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

T = TypeVar("T")

ATTEMPTS = 4


def is_transient(error: BaseException) -> bool:
    """A network error or a 5xx: Telegram did not take the request, so sending it again is safe."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest | TimedOut)


def is_transient_or_timeout(error: BaseException) -> bool:
    return is_transient(error) or isinstance(error, TimedOut)


class Delivery:
    """The policy above; `first_wait_seconds` is the wait before the second attempt, doubled after each."""

    def __init__(self, first_wait_seconds: float) -> None:
        self.first_wait_seconds = first_wait_seconds

    async def __call__(self, call: Callable[[], Awaitable[T]], *, repeatable: bool = False) -> T:
        """One Bot API call under the delivery policy; `repeatable` ones are retried after a timeout too."""
        async for attempt in AsyncRetrying(
            retry=retry_if_exception(is_transient_or_timeout if repeatable else is_transient),
            stop=stop_after_attempt(ATTEMPTS),
            wait=wait_exponential(multiplier=self.first_wait_seconds, max=8),
            reraise=True,
        ):
            with attempt:
                return await call()
        raise AssertionError("unreachable")
