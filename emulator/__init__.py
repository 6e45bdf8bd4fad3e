"""A Telegram Bot API emulator for end-to-end tests of the bot."""

from .errors import ApiError
from .objects import FakeChat, FakeUser
from .records import Button, Call, CallbackAnswer, ErrorRecord, SentMessage, Topic, Venue
from .server import BotApiEmulator
from .waiting import EmulatorTimeout

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
    "Topic",
    "Venue",
]
