"""The Application's start and stop sequence, as `run_polling` runs it, for the event loops we own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from telegram.ext import Application

Step = Callable[[], Awaitable[object]]


@asynccontextmanager
async def running(
    application: Application[Any, Any, Any, Any, Any, Any], *, start_receiving: Step, stop_receiving: Step
) -> AsyncIterator[None]:
    """Initialise (post_init), start receiving updates, start; on the way out the same in reverse.

    `start_receiving` is polling or the webhook; updates that arrive before `start` wait in the queue.
    """
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await start_receiving()
    await application.start()
    try:
        yield
    finally:
        await stop_receiving()
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
