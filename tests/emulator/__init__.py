"""A Telegram Bot API emulator for end-to-end tests of the bot."""

from .driver import EmulatorTimeout
from .errors import ApiError
from .objects import FakeChat, FakeUser
from .records import Button, Call, CallbackAnswer, ErrorRecord, SentMessage, Venue
from .server import BotApiEmulator

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "Button",
    "Call",
    "CallbackAnswer",
    "EmulatorTimeout",
    "ErrorRecord",
    "FakeChat",
    "FakeUser",
    "SentMessage",
    "Venue",
]
