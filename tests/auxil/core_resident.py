"""A resident talking straight to the conversation core (no Telegram), reading like a conversation."""

from __future__ import annotations

from bot.core.conversation import Conversation
from bot.core.messages import Button, Incoming, Kind, Turn


class CoreResident:
    def __init__(self, conversation: Conversation, resident_id: int = 7, client_language: str | None = "nl"):
        self.conversation = conversation
        self.id = resident_id
        self.client_language = client_language
        self.turns: list[Turn] = []

    async def says(self, text: str) -> Turn:
        return await self._send(Incoming.message(self.id, text, self.client_language))

    async def sends_payload(self, payload: str) -> Turn:
        return await self._send(Incoming(self.id, Kind.BUTTON, payload, self.client_language))

    async def sends_photo(self) -> Turn:
        return await self._send(Incoming(self.id, Kind.UNSUPPORTED, client_language=self.client_language))

    async def presses(self, label: str) -> Turn:
        return await self.sends_payload(self.button(label).payload)

    def button(self, label: str) -> Button:
        """The button with this label (or a unique part of it) in the latest turn that has one."""
        for turn in reversed(self.turns):
            buttons = [b for reply in turn.replies for row in reply.buttons for b in row]
            exact = [b for b in buttons if b.label == label]
            partial = [b for b in buttons if label.lower() in b.label.lower()]
            if exact or len(partial) == 1:
                return (exact or partial)[0]
        raise AssertionError(f"no button {label!r} in the latest replies")

    @property
    def last(self) -> Turn:
        return self.turns[-1]

    def last_text(self) -> str:
        return "\n".join(reply.text for reply in self.last.replies)

    def labels(self) -> list[str]:
        return [b.label for reply in self.last.replies for row in reply.buttons for b in row]

    async def _send(self, event: Incoming) -> Turn:
        turn = await self.conversation.handle(event)
        self.turns.append(turn)
        return turn
