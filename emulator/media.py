"""Bot API methods for media and copies: sendPhoto, sendDocument, copyMessage and
editMessageCaption.

Files are given as a file_id the emulator knows (from a pushed message or an earlier send), an
http(s) URL, or a multipart upload (directly in the field or via "attach://<name>").
"""

from __future__ import annotations

import copy
from typing import Any

from .errors import ApiError
from .formatting import format_text
from .messaging import apply_edit, editable, inline_markup, send, target_chat
from .methods import Params, method, require
from .objects import new_file, photo_sizes
from .params import UploadedFile
from .records import Venue
from .state import World

MAX_CAPTION_LENGTH = 1024
# The media a message can carry, in the order that names its kind (a venue also has a location).
MEDIA_KINDS = (
    "venue",
    "location",
    "photo",
    "document",
    "voice",
    "sticker",
    "video",
    "audio",
    "animation",
    "video_note",
    "contact",
    "dice",
)
CAPTION_KINDS = frozenset({"photo", "document", "voice", "video", "audio", "animation"})
COPIED_FIELDS = (
    "text",
    "entities",
    "link_preview_options",
    "caption",
    "caption_entities",
    "show_caption_above_media",
    "has_media_spoiler",
    *MEDIA_KINDS,
)

Caption = tuple[str, str, str | None, list[dict[str, Any]]]  # plain, raw, parse_mode, entities


def media_kind(message: dict[str, Any]) -> str | None:
    return next((kind for kind in MEDIA_KINDS if kind in message), None)


def file_id_of(message: dict[str, Any]) -> str | None:
    """The file of a message's media (for a photo: its largest size)."""
    kind = media_kind(message)
    value = message.get(kind) if kind else None
    if isinstance(value, list) and value:
        value = value[-1]
    return value.get("file_id") if isinstance(value, dict) else None


def parse_caption(params: Params) -> Caption:
    """The formatted caption of a request ("" when there is none)."""
    raw, parse_mode = params.get("caption"), params.get("parse_mode")
    mode = parse_mode if isinstance(parse_mode, str) and parse_mode else None
    if not isinstance(raw, str) or not raw.strip():
        return "", raw if isinstance(raw, str) else "", mode, []
    plain, entities = format_text(
        raw,
        parse_mode,
        params.get("caption_entities"),
        what="message caption",
        limit=MAX_CAPTION_LENGTH,
        too_long="message caption is too long",
    )
    return plain, raw, mode, entities


def caption_content(caption: Caption) -> dict[str, Any]:
    plain, _, _, entities = caption
    content: dict[str, Any] = {"caption": plain} if plain else {}
    if entities:
        content["caption_entities"] = entities
    return content


def _uploaded(world: World, kind: str, upload: UploadedFile) -> dict[str, Any]:
    if not upload.data:
        raise ApiError.bad_request("file must be non-empty")
    if kind == "photo":
        part: dict[str, Any] = {"photo": photo_sizes(len(upload.data))}
    else:
        document = {
            **new_file(kind, len(upload.data)),
            "file_name": upload.filename or "file",
            "mime_type": upload.content_type or "application/octet-stream",
        }
        part = {kind: document}
    world.register_media(part, upload.data)
    return part


def input_media(world: World, params: Params, kind: str) -> dict[str, Any]:
    """The Message fields of the file sent as parameter `kind` ({"photo": [...]} or similar)."""
    value = params.get(kind)
    if isinstance(value, str) and value.startswith("attach://"):
        value = params.get(value.removeprefix("attach://"))
    if isinstance(value, UploadedFile):
        return _uploaded(world, kind, value)
    if not isinstance(value, str) or not value:
        raise ApiError.bad_request(f"there is no {kind} in the request")
    if value.startswith(("http://", "https://")):
        name = value.rsplit("/", 1)[-1] or "file"
        return _uploaded(world, kind, UploadedFile(kind, name, "", b"\0" * 2048))
    part = world.media.get(value)
    if part is None:
        raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
    if kind not in part:
        raise ApiError.bad_request("type of file mismatch")
    return copy.deepcopy(part)


async def _send_file(world: World, params: Params, kind: str, method_name: str) -> dict[str, Any]:
    target_chat(world, params)
    part = input_media(world, params, kind)
    caption = parse_caption(params)
    content = {**part, **caption_content(caption)}
    if params.get("has_spoiler"):
        content["has_media_spoiler"] = True
    plain, raw, mode, entities = caption
    return send(
        world,
        method_name,
        params,
        content,
        text=plain,
        raw_text=raw,
        parse_mode=mode,
        entities=entities,
        media=kind,
        file_id=file_id_of(part),
    )


@method("sendPhoto")
async def send_photo(world: World, params: Params) -> Any:
    return await _send_file(world, params, "photo", "sendPhoto")


@method("sendDocument")
async def send_document(world: World, params: Params) -> Any:
    return await _send_file(world, params, "document", "sendDocument")


def _venue(content: dict[str, Any]) -> Venue | None:
    venue = content.get("venue")
    if not isinstance(venue, dict):
        return None
    location = venue["location"]
    return Venue(location["latitude"], location["longitude"], venue["title"], venue["address"])


@method("copyMessage")
async def copy_message(world: World, params: Params) -> Any:
    target_chat(world, params)
    source = world.find_chat(params.get("from_chat_id"))
    message_id = int(require(params, "message_id", "message identifier is not specified"))
    original = world.messages.get((source.id, message_id))
    if original is None:
        raise ApiError.bad_request("message to copy not found")
    content = {key: copy.deepcopy(original[key]) for key in COPIED_FIELDS if key in original}
    if not content:
        raise ApiError.bad_request("message can't be copied")  # a service message
    kind = media_kind(content)
    text, raw, mode, entities = content.get("text", ""), content.get("text", ""), None, []
    if "text" in content:
        entities = content.get("entities", [])
    elif kind in CAPTION_KINDS:
        if params.get("caption") is not None:
            for key in ("caption", "caption_entities"):
                content.pop(key, None)
            caption = parse_caption(params)
            content.update(caption_content(caption))
            text, raw, mode, entities = caption
        else:
            text = raw = content.get("caption", "")
            entities = content.get("caption_entities", [])
    message = send(
        world,
        "copyMessage",
        params,
        content,
        text=text,
        raw_text=raw,
        parse_mode=mode,
        entities=entities,
        venue=_venue(content),
        media=kind,
        file_id=file_id_of(content),
        copied_from=(source.id, message_id),
    )
    return {"message_id": message["message_id"]}


@method("editMessageCaption")
async def edit_message_caption(world: World, params: Params) -> Any:
    record = editable(world, params, text=False)
    if record.media not in CAPTION_KINDS:
        raise ApiError.bad_request("there is no caption in the message to edit")
    return apply_edit(world, record, inline_markup(params), parse_caption(params), field="caption")
