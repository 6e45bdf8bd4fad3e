"""The Telegram adapter: python-telegram-bot handlers over the conversation core."""

from bot.telegram.app import build_application

__all__ = ["build_application"]
