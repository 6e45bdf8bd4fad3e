"""Turns the core's replies into Telegram messages, escaped for HTML parse mode."""

from __future__ import annotations

from functools import partial
from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode

from bot.core.messages import Reply, Turn
from bot.telegram.delivery import Delivery

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


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


async def send_turn(
    deliver: Delivery, bot: Bot, chat_id: int, turn: Turn, pressed: Message | None = None
) -> None:
    """Send every reply of a turn in order; a confirmation replaces the message whose button was pressed."""
    for reply in turn.replies:
        repeatable = reply.replaces_pressed and pressed is not None and not reply.document
        await deliver(partial(send_reply, bot, chat_id, reply, pressed), repeatable=repeatable)


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
