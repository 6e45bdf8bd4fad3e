"""Builds the python-telegram-bot Application: services, handlers, commands, rate limits."""

from __future__ import annotations

import asyncio
import gc
import logging
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.content import Content
from bot.content.review import review_message
from bot.core.routing import COMMANDS
from bot.services import Services, open_services
from bot.settings import Settings
from bot.storage.data_rights import DataRights
from bot.telegram import edit_handlers, resident_handlers, staff_handlers
from bot.telegram.context import WelkomContext
from bot.telegram.ordering import PerChatOrder
from bot.telegram.request import AiohttpRequest
from bot.telegram.send_limits import SendLimits

log = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 10
# A burst to many residents at once meets Telegram's 429s; three retries lost replies in the benchmark.
TELEGRAM_RETRIES_AFTER_429 = 10
# Replies in flight at once; python-telegram-bot's default pool holds 256.
TELEGRAM_CONNECTIONS = 256
RETENTION_TIME = time(3, 30, tzinfo=ZoneInfo("Europe/Brussels"))
CHECKPOINT_SECONDS = 10
CONTENT_REVIEW_TIME = time(9, 0, tzinfo=ZoneInfo("Europe/Brussels"))
CONTENT_REVIEW_JOB = "content_review"
TELEGRAM_MESSAGE_LIMIT = 4096
PRIVATE_MESSAGE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE

WelkomApplication = Application[Any, WelkomContext, Any, Any, Any, Any]


def build_application(settings: Settings) -> WelkomApplication:
    """The Telegram bot; services open in post_init and close in post_shutdown."""

    async def open_all(application: WelkomApplication) -> None:
        services = open_services(settings, handoff_enabled=bool(settings.staff_chat_id))
        WelkomContext.attach(application, services)
        await register_commands(application, services.conversation.content)
        if settings.staff_chat_id:
            delivered = await WelkomContext.topics_of(application).deliver_pending()
            if delivered:
                log.info("%d relays recorded before the last stop delivered on start", delivered)
        assert application.job_queue is not None
        application.job_queue.run_repeating(
            reload_content, interval=settings.content_reload_seconds, first=settings.content_reload_seconds
        )
        if settings.staff_chat_id:
            application.job_queue.run_repeating(staff_handlers.remind_waiting_cases, interval=60, first=60)
            application.job_queue.run_monthly(
                post_content_review, when=CONTENT_REVIEW_TIME, day=1, name=CONTENT_REVIEW_JOB
            )
        application.job_queue.run_daily(apply_retention, time=RETENTION_TIME)
        services.storage.hand_checkpoints_over()
        application.job_queue.run_repeating(
            checkpoint_database, interval=CHECKPOINT_SECONDS, first=CHECKPOINT_SECONDS
        )
        await apply_retention_now(services)
        # What start-up loaded (content, libraries, the language detector) lives as long as the
        # process; left to the collector, each full collection walks all of it and held every chat
        # up for about 50 ms in the benchmark. Frozen, collections only walk what came after.
        gc.freeze()

    async def close_all(application: WelkomApplication) -> None:
        services = application.bot_data.get("services")
        if services is not None:
            await services.close()

    application: WelkomApplication = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .request(AiohttpRequest(TELEGRAM_CONNECTIONS, settings.telegram_read_timeout_seconds))
        .get_updates_request(AiohttpRequest(1, settings.telegram_read_timeout_seconds))
        .context_types(ContextTypes(context=WelkomContext))
        .concurrent_updates(PerChatOrder())
        .rate_limiter(
            SendLimits(
                overall_per_second=settings.telegram_overall_max_rate,
                group_per_minute=settings.telegram_group_max_rate,
                retries_after_429=TELEGRAM_RETRIES_AFTER_429,
            )
        )
        .post_init(open_all)
        .post_shutdown(close_all)
        .build()
    )
    # Order matters: resident text (commands included), then everything else a resident can send;
    # then the staff group. Case card buttons come before resident buttons: their data starts "case:".
    # Messages in other groups match none of these, so the assistant stays silent there.
    staff_group = filters.Chat(chat_id=settings.staff_chat_id or [])
    application.add_handler(TypeHandler(Update, resident_handlers.skip_redelivered), group=-1)
    application.add_handlers(
        [
            MessageHandler(PRIVATE_MESSAGE & filters.TEXT, resident_handlers.on_message),
            MessageHandler(
                PRIVATE_MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL, resident_handlers.on_unsupported
            ),
            MessageHandler(
                staff_group & filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL,
                staff_handlers.on_topic_message,
            ),
            MessageHandler(filters.UpdateType.EDITED_MESSAGE, edit_handlers.on_edited_message),
            CallbackQueryHandler(staff_handlers.on_case_button, pattern=r"^case:"),
            CallbackQueryHandler(resident_handlers.on_button),
        ]
    )
    application.add_error_handler(on_error)
    return application


async def register_commands(application: WelkomApplication, content: Content) -> None:
    """The command menu of the Telegram app, in each supported language."""
    for language in (None, *content.languages):
        text_language = language or content.greeting_fallback[0]
        commands = [BotCommand(name, content.text(text_language, f"command.{name}")) for name in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=language)


async def apply_retention(context: WelkomContext) -> None:
    """Every night: delete conversation turns and closed cases older than RETENTION_DAYS."""
    await apply_retention_now(context.services)


async def apply_retention_now(services: Services) -> None:
    deleted = DataRights(services.storage).apply_retention(services.settings.retention_days)
    log.info("retention: deleted %(conversation_turns)d turns and %(closed_cases)d closed cases", deleted)


async def checkpoint_database(context: WelkomContext) -> None:
    """The database's write-ahead log into the database file, in a worker thread (see Storage)."""
    await asyncio.to_thread(context.services.storage.checkpoint)


async def reload_content(context: WelkomContext) -> None:
    """Serve content and flows that staff edited; a refused edit is reported to the staff group."""
    result = context.services.reloader.check()
    if result.status == "refused" and context.staff_chat_id:
        lines = [context.desk.staff("content_refused"), *map(str, result.errors[:MAX_REPORTED_ERRORS])]
        await context.bot.send_message(context.staff_chat_id, "\n".join(lines))


async def post_content_review(context: WelkomContext) -> None:
    """On the first of each month: what staff should review in the content, posted to the staff group."""
    if not context.staff_chat_id:
        return
    today = datetime.now(ZoneInfo("Europe/Brussels")).date()
    message = review_message(context.services.conversation.content, today)
    for part in split_message(message):
        await context.bot.send_message(context.staff_chat_id, part)


def split_message(text: str, limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[str]:
    """Whole lines per message, each message within Telegram's length limit."""
    parts: list[str] = []
    for line in text.splitlines():
        if parts and len(parts[-1]) + 1 + len(line) <= limit:
            parts[-1] += "\n" + line
        else:
            parts.append(line[:limit])
    return parts


async def on_error(update: object, context: WelkomContext) -> None:
    """Log the failure without the message text; the resident's next message is handled as usual."""
    kind = type(update).__name__ if update is not None else "no update"
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("handling %s %s failed", kind, update_id, exc_info=context.error)
