"""A resident chatting with the bot in a private chat, so tests read like conversations.

resident = Resident(emulator, first_name="Amina", language_code="ar")
replies = await resident.says("Hallo")
assert resident.last_reply().mentions("welkom")
await resident.presses("Nederlands")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.auxil.buttons import find_button

if TYPE_CHECKING:
    from emulator import BotApiEmulator, Button, FakeUser, SentMessage


class Resident:
    def __init__(
        self,
        emulator: BotApiEmulator,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        quiet: float = 0.25,
        timeout: float = 10.0,
    ) -> None:
        self.emulator = emulator
        self.user: FakeUser = emulator.make_user(
            first_name, last_name=last_name, username=username, language_code=language_code
        )
        self.quiet = quiet
        self.timeout = timeout

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def chat_id(self) -> int:
        """The private chat with the bot (same id as the user, as in Telegram)."""
        return self.user.id

    @property
    def replies(self) -> list[SentMessage]:
        """Every message the bot sent to this resident, oldest first (edits applied)."""
        return self.emulator.messages_to(self.chat_id)

    def last_reply(self) -> SentMessage:
        if not self.replies:
            raise AssertionError(f"the bot never wrote to {self.user.first_name}")
        return self.replies[-1]

    async def _replies(self, expect_reply: bool) -> list[SentMessage]:
        return await self.emulator.settle(
            self.chat_id, quiet=self.quiet, timeout=self.timeout, allow_none=not expect_reply
        )

    async def says(self, text: str, *, expect_reply: bool = True) -> list[SentMessage]:
        """Send a text message; return the bot's replies once it has gone quiet."""
        self.emulator.push_text(self.user, text)
        return await self._replies(expect_reply)

    async def sends(self, *, expect_reply: bool = True, **message: Any) -> list[SentMessage]:
        """Send any message push_message() can build, e.g. sends(photo=True, caption="x")."""
        self.emulator.push_message(self.user, **message)
        return await self._replies(expect_reply)

    async def sends_photo(
        self, caption: str | None = None, *, expect_reply: bool = True
    ) -> list[SentMessage]:
        return await self.sends(photo=True, caption=caption, expect_reply=expect_reply)

    async def sends_sticker(self, emoji: str = "👍", *, expect_reply: bool = True) -> list[SentMessage]:
        return await self.sends(sticker=emoji, expect_reply=expect_reply)

    async def sends_voice(self, seconds: int = 3, *, expect_reply: bool = True) -> list[SentMessage]:
        return await self.sends(voice=seconds, expect_reply=expect_reply)

    async def sends_document(
        self, file_name: str = "document.pdf", *, expect_reply: bool = True
    ) -> list[SentMessage]:
        return await self.sends(document=file_name, expect_reply=expect_reply)

    async def sends_location(
        self, latitude: float = 51.0259, longitude: float = 4.4776, *, expect_reply: bool = True
    ) -> list[SentMessage]:
        return await self.sends(location=(latitude, longitude), expect_reply=expect_reply)

    async def edits(
        self, new_text: str, message_id: int | None = None, *, expect_reply: bool = True
    ) -> list[SentMessage]:
        """Edit one of this resident's messages (default: the latest) to `new_text`; return the
        bot's replies once it has gone quiet."""
        if message_id is None:
            mine = self.emulator.messages_from(self.user)
            if not mine:
                raise AssertionError(f"{self.user.first_name} has not written anything to edit")
            message_id = int(mine[-1]["message_id"])
        self.emulator.push_edit(self.user, message_id, new_text)
        return await self._replies(expect_reply)

    def find_button(self, label: str) -> tuple[SentMessage, Button]:
        """The button labelled `label` (exactly, else a unique case-insensitive substring) in
        the newest bot message to this resident that has one."""
        return find_button(self.replies, label)

    async def presses(self, label: str, *, expect_reply: bool = True) -> list[SentMessage]:
        """Press a button; return the bot's new and edited messages once it has gone quiet.

        Inline buttons send a callback query; reply-keyboard buttons send their text."""
        message, button = self.find_button(label)
        if button.kind == "callback":
            assert button.value is not None
            self.emulator.push_callback(self.user, message, button.value)
        elif button.kind == "reply":
            self.emulator.push_text(self.user, button.text)
        elif button.kind == "request_location":
            self.emulator.push_message(self.user, location=(51.0259, 4.4776))
        else:
            raise AssertionError(f"cannot press a {button.kind} button: {button}")
        return await self._replies(expect_reply)
