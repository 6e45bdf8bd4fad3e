"""Edits in an open case, from either side: the copy on the other side is edited too."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import WelkomContext


async def on_edited_message(update: Update, context: WelkomContext) -> None:
    """An edit by a resident or a caseworker in an open case is relayed to the other side."""
    message = update.edited_message
    if message is None:
        return
    if message.chat_id == context.staff_chat_id and message.is_topic_message:
        case = context.cases.by_thread(message.message_thread_id or 0)
        sender = "caseworker"
    else:
        case = context.cases.open_case_of(message.chat_id)
        sender = "resident"
    if case is not None:
        await context.topics.edit_copy(case, sender, message)
