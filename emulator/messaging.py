"""Bot API methods that send, edit and delete messages, and answer callback queries."""

from __future__ import annotations

import time
from typing import Any

from .errors import ApiError
from .formatting import format_text
from .forums import send_thread
from .methods import Params, method, require
from .objects import FakeChat, parse_reply_markup
from .records import CallbackAnswer, SentMessage, Venue
from .state import World

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def target_chat(world: World, params: Params) -> FakeChat:
    chat = world.find_chat(params.get("chat_id"))
    user = world.users.get(chat.id)
    if chat.type == "private" and user is not None and user.blocked:
        raise ApiError.forbidden("bot was blocked by the user")
    return chat


def _reply_to(world: World, chat: FakeChat, params: Params) -> dict[str, Any] | None:
    reply = params.get("reply_parameters")
    if reply is None and params.get("reply_to_message_id") is not None:
        reply = {
            "message_id": params["reply_to_message_id"],
            "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
        }
    if not isinstance(reply, dict):
        return None
    chat_id = world.find_chat(reply["chat_id"]).id if "chat_id" in reply else chat.id
    original = world.messages.get((chat_id, int(reply.get("message_id", 0))))
    if original is None:
        if reply.get("allow_sending_without_reply"):
            return None
        raise ApiError.bad_request("message to be replied not found")
    return {key: value for key, value in original.items() if key != "reply_to_message"}


def _link_preview_disabled(params: Params) -> bool:
    options = params.get("link_preview_options")
    if isinstance(options, dict):
        return bool(options.get("is_disabled"))
    return bool(params.get("disable_web_page_preview"))


def send(
    world: World, method_name: str, params: Params, content: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    """Store a new bot message in a validated chat; return its Message JSON."""
    chat = target_chat(world, params)
    keyboard = parse_reply_markup(params.get("reply_markup"))
    markup = params.get("reply_markup")
    replied = _reply_to(world, chat, params)
    thread_id, thread = send_thread(world, chat, params.get("message_thread_id"), replied)
    content.update(thread)
    if replied is not None:
        content["reply_to_message"] = replied
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        content["reply_markup"] = markup
    message_id = world.next_message_id(chat.id)
    message = world.message_json(chat, world.bot, message_id, content)
    record = SentMessage(
        method=method_name,
        chat_id=chat.id,
        message_id=message_id,
        keyboard=keyboard,
        reply_markup=markup if isinstance(markup, dict) else None,
        message_thread_id=thread_id,
        reply_to_message_id=replied["message_id"] if replied else None,
        params=params,
        api=message,
        **fields,
    )
    world.record("sent", record)
    return message


@method("sendMessage")
async def send_message(world: World, params: Params) -> Any:
    target_chat(world, params)  # Telegram checks the chat before the text
    text, parse_mode = params.get("text"), params.get("parse_mode")
    plain, entities = format_text(text, parse_mode, params.get("entities"))
    content: dict[str, Any] = {"text": plain}
    if entities:
        content["entities"] = entities
    if isinstance(params.get("link_preview_options"), dict):
        content["link_preview_options"] = params["link_preview_options"]
    return send(
        world,
        "sendMessage",
        params,
        content,
        text=plain,
        raw_text=text,
        parse_mode=parse_mode or None,
        entities=entities,
        link_preview_disabled=_link_preview_disabled(params),
    )


@method("sendVenue")
async def send_venue(world: World, params: Params) -> Any:
    target_chat(world, params)
    venue = Venue(
        latitude=float(require(params, "latitude")),
        longitude=float(require(params, "longitude")),
        title=str(require(params, "title")),
        address=str(require(params, "address")),
    )
    if not (-90 <= venue.latitude <= 90 and -180 <= venue.longitude <= 180):
        raise ApiError.bad_request("wrong latitude or longitude")
    location = {"latitude": venue.latitude, "longitude": venue.longitude}
    details = {"location": location, "title": venue.title, "address": venue.address}
    for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
        if params.get(key):
            details[key] = params[key]
    content = {"venue": details, "location": location}
    return send(world, "sendVenue", params, content, venue=venue, media="venue")


def editable(world: World, params: Params, *, text: bool) -> SentMessage:
    if params.get("inline_message_id"):
        raise ApiError.bad_request("inline messages are not supported by the emulator")
    chat = world.find_chat(params.get("chat_id"))
    key = (chat.id, int(require(params, "message_id", "message identifier is not specified")))
    if key not in world.messages:
        raise ApiError.bad_request("message to edit not found")
    record = world.records.get(key)
    if record is None:
        raise ApiError.bad_request("message can't be edited")
    if text and (record.venue is not None or record.media is not None):
        raise ApiError.bad_request("there is no text in the message to edit")
    return record


def inline_markup(params: Params) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    parse_reply_markup(markup)
    if markup is None or (isinstance(markup, dict) and "inline_keyboard" in markup):
        return markup
    raise ApiError.bad_request("reply markup of an edited message must be an inline keyboard")


def apply_edit(
    world: World,
    record: SentMessage,
    markup: dict[str, Any] | None,
    text: tuple[str, str, str | None, list[dict[str, Any]]] | None = None,
    *,
    field: str = "text",
) -> dict[str, Any]:
    """Edit a recorded message; `text` is (plain, raw, parse_mode, entities) or None, and goes to
    the message's `field` ("text" or "caption"; plain "" removes a caption)."""
    api = record.api
    entities_key = "entities" if field == "text" else "caption_entities"
    current = (api.get(field, ""), api.get(entities_key, []), api.get("reply_markup"))
    plain, _, _, entities = text or (current[0], "", None, current[1])
    if (plain, entities, markup) == current:
        raise ApiError.bad_request(NOT_MODIFIED)
    if text is not None:
        if plain != record.text:
            record.history.append(record.text)
        record.text, record.raw_text, record.parse_mode, record.entities = text
        for key, value in ((field, plain), (entities_key, entities)):
            if value:
                api[key] = value
            else:
                api.pop(key, None)
    if markup:
        api["reply_markup"] = markup
    else:
        api.pop("reply_markup", None)
    record.keyboard = parse_reply_markup(markup)
    record.reply_markup = markup
    api["edit_date"] = int(time.time())
    record.edited = True
    world.record("edited", record)
    return api


@method("editMessageText")
async def edit_message_text(world: World, params: Params) -> Any:
    record = editable(world, params, text=True)
    raw, parse_mode = params.get("text"), params.get("parse_mode")
    plain, entities = format_text(raw, parse_mode, params.get("entities"))
    mode = parse_mode if isinstance(parse_mode, str) and parse_mode else None
    text = (plain, str(raw), mode, entities)
    return apply_edit(world, record, inline_markup(params), text)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(world: World, params: Params) -> Any:
    record = editable(world, params, text=False)
    return apply_edit(world, record, inline_markup(params))


@method("deleteMessage")
async def delete_message(world: World, params: Params) -> Any:
    chat = world.find_chat(params.get("chat_id"))
    key = (chat.id, int(require(params, "message_id", "message identifier is not specified")))
    if world.messages.pop(key, None) is None:
        raise ApiError.bad_request("message to delete not found")
    record = world.records.get(key)
    if record is not None:
        record.deleted = True
        world.record("deleted", record)
    return True


@method("answerCallbackQuery")
async def answer_callback_query(world: World, params: Params) -> Any:
    query_id = str(require(params, "callback_query_id"))
    query = world.callback_queries.get(query_id)
    if query is None or query.get("answered"):
        raise ApiError.bad_request("query is too old and response timeout expired or query ID is invalid")
    query["answered"] = True
    world.callback_answers.append(
        CallbackAnswer(query_id, params.get("text"), bool(params.get("show_alert")), params.get("url"))
    )
    return True
