"""The staff group: one forum topic per case, and messages copied between resident and topic."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from typing import Any

from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError, TimedOut

from bot.clock import now
from bot.core.case_desk import CaseDesk
from bot.core.messages import CaseOpened, CaseRated, Reply, ResidentForgotten, ResidentLeft, StaffEvent, Turn
from bot.storage.cases import Case, Cases
from bot.telegram.delivery import Delivery
from bot.telegram.render import NO_PREVIEW, as_html, keyboard, send_turn

log = logging.getLogger(__name__)

THREAD_GONE = "thread not found"
NOT_MODIFIED = "message is not modified"
RESIDENT, CASEWORKER = "resident", "caseworker"
QUOTE_LENGTH = 60


class CaseTopics:
    """Keeps each case's topic in the staff group in step with the case in SQLite."""

    def __init__(self, bot: Bot, desk: CaseDesk, cases: Cases, staff_chat_id: int, deliver: Delivery) -> None:
        self.bot = bot
        self.deliver = deliver
        self.desk = desk
        self.cases = cases
        self.staff_chat_id = staff_chat_id

    async def after_turn(self, turn: Turn, message: Message | None) -> None:
        """Relay what the resident sent to their case, and show staff what the turn changed."""
        if turn.relay_case is not None and message is not None:
            case = self.cases.get(turn.relay_case)
            if case is not None:
                await self.relay_from_resident(case, message)
        for event in turn.staff_events:
            await self.on_event(event)

    async def on_event(self, event: StaffEvent) -> None:
        if isinstance(event, ResidentForgotten):
            await self.resident_forgotten(event)
            return
        case = self.cases.get(event.case_id)
        if case is None:
            return
        if isinstance(event, CaseOpened):
            await self.show(case, reopened=event.reopened)
        elif isinstance(event, ResidentLeft):
            await self.post(case, self.desk.staff("resident_left"))
            await self.close_topic(case)
        elif isinstance(event, CaseRated):
            await self.post(case, self.desk.staff("resident_rated", rating=str(event.rating)))

    async def resident_forgotten(self, event: ResidentForgotten) -> None:
        """The case is gone from the database; its topic gets a note and is closed."""
        if event.thread_id is None:
            return
        try:
            await self.deliver(
                partial(
                    self.bot.send_message,
                    self.staff_chat_id,
                    self.desk.staff("resident_forgotten"),
                    message_thread_id=event.thread_id,
                )
            )
            await self.bot.close_forum_topic(self.staff_chat_id, event.thread_id)
        except BadRequest as error:
            log.info("note about a deleted case not posted: %s", error.message)

    async def show(self, case: Case, reopened: bool) -> None:
        """A new topic with the case card, or the old topic reopened."""
        if reopened and case.thread_id is not None:
            try:
                await self.bot.reopen_forum_topic(self.staff_chat_id, case.thread_id)
            except BadRequest as error:
                log.info("reopening the topic of case %s: %s", case.id, error.message)
            await self.post(case, self.desk.staff("reopened"))
            await self.refresh_card(case)
            if case.urgent and case.card_message_id is not None:
                await self.pin_card(case.id, case.card_message_id)
            return
        await self.new_topic(case)

    async def new_topic(self, case: Case) -> int:
        topic = await self.deliver(
            partial(self.bot.create_forum_topic, self.staff_chat_id, self.desk.topic_name(case))
        )
        card = self.card_reply(case)
        sent = await self.deliver(
            partial(
                self.bot.send_message,
                self.staff_chat_id,
                as_html(card),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(card),
                message_thread_id=topic.message_thread_id,
                link_preview_options=NO_PREVIEW,
            )
        )
        self.cases.set_topic(case.id, topic.message_thread_id, sent.message_id)
        if case.urgent:
            await self.pin_card(case.id, sent.message_id)
        return topic.message_thread_id

    async def pin_card(self, case_id: int, message_id: int) -> None:
        """An urgent case's card stays pinned at the top of the staff group."""
        try:
            await self.bot.pin_chat_message(self.staff_chat_id, message_id, disable_notification=False)
        except BadRequest as error:
            log.warning("the card of urgent case %s is not pinned: %s", case_id, error.message)

    def card_reply(self, case: Case) -> Reply:
        return Reply(text=self.desk.card(case, now()), buttons=self.desk.card_buttons(case))

    async def refresh_card(self, case: Case) -> None:
        current = self.cases.get(case.id)
        if current is None or current.card_message_id is None:
            return
        card = self.card_reply(current)
        try:
            await self.deliver(
                partial(
                    self.bot.edit_message_text,
                    as_html(card),
                    chat_id=self.staff_chat_id,
                    message_id=current.card_message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(card),
                ),
                repeatable=True,
            )
        except TelegramError as error:
            log.info("case card %s not updated: %s", case.id, error.message)

    async def thread_of(self, case: Case) -> int:
        current = self.cases.get(case.id) or case
        return current.thread_id if current.thread_id is not None else await self.new_topic(current)

    async def post(self, case: Case, text: str) -> None:
        """A plain note in the case's topic; a deleted topic is recreated first."""
        for attempt in range(2):
            thread = await self.thread_of(case)
            try:
                await self.deliver(
                    partial(self.bot.send_message, self.staff_chat_id, text, message_thread_id=thread)
                )
                return
            except BadRequest as error:
                if THREAD_GONE not in error.message.lower() or attempt:
                    raise
                await self.recreate(case)

    async def recreate(self, case: Case) -> None:
        log.warning("the topic of case %s was deleted; recreating it", case.id)
        thread = await self.new_topic(case)
        await self.deliver(
            partial(
                self.bot.send_message,
                self.staff_chat_id,
                self.desk.staff("topic_recreated"),
                message_thread_id=thread,
            )
        )

    async def relay_from_resident(self, case: Case, message: Message) -> None:
        """Copy the resident's message into the topic, once, even if the update is delivered again."""
        await self.relay(case, RESIDENT, message)

    async def relay_to_resident(self, case: Case, message: Message) -> None:
        """Copy a caseworker's message to the resident, once; a copy that fails is reported in the topic."""
        await self.relay(case, CASEWORKER, message)

    async def relay(self, case: Case, sender: str, message: Message) -> None:
        row = self.cases.begin_relay(
            case.id, sender, message.text or message.caption or "", message.message_id
        )
        relay = self.cases.relay(row) if row is not None else None
        if relay is not None:
            await self.deliver_relay(case, relay)

    async def deliver_pending(self) -> int:
        """Send what was recorded but not sent when the bot stopped, each message once; how many."""
        delivered = 0
        for relay in self.cases.pending_relays():
            case = self.cases.get(relay["case_id"])
            if case is not None:
                delivered += await self.deliver_relay(case, relay)
        return delivered

    async def deliver_relay(self, case: Case, relay: dict[str, Any]) -> bool:
        """Send one outbox row and record how it went; when it finally fails, its sender is told."""
        try:
            if relay["sender"] == RESIDENT:
                copy_id: int | None = await self.copy_into_topic(case, relay["source_message_id"])
            else:
                copy = await self.deliver(
                    partial(
                        self.bot.copy_message,
                        case.resident_id,
                        self.staff_chat_id,
                        relay["source_message_id"],
                    )
                )
                copy_id = copy.message_id
        except TimedOut:
            log.warning("a relay in case %s timed out; counted as delivered, not sent twice", case.id)
            copy_id = None
        except TelegramError as error:
            log.warning("a relay in case %s failed: %s", case.id, error.message)
            self.cases.mark_failed(relay["id"], error.message)
            await self.tell_sender(case, relay, error)
            return False
        self.cases.mark_delivered(relay["id"], copy_id)
        return True

    async def copy_into_topic(self, case: Case, source_message_id: int) -> int:
        """The copy's id in the case topic; a deleted topic is recreated once."""
        for attempt in range(2):
            thread = await self.thread_of(case)
            try:
                copy = await self.deliver(
                    partial(
                        self.bot.copy_message,
                        self.staff_chat_id,
                        case.resident_id,
                        source_message_id,
                        message_thread_id=thread,
                    )
                )
                return copy.message_id
            except BadRequest as error:
                if THREAD_GONE not in error.message.lower() or attempt:
                    raise
                await self.recreate(case)
        raise AssertionError("unreachable")

    async def tell_sender(self, case: Case, relay: dict[str, Any], error: TelegramError) -> None:
        """The caseworker hears it in the topic, the resident in their own chat and language."""
        try:
            if relay["sender"] == CASEWORKER:
                if isinstance(error, Forbidden):
                    await self.resident_blocked(case)
                else:
                    quote = (relay["text"] or "")[:QUOTE_LENGTH]
                    await self.post(case, self.desk.staff("relay_failed", text=quote, error=error.message))
            else:
                await send_turn(
                    self.deliver,
                    self.bot,
                    case.resident_id,
                    Turn([self.desk.to_resident(case, "relay_failed")]),
                )
        except TelegramError as second:
            log.error("the sender of a lost relay in case %s was not told: %s", case.id, second.message)
        await self.refresh_card(case)

    async def send_to_resident(self, case: Case, replies: list[Reply]) -> bool:
        turn = Turn(replies, language=case.language)
        try:
            await send_turn(self.deliver, self.bot, case.resident_id, turn)
        except Forbidden:
            await self.resident_blocked(case)
            return False
        except TelegramError as error:
            await self.post(case, self.desk.staff("not_delivered", error=error.message))
            return False
        return True

    async def resident_blocked(self, case: Case) -> None:
        self.cases.set_blocked(case.resident_id, blocked=True)
        await self.post(case, self.desk.staff("resident_blocked"))

    async def edit_copy(self, case: Case, sender: str, message: Message) -> None:
        """Relay an edit to the copy the bot made; an edit that cannot be relayed is reported."""
        relay = self.cases.relayed(case.id, sender, message.message_id)
        if relay is None or relay["failed_at"]:
            return  # never relayed (an internal note), or its author already heard it was not delivered
        chat_id = self.staff_chat_id if sender == RESIDENT else case.resident_id
        copy_id = relay["copy_message_id"]
        try:
            if copy_id is None:
                raise BadRequest("the copy's message id is unknown")
            if message.text is not None:
                edit = partial(self.bot.edit_message_text, message.text, chat_id=chat_id, message_id=copy_id)
            elif message.caption is not None:
                edit = partial(
                    self.bot.edit_message_caption,
                    chat_id=chat_id,
                    message_id=copy_id,
                    caption=message.caption,
                )
            else:
                raise BadRequest("only texts and captions can be edited in a copy")
            await self.deliver(edit, repeatable=True)
        except TelegramError as error:
            if NOT_MODIFIED in error.message.lower():
                return
            log.info("an edit in case %s was not relayed: %s", case.id, error.message)
            await self.tell_edit_not_relayed(case, sender)

    async def tell_edit_not_relayed(self, case: Case, sender: str) -> None:
        try:
            if sender == CASEWORKER:
                await self.post(case, self.desk.staff("edit_not_relayed"))
            else:
                await send_turn(
                    self.deliver,
                    self.bot,
                    case.resident_id,
                    Turn([self.desk.to_resident(case, "edit_not_relayed")]),
                )
        except TelegramError as error:
            log.error("the author of an edit in case %s was not told: %s", case.id, error.message)

    async def close_topic(self, case: Case) -> None:
        await self.refresh_card(case)
        current = self.cases.get(case.id)
        if current is not None and current.thread_id is not None:
            try:
                await self.bot.close_forum_topic(self.staff_chat_id, current.thread_id)
            except BadRequest as error:
                log.info("closing the topic of case %s: %s", case.id, error.message)

    async def remind(self, moment: datetime, minutes: int) -> None:
        """During office hours, name the cases nobody took within `minutes`, once each (kept in the
        database, so a restart does not remind again)."""
        hours = self.desk.conversation.content.office_hours
        if hours is not None and not hours.is_open(moment):
            return
        waiting = self.desk.waiting_too_long(moment, minutes)
        if not waiting:
            return
        lines = [self.desk.staff("reminder", minutes=str(minutes))]
        marker = self.desk.staff("reminder_urgent")
        lines += [
            self.desk.staff(
                "reminder_line",
                urgent=marker if case.urgent else "",
                number=case.number,
                language=case.language.upper(),
            )
            for case in waiting
        ]
        await self.deliver(partial(self.bot.send_message, self.staff_chat_id, "\n".join(lines)))
        self.cases.mark_reminded([case.id for case in waiting], moment)
