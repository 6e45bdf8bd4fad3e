"""Finding the button a person means among the bot's messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from emulator import Button, SentMessage


def find_button(messages: Sequence[SentMessage], label: str) -> tuple[SentMessage, Button]:
    """The button labelled `label` (exactly, else a unique case-insensitive substring) in the
    newest message of `messages` that has one and is not deleted."""
    wanted = label.casefold()
    for message in reversed(messages):
        if message.deleted:
            continue
        buttons = [button for row in message.keyboard for button in row]
        exact = [button for button in buttons if button.text == label]
        if exact:
            return message, exact[0]
        partial = [button for button in buttons if wanted in button.text.casefold()]
        if len(partial) == 1:
            return message, partial[0]
        if partial:
            labels = [button.text for button in partial]
            raise AssertionError(f"{label!r} is ambiguous in {message!r}: {labels}")
    shown = [message for message in messages if message.keyboard][-3:]
    raise AssertionError(f"no button {label!r}; latest keyboards: {shown}")
