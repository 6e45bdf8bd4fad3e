"""Turns the core's replies into Telegram messages, escaped for HTML parse mode."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from html import escape
from typing import TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, TimedOut
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.core.messages import Reply, Turn

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
T = TypeVar("T")


def is_transient(error: BaseException) -> bool:
    """A network error or a 5xx: Telegram did not take the message, so sending again is safe.

    A timeout is not retried: Telegram may have delivered the message, and a second one would be a
    duplicate. 429s are retried by python-telegram-bot's rate limiter."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest | TimedOut)


async def with_retries(call: Callable[[], Awaitable[T]]) -> T:
    async for attempt in AsyncRetrying(
        retry=retry_if_exception(is_transient),
        stop=stop_after_attempt(4),
        wait=wait_exponential(multiplier=0.5, max=8),
        reraise=True,
    ):
        with attempt:
            return await call()
    raise AssertionError("unreachable")


def as_html(reply: Reply) -> str:
    """Content and user input are escaped, so nothing they hold can become markup."""
    text = escape(reply.text, quote=False)
    if reply.title:
        return f"<b>{escape(reply.title, quote=False)}</b>\n\n{text}"
    return text


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(button.label, url=button.url)
                if button.url
                else InlineKeyboardButton(button.label, callback_data=button.payload)
                for button in row
            ]
            for row in reply.buttons
        ]
    )


async def send_turn(bot: Bot, chat_id: int, turn: Turn, pressed: Message | None = None) -> None:
    """Send every reply of a turn in order; a confirmation replaces the message whose button was pressed."""
    for reply in turn.replies:
        await with_retries(partial(send_reply, bot, chat_id, reply, pressed))


async def send_reply(bot: Bot, chat_id: int, reply: Reply, pressed: Message | None) -> object:
    if reply.document:
        name, data = reply.document
        return await bot.send_document(chat_id, document=data, filename=name, caption=reply.text or None)
    if reply.replaces_pressed and pressed is not None:
        return await bot.edit_message_text(
            as_html(reply),
            chat_id=chat_id,
            message_id=pressed.message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply),
            link_preview_options=NO_PREVIEW,
        )
    return await bot.send_message(
        chat_id,
        as_html(reply),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(reply),
        link_preview_options=NO_PREVIEW,
    )
