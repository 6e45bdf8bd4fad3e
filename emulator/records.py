"""What the emulator records about the bot's behaviour, for tests to inspect."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Button(NamedTuple):
    """One keyboard button.

    kind: "callback" (value = callback_data), "url" (value = url), "reply" (a reply-keyboard
    button; pressing it sends its text), or another Bot API button field such as "web_app",
    "request_location", "request_contact", "switch_inline_query" (value = that field, as str).
    """

    text: str
    value: str | None
    kind: str


class Venue(NamedTuple):
    latitude: float
    longitude: float
    title: str
    address: str


class Call(NamedTuple):
    """One request the bot made: the method as sent and its decoded parameters."""

    method: str
    params: dict[str, Any]


class ErrorRecord(NamedTuple):
    """A request answered with an error (`injected` is True for `fail_next` faults)."""

    method: str
    params: dict[str, Any]
    error_code: int
    description: str
    injected: bool


class CallbackAnswer(NamedTuple):
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(eq=False)
class SentMessage:
    """A message the bot sent. Edits update the record in place (see `edited`, `history`).

    `text` is the plain text, or the caption of a media message ("" without one); `media` is
    the kind of media ("photo", "document", "voice", "sticker", "location", "venue",
    "contact", ...) or None for a text message, and `file_id` that media's file (for photos
    the largest size). A copyMessage record has `copied_from=(from_chat_id, message_id)`.
    """

    method: str
    chat_id: int
    message_id: int
    text: str = ""
    raw_text: str = ""
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    keyboard: list[list[Button]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    venue: Venue | None = None
    media: str | None = None
    file_id: str | None = None
    copied_from: tuple[int, int] | None = None
    message_thread_id: int | None = None
    reply_to_message_id: int | None = None
    link_preview_disabled: bool = False
    edited: bool = False
    deleted: bool = False
    history: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    api: dict[str, Any] = field(default_factory=dict)

    @property
    def buttons(self) -> list[str]:
        """All button labels, row by row, as one flat list."""
        return [button.text for row in self.keyboard for button in row]

    def button(self, label: str) -> Button:
        for row in self.keyboard:
            for button in row:
                if button.text == label:
                    return button
        raise KeyError(f"no button {label!r} in message {self.message_id}: {self.buttons}")

    def mentions(self, needle: str) -> bool:
        """Case-insensitive substring test on the plain text (and a venue's title/address)."""
        haystack = self.text
        if self.venue is not None:
            haystack += f"\n{self.venue.title}\n{self.venue.address}"
        return needle.casefold() in haystack.casefold()

    def __repr__(self) -> str:
        flags = "".join(f" {name}" for name in ("edited", "deleted") if getattr(self, name))
        if self.venue is not None:
            body = f"venue {self.venue.title!r}"
        else:
            body = f"{self.media} {self.text!r}" if self.media else repr(self.text)
        if self.copied_from is not None:
            body += f" (copy of {self.copied_from[1]} from {self.copied_from[0]})"
        if self.message_thread_id is not None:
            body = f"[topic {self.message_thread_id}] {body}"
        shown = f" buttons={self.buttons}" if self.keyboard else ""
        return f"<{self.method} #{self.message_id} to {self.chat_id}{flags}: {body}{shown}>"


@dataclass(eq=False)
class Topic:
    """A forum topic. Its thread id is the id of its forum_topic_created service message."""

    chat_id: int
    message_thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    created_by: int = 0  # user id of whoever created it
    closed: bool = False
    deleted: bool = False
    history: list[str] = field(default_factory=list)  # earlier names

    def to_api(self) -> dict[str, Any]:
        """A ForumTopic, as createForumTopic returns it."""
        data: dict[str, Any] = {
            "message_thread_id": self.message_thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            data["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return data

    def __repr__(self) -> str:
        flags = "".join(f" {name}" for name in ("closed", "deleted") if getattr(self, name))
        return f"<topic {self.message_thread_id} {self.name!r} in {self.chat_id}{flags}>"
