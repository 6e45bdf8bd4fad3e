"""The Telegram adapter: python-telegram-bot handlers over the conversation core."""

import os

# python-telegram-bot 22 gives durations (RetryAfter.retry_after and others) as timedelta when opted in;
# the int form is deprecated and warns on every read.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.telegram.app import build_application

__all__ = ["build_application"]
