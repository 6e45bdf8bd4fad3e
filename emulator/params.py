"""Decoding request parameters the way the Bot API does.

Clients send parameters as a query string, form fields (urlencoded or multipart) or a JSON
body. In form fields every value is a string and objects such as reply_markup are
JSON-encoded strings; they are decoded here so every handler sees the same Python values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import ApiError

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "link_preview_options",
        "reply_parameters",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "menu_button",
        "media",
        "results",
    }
)
INT_FIELDS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "message_thread_id",
        "reply_to_message_id",
        "cache_time",
        "user_id",
        "from_chat_id",
        "live_period",
        "heading",
        "proximity_alert_radius",
        "duration",
        "icon_color",
    }
)
FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy", "timeout"})
BOOL_FIELDS = frozenset(
    {
        "disable_web_page_preview",
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "allow_paid_broadcast",
        "show_alert",
        "drop_pending_updates",
        "has_spoiler",
    }
)


@dataclass(frozen=True)
class UploadedFile:
    """A file sent in a multipart request."""

    field: str
    filename: str | None
    content_type: str
    data: bytes


def _decode(name: str, value: str) -> Any:
    try:
        if name in JSON_FIELDS:
            return json.loads(value)
        if name in INT_FIELDS:
            return int(value)
        if name in FLOAT_FIELDS:
            return float(value)
    except ValueError as exc:
        if name == "reply_markup":
            raise ApiError.bad_request("can't parse reply keyboard markup JSON object") from exc
        raise ApiError.bad_request(f"can't parse parameter {name}") from exc
    if name in BOOL_FIELDS:
        return value.lower() in ("true", "1")
    if name == "chat_id" and value.lstrip("-").isdigit():
        return int(value)
    return value


async def read_params(request: web.Request) -> dict[str, Any]:
    """All parameters of a Bot API request, decoded to Python values."""
    raw: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise ApiError.bad_request("can't parse JSON request body") from exc
            if not isinstance(body, dict):
                raise ApiError.bad_request("JSON request body must be an object")
            raw.update(body)
        else:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    raw[name] = UploadedFile(name, value.filename, value.content_type, value.file.read())
                else:
                    raw[name] = value
    return {name: _decode(name, value) if isinstance(value, str) else value for name, value in raw.items()}
