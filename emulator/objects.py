"""Users, chats, media and keyboards as Bot API JSON objects."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from .errors import ApiError
from .records import Button

MAX_CALLBACK_DATA_BYTES = 64
_URL_RE = re.compile(r"(https?|tg)://\S+", re.IGNORECASE)
_BOT_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?!\S)")
_REPLY_BUTTON_KINDS = ("request_location", "request_contact", "request_poll", "web_app")
_INLINE_BUTTON_KINDS = (
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_file_counter = itertools.count(1)


@dataclass
class FakeUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    blocked: bool = False  # the user blocked the bot: sending to them gives 403

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class FakeChat:
    id: int
    type: str  # "private", "group", "supergroup" or "channel"
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    is_forum: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "last_name", "username"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.is_forum:
            data["is_forum"] = True
        return data

    def full_info(self) -> dict[str, Any]:
        """A ChatFullInfo, as getChat returns it."""
        return {
            **self.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


def private_chat_for(user: FakeUser) -> FakeChat:
    return FakeChat(
        id=user.id,
        type="private",
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
    )


def new_file(kind: str, size: int = 1024) -> dict[str, Any]:
    """File identifiers for a new file of the given kind (photo, voice, ...)."""
    number = next(_file_counter)
    return {
        "file_id": f"{kind.upper()}-{number:06d}-AgACAgQAAxkBAAI",
        "file_unique_id": f"AQAD{number:06d}",
        "file_size": size,
    }


def photo_sizes(size: int | None = None) -> list[dict[str, Any]]:
    """The PhotoSize list of a new photo, smallest first (`size`: bytes of the largest)."""
    dimensions = [(90, 67), (320, 240), (1280, 960)]
    full = 1280 * 960
    sizes = []
    for width, height in dimensions:
        area = width * height
        file_size = area // 10 if size is None else max(size * area // full, 1)
        sizes.append({**new_file("photo", file_size), "width": width, "height": height})
    return sizes


def media_content(kind: str, value: Any) -> dict[str, Any]:
    """The Message fields for one piece of incoming media (value: True or details)."""
    if kind == "photo":
        return {"photo": photo_sizes()}
    if kind == "sticker":
        emoji = value if isinstance(value, str) else "👍"
        return {
            "sticker": {
                **new_file("sticker", 20480),
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
            }
        }
    if kind == "voice":
        duration = value if isinstance(value, int) and not isinstance(value, bool) else 3
        return {"voice": {**new_file("voice", 8000), "duration": duration, "mime_type": "audio/ogg"}}
    if kind == "document":
        name = value if isinstance(value, str) else "document.pdf"
        mime = "application/pdf" if name.endswith(".pdf") else "application/octet-stream"
        return {"document": {**new_file("document", 50000), "file_name": name, "mime_type": mime}}
    if kind == "location":
        latitude, longitude = value
        return {"location": {"latitude": float(latitude), "longitude": float(longitude)}}
    if kind == "venue":
        latitude, longitude, title, address = value
        location = {"latitude": float(latitude), "longitude": float(longitude)}
        venue = {"location": location, "title": title, "address": address}
        return {"venue": venue, "location": location}
    if kind == "contact":
        phone, first_name = value if isinstance(value, tuple) else ("+32470000000", "Contact")
        return {"contact": {"phone_number": phone, "first_name": first_name}}
    raise ValueError(f"unknown media kind {kind!r}")


def command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities, as Telegram attaches them to incoming messages."""
    entities = []
    for match in _BOT_COMMAND_RE.finditer(text):
        offset = len(text[: match.start()].encode("utf-16-le")) // 2
        length = len(match.group().encode("utf-16-le")) // 2
        entities.append({"type": "bot_command", "offset": offset, "length": length})
    return entities


def _inline_button(raw: Any) -> Button:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise ApiError.bad_request("can't parse inline keyboard button: Text must be a String")
    text = raw["text"]
    if "callback_data" in raw:
        data = raw["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise ApiError.bad_request("BUTTON_DATA_INVALID")
        return Button(text, data, "callback")
    if "url" in raw:
        url = raw["url"]
        if not isinstance(url, str) or not _URL_RE.fullmatch(url):
            raise ApiError.bad_request(f"inline keyboard button URL '{url}' is invalid")
        return Button(text, url, "url")
    for kind in _INLINE_BUTTON_KINDS:
        if kind in raw:
            return Button(text, str(raw[kind]), kind)
    raise ApiError.bad_request(
        "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
    )


def _reply_button(raw: Any) -> Button:
    if isinstance(raw, str):
        return Button(raw, None, "reply")
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise ApiError.bad_request("can't parse keyboard button: Text must be a String")
    for kind in _REPLY_BUTTON_KINDS:
        if kind in raw:
            return Button(raw["text"], str(raw[kind]), kind)
    return Button(raw["text"], None, "reply")


def parse_reply_markup(markup: Any) -> list[list[Button]]:
    """Validate a reply_markup like Telegram; return its buttons row by row."""
    if markup is None:
        return []
    if not isinstance(markup, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    for key, parse in (("inline_keyboard", _inline_button), ("keyboard", _reply_button)):
        if key in markup:
            rows = markup[key]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise ApiError.bad_request(f'field "{key}" must be an Array of Arrays')
            return [[parse(button) for button in row] for row in rows]
    if "remove_keyboard" in markup or "force_reply" in markup:
        return []
    raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
