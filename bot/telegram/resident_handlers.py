"""Telegram handlers: each turns an update into an event for the core and renders the result."""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, Message, Update, User
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.core.messages import Incoming, Kind, Turn
from bot.telegram.context import WelkomContext
from bot.telegram.render import send_turn

log = logging.getLogger(__name__)


async def skip_redelivered(update: Update, context: WelkomContext) -> None:
    """Runs before every handler: an update seen before (a redelivery after a crash) is dropped."""
    if not context.services.storage.first_delivery(update.update_id):
        raise ApplicationHandlerStop


async def answer(context: WelkomContext, chat_id: int, turn: Turn, pressed: Message | None = None) -> None:
    """Send the turn; a resident who blocked the bot is marked so nobody keeps writing to them."""
    try:
        await send_turn(context.deliver, context.bot, chat_id, turn, pressed)
    except Forbidden:
        context.cases.set_blocked(chat_id, blocked=True)


async def on_message(update: Update, context: WelkomContext) -> None:
    """A text message or /command from a resident in a private chat."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    event = Incoming.message(user.id, message.text, user.language_code)
    turn = await context.services.conversation.handle(event)
    await answer(context, message.chat_id, turn)
    await context.topics.after_turn(turn, message)


async def on_button(update: Update, context: WelkomContext) -> None:
    """A resident pressed one of the assistant's inline buttons.

    The press is acknowledged (the button stops spinning) while the reply is made, not before: the
    acknowledgement is a round trip to Telegram that the reply need not wait for."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    await asyncio.gather(acknowledge(query), reply_to_press(query, user, context))


async def acknowledge(query: CallbackQuery) -> None:
    """A press Telegram no longer accepts an acknowledgement for (too old) is still answered."""
    try:
        await query.answer()
    except TelegramError as error:
        log.warning("could not acknowledge a button press: %s", error)


async def reply_to_press(query: CallbackQuery, user: User, context: WelkomContext) -> None:
    pressed = query.message if isinstance(query.message, Message) else None
    if pressed is not None and pressed.chat.type != ChatType.PRIVATE:
        return
    event = Incoming(user.id, Kind.BUTTON, query.data or "", user.language_code)
    turn = await context.services.conversation.handle(event)
    await answer(context, pressed.chat_id if pressed else user.id, turn, pressed)
    await context.topics.after_turn(turn, None)


async def on_unsupported(update: Update, context: WelkomContext) -> None:
    """A photo, voice message, sticker, location or file: relayed in a case, else "I read text only"."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    event = Incoming(user.id, Kind.UNSUPPORTED, client_language=user.language_code)
    turn = await context.services.conversation.handle(event)
    await answer(context, message.chat_id, turn)
    await context.topics.after_turn(turn, message)
