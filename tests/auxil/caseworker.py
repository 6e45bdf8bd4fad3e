"""A caseworker in the staff forum (a supergroup with topics), so handoff tests read like
conversations.

forum = emulator.make_forum()
els = Caseworker(emulator, forum, first_name="Els")
activity = await els.presses("🙋 Opnemen")  # on the newest case card in the forum
activity = await els.writes_in(card.message_thread_id, "Goeiemiddag, ik help u verder")
assert any(message.chat_id == amina.chat_id for message in activity)

Every action returns the bot's new and changed messages once it has gone quiet, in the forum
and in every other chat (or only in `watch`), since the bot answers a caseworker elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tests.auxil.buttons import find_button

if TYPE_CHECKING:
    from emulator import BotApiEmulator, Button, FakeChat, FakeUser, SentMessage, Topic


class Caseworker:
    def __init__(
        self,
        emulator: BotApiEmulator,
        forum: FakeChat,
        first_name: str = "Els",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "nl",
        admin: bool = False,
        watch: Iterable[int | FakeChat] | None = None,
        quiet: float = 0.25,
        timeout: float = 10.0,
    ) -> None:
        self.emulator = emulator
        self.forum = forum
        self.user: FakeUser = emulator.make_user(
            first_name, last_name=last_name, username=username, language_code=language_code
        )
        emulator.set_member(forum, self.user, "administrator" if admin else "member")
        self.watch = None if watch is None else list(watch)
        self.quiet = quiet
        self.timeout = timeout

    @property
    def id(self) -> int:
        return self.user.id

    async def _activity(self, expect_reply: bool) -> list[SentMessage]:
        return await self.emulator.settle_any(
            self.watch, quiet=self.quiet, timeout=self.timeout, allow_none=not expect_reply
        )

    # -- writing in topics ------------------------------------------------------------------

    async def writes_in(
        self,
        thread_id: int,
        text: str,
        *,
        reply_to: SentMessage | int | None = None,
        expect_reply: bool = True,
    ) -> list[SentMessage]:
        """Write `text` in a topic (optionally replying to a message there); return the bot's
        activity once it has gone quiet."""
        self.emulator.push_text(
            self.user, text, chat=self.forum, message_thread_id=thread_id, reply_to=reply_to
        )
        return await self._activity(expect_reply)

    async def sends_in(
        self, thread_id: int, *, expect_reply: bool = True, **message: Any
    ) -> list[SentMessage]:
        """Send anything push_message() builds in a topic, e.g. sends_in(7, photo=True,
        caption="Uw afspraak")."""
        self.emulator.push_message(self.user, chat=self.forum, message_thread_id=thread_id, **message)
        return await self._activity(expect_reply)

    async def edits(
        self, new_text: str, message: dict[str, Any] | int | None = None, *, expect_reply: bool = True
    ) -> list[SentMessage]:
        """Edit one of this caseworker's forum messages (default: the latest) to `new_text`."""
        if message is None:
            mine = self.written()
            if not mine:
                raise AssertionError(f"{self.user.first_name} has not written anything to edit")
            message = mine[-1]
        self.emulator.push_edit(self.user, message, new_text, chat=self.forum)
        return await self._activity(expect_reply)

    def written(self, thread_id: int | None = None) -> list[dict[str, Any]]:
        """The Message JSON of this caseworker's forum messages (in one topic), oldest first."""
        return [
            message
            for message in self.emulator.messages_from(self.user, self.forum)
            if thread_id is None or message.get("message_thread_id") == thread_id
        ]

    # -- buttons ----------------------------------------------------------------------------

    def find_button(
        self, label: str, *, in_chat: FakeChat | int | None = None, thread_id: int | None = None
    ) -> tuple[SentMessage, Button]:
        """The button labelled `label` (exactly, else a unique case-insensitive substring) in
        the newest bot message that has one, in the forum (or `in_chat`; or one topic)."""
        chat = self.forum if in_chat is None else in_chat
        chat_id = chat if isinstance(chat, int) else chat.id
        messages = [
            message
            for message in self.emulator.messages_to(chat_id)
            if thread_id is None or message.message_thread_id == thread_id
        ]
        return find_button(messages, label)

    async def presses(
        self,
        label: str,
        *,
        in_chat: FakeChat | int | None = None,
        thread_id: int | None = None,
        expect_reply: bool = True,
    ) -> list[SentMessage]:
        """Press a button on a bot message in the forum (see find_button); return the bot's
        activity once it has gone quiet. Inline buttons send a callback query, reply-keyboard
        buttons their text (in the message's topic)."""
        message, button = self.find_button(label, in_chat=in_chat, thread_id=thread_id)
        if button.kind == "callback":
            assert button.value is not None
            self.emulator.push_callback(self.user, message, button.value)
        elif button.kind == "reply":
            chat = self.emulator.world.chats[message.chat_id]
            self.emulator.push_text(
                self.user, button.text, chat=chat, message_thread_id=message.message_thread_id
            )
        else:
            raise AssertionError(f"cannot press a {button.kind} button: {button}")
        return await self._activity(expect_reply)

    # -- what is in the forum ---------------------------------------------------------------

    def topics(self) -> list[Topic]:
        """Every topic of the forum, oldest first (deleted ones too; see Topic.deleted)."""
        return self.emulator.topics(self.forum)

    def topic(self, thread_id: int) -> Topic:
        return self.emulator.topic(self.forum, thread_id)

    def topic_messages(self, thread_id: int) -> list[SentMessage]:
        """What the bot posted in a topic and has not deleted, oldest first (edits applied);
        copies of residents' messages have `copied_from` set."""
        return [
            message
            for message in self.emulator.messages_to(self.forum.id)
            if message.message_thread_id == thread_id and not message.deleted
        ]
