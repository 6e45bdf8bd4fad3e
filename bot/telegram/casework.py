"""The staff group: one forum topic per case, and messages copied between resident and topic."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.cases import Case, Cases
from bot.core.casedesk import CaseDesk
from bot.core.handoff import now
from bot.core.messages import CaseOpened, CaseRated, Reply, ResidentForgotten, ResidentLeft, StaffEvent, Turn
from bot.telegram.render import NO_PREVIEW, as_html, keyboard, send_turn

log = logging.getLogger(__name__)

THREAD_GONE = "thread not found"


class CaseTopics:
    """Keeps each case's topic in the staff group in step with the case in SQLite."""

    def __init__(self, bot: Bot, desk: CaseDesk, cases: Cases, staff_chat_id: int) -> None:
        self.bot = bot
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
            await self.bot.send_message(
                self.staff_chat_id, self.desk.staff("resident_forgotten"), message_thread_id=event.thread_id
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
        topic = await self.bot.create_forum_topic(self.staff_chat_id, self.desk.topic_name(case))
        card = self.card_reply(case)
        sent = await self.bot.send_message(
            self.staff_chat_id,
            as_html(card),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(card),
            message_thread_id=topic.message_thread_id,
            link_preview_options=NO_PREVIEW,
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
            await self.bot.edit_message_text(
                as_html(card),
                chat_id=self.staff_chat_id,
                message_id=current.card_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(card),
            )
        except BadRequest as error:
            log.info("case card %s not updated: %s", case.id, error.message)

    async def thread_of(self, case: Case) -> int:
        current = self.cases.get(case.id) or case
        return current.thread_id if current.thread_id is not None else await self.new_topic(current)

    async def post(self, case: Case, text: str) -> None:
        """A plain note in the case's topic; a deleted topic is recreated first."""
        for attempt in range(2):
            thread = await self.thread_of(case)
            try:
                await self.bot.send_message(self.staff_chat_id, text, message_thread_id=thread)
                return
            except BadRequest as error:
                if THREAD_GONE not in error.message.lower() or attempt:
                    raise
                await self.recreate(case)

    async def recreate(self, case: Case) -> None:
        log.warning("the topic of case %s was deleted; recreating it", case.id)
        thread = await self.new_topic(case)
        await self.bot.send_message(
            self.staff_chat_id, self.desk.staff("topic_recreated"), message_thread_id=thread
        )

    async def relay_from_resident(self, case: Case, message: Message) -> None:
        """Copy the resident's message into the topic, once, even if the update is delivered again."""
        row = self.cases.begin_relay(
            case.id, "resident", message.text or message.caption or "", message.message_id
        )
        if row is None:
            return
        for attempt in range(2):
            thread = await self.thread_of(case)
            try:
                copy = await self.bot.copy_message(
                    self.staff_chat_id, message.chat_id, message.message_id, message_thread_id=thread
                )
                self.cases.mark_delivered(row, copy.message_id)
                return
            except BadRequest as error:
                if THREAD_GONE not in error.message.lower() or attempt:
                    raise
                await self.recreate(case)

    async def relay_to_resident(self, case: Case, message: Message) -> bool:
        """Copy a caseworker's message to the resident; False when the resident cannot be reached."""
        row = self.cases.begin_relay(
            case.id, "caseworker", message.text or message.caption or "", message.message_id
        )
        if row is None:
            return True
        try:
            copy = await self.bot.copy_message(case.resident_id, self.staff_chat_id, message.message_id)
        except Forbidden:
            await self.resident_blocked(case)
            return False
        self.cases.mark_delivered(row, copy.message_id)
        return True

    async def send_to_resident(self, case: Case, replies: list[Reply]) -> bool:
        turn = Turn(replies, language=case.language)
        try:
            await send_turn(self.bot, case.resident_id, turn)
        except Forbidden:
            await self.resident_blocked(case)
            return False
        return True

    async def resident_blocked(self, case: Case) -> None:
        self.cases.set_blocked(case.resident_id, blocked=True)
        await self.post(case, self.desk.staff("resident_blocked"))

    async def edit_copy(self, case: Case, sender: str, message: Message) -> None:
        """Relay an edit where Telegram allows it: text and captions of copies the bot made."""
        copy_id = self.cases.copy_of(case.id, sender, message.message_id)
        if copy_id is None:
            return
        chat_id = self.staff_chat_id if sender == "resident" else case.resident_id
        try:
            if message.text is not None:
                await self.bot.edit_message_text(message.text, chat_id=chat_id, message_id=copy_id)
            elif message.caption is not None:
                await self.bot.edit_message_caption(
                    chat_id=chat_id, message_id=copy_id, caption=message.caption
                )
        except (BadRequest, Forbidden) as error:
            log.info("edit of case %s not relayed: %s", case.id, error.message)

    async def close_topic(self, case: Case) -> None:
        await self.refresh_card(case)
        current = self.cases.get(case.id)
        if current is not None and current.thread_id is not None:
            try:
                await self.bot.close_forum_topic(self.staff_chat_id, current.thread_id)
            except BadRequest as error:
                log.info("closing the topic of case %s: %s", case.id, error.message)

    async def remind(self, moment: datetime, minutes: int, reminded: set[int]) -> None:
        """During office hours, name the cases nobody took within `minutes`, once each."""
        hours = self.desk.conversation.content.office_hours
        if hours is not None and not hours.is_open(moment):
            return
        waiting = [case for case in self.desk.waiting_too_long(moment, minutes) if case.id not in reminded]
        if not waiting:
            return
        lines = [self.desk.staff("reminder", minutes=str(minutes))]
        marker = self.desk.staff("reminder_urgent")
        lines += [
            f"{marker if case.urgent else ''}{case.number} ({case.language.upper()})" for case in waiting
        ]
        await self.bot.send_message(self.staff_chat_id, "\n".join(lines))
        reminded.update(case.id for case in waiting)
