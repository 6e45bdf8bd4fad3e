"""Handlers for the staff group: caseworkers answer residents from a case's forum topic."""

from __future__ import annotations

from telegram import Message, Update

from bot.clock import now
from bot.storage.cases import Case
from bot.telegram.context import WelkomContext

INTERNAL_PREFIXES = ("#", "/note")


async def on_topic_message(update: Update, context: WelkomContext) -> None:
    """A caseworker wrote in the staff group: a command, an internal note, or a message for the resident."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    text = (message.text or "").strip()
    thread = message.message_thread_id if message.is_topic_message else None
    case = context.cases.by_thread(thread) if thread is not None else None
    command = text.split()[0].split("@")[0].lower() if text.startswith("/") else ""
    if command == "/queue":
        await message.reply_text(context.desk.queue(now()))
    elif case is None or text.startswith(INTERNAL_PREFIXES):
        return
    elif command == "/close":
        await close_case(context, case, user.first_name)
    elif command == "/send":
        await send_prepared(context, message, case, text.split(maxsplit=1)[1:])
    elif command:
        await message.reply_text(context.desk.staff("send_usage"))
    else:
        await relay_caseworker_message(context, message, case, user.id, user.first_name)


async def relay_caseworker_message(
    context: WelkomContext, message: Message, case: Case, caseworker_id: int, name: str
) -> None:
    if case.status != "open":
        await message.reply_text(context.desk.staff("card_closed"))
        return
    if case.claimed_by is None:
        await claim_case(context, case, caseworker_id, name)
    await context.topics.relay_to_resident(case, message)


async def send_prepared(context: WelkomContext, message: Message, case: Case, arguments: list[str]) -> None:
    """/send <intent or phrase>: the curated text, in the resident's language."""
    if not arguments:
        await message.reply_text(context.desk.staff("send_usage"))
        return
    key = arguments[0].strip()
    replies = context.desk.prepared(case, key)
    if replies is None:
        await message.reply_text(context.desk.unknown_key(key))
        return
    if await context.topics.send_to_resident(case, replies):
        await message.reply_text(context.desk.staff("sent", language=case.language.upper(), key=key))


async def claim_case(context: WelkomContext, case: Case, caseworker_id: int, name: str) -> bool:
    claim = context.desk.claim(case, caseworker_id, name)
    if not claim.taken:
        return False
    if claim.to_resident is not None:
        await context.topics.send_to_resident(case, [claim.to_resident])
        await context.topics.post(case, context.desk.staff("claimed_by", name=name))
    await context.topics.refresh_card(case)
    return True


async def close_case(context: WelkomContext, case: Case, name: str) -> None:
    to_resident = context.desk.close(case)
    if not to_resident:
        return
    await context.topics.send_to_resident(case, to_resident)
    await context.topics.post(case, context.desk.staff("closed_by", name=name))
    await context.topics.close_topic(case)


async def on_case_button(update: Update, context: WelkomContext) -> None:
    """Claim or Close on a case card; only in the staff group."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.data is None:
        return
    in_staff_group = isinstance(query.message, Message) and query.message.chat_id == context.staff_chat_id
    _, action, case_id = [*query.data.split(":"), "", ""][:3]
    case = context.cases.get(int(case_id)) if case_id.isdigit() else None
    if not in_staff_group or case is None:
        await query.answer(context.desk.staff("refused"), show_alert=True)
        return
    if action == "claim" and not await claim_case(context, case, user.id, user.first_name):
        current = context.cases.get(case.id)
        await query.answer(
            context.desk.staff("already_claimed", name=(current and current.claimed_by_name) or "")
        )
        return
    if action == "close":
        await close_case(context, case, user.first_name)
    await query.answer()


async def remind_waiting_cases(context: WelkomContext) -> None:
    """During office hours, remind the staff group of cases nobody took."""
    await context.topics.remind(now(), context.services.settings.case_reminder_minutes)
