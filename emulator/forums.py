"""Forum topics in supergroups: creating, renaming, closing, reopening and deleting them, and
the thread fields of messages sent into a topic.

A topic's message_thread_id is the message id of the forum_topic_created service message that
opened it; every later message in the topic carries that id, `is_topic_message: true` and (unless
it replies to something else) that service message as `reply_to_message`, as in Telegram. The
General topic is not a created topic: messages there have no message_thread_id, and sending with
message_thread_id=1 fails with "message thread not found", as it does in Telegram.
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError
from .members import bot_can_manage_topics
from .methods import Params, method, require
from .objects import FakeChat, FakeUser
from .records import Topic
from .state import World

ICON_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)
MAX_TOPIC_NAME_LENGTH = 128
SERVICE_FIELDS = (
    "forum_topic_created",
    "forum_topic_edited",
    "forum_topic_closed",
    "forum_topic_reopened",
    "new_chat_members",
    "left_chat_member",
    "pinned_message",
)


def forum_chat(world: World, params: Params) -> FakeChat:
    chat = world.find_chat(params.get("chat_id"))
    if chat.type != "supergroup" or not chat.is_forum:
        raise ApiError.bad_request("the chat is not a forum")
    return chat


def topic_name(value: Any) -> str:
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= MAX_TOPIC_NAME_LENGTH:
        raise ApiError.bad_request("TOPIC_NAME_INVALID")
    return value.strip()


def _managed_topic(world: World, params: Params) -> tuple[FakeChat, Topic]:
    chat = forum_chat(world, params)
    thread_id = require(params, "message_thread_id", "message thread identifier is not specified")
    topic = world.topics.get((chat.id, int(thread_id)))
    if topic is None or topic.deleted:
        raise ApiError.bad_request("TOPIC_ID_INVALID")
    return chat, topic


def thread_fields(world: World, chat: FakeChat, topic: Topic, *, quote: bool = True) -> dict[str, Any]:
    """The Message fields of a message posted in `topic` (quote: reply to the creation message)."""
    fields: dict[str, Any] = {"message_thread_id": topic.message_thread_id, "is_topic_message": True}
    key = (chat.id, topic.message_thread_id)
    if quote and key in world.messages:
        fields["reply_to_message"] = world.quoted(*key)
    return fields


def open_thread(world: World, chat: FakeChat, thread_id: int) -> Topic:
    """The topic a message is sent into, else "message thread not found"."""
    topic = world.topics.get((chat.id, thread_id))
    if topic is None or topic.deleted:
        raise ApiError.bad_request("message thread not found")
    return topic


def send_thread(
    world: World, chat: FakeChat, thread_id: int | None, replied: dict[str, Any] | None
) -> tuple[int | None, dict[str, Any]]:
    """The thread a new bot message goes to and its Message fields (without a reply)."""
    if chat.type != "supergroup":
        return thread_id, {}
    if not chat.is_forum:
        return thread_id, {} if thread_id is None else {"message_thread_id": thread_id}
    if thread_id is None and replied is not None and replied.get("is_topic_message"):
        thread_id = int(replied["message_thread_id"])
    if thread_id is None:
        return None, {}  # the General topic
    topic = open_thread(world, chat, int(thread_id))
    return topic.message_thread_id, thread_fields(world, chat, topic, quote=replied is None)


def post_service(
    world: World, chat: FakeChat, sender: FakeUser, topic: Topic, content: dict[str, Any]
) -> dict[str, Any]:
    """Store a service message (forum_topic_edited, ..._closed, ...) in a topic; return it."""
    fields = thread_fields(world, chat, topic)
    return world.message_json(chat, sender, world.next_message_id(chat.id), {**fields, **content})


def create_topic(
    world: World, chat: FakeChat, creator: FakeUser, name: str, icon_color: int = ICON_COLORS[0]
) -> Topic:
    """Open a topic with its forum_topic_created service message (which is not delivered)."""
    thread_id = world.next_message_id(chat.id)
    topic = Topic(chat.id, thread_id, name, icon_color, created_by=creator.id)
    created = {"name": name, "icon_color": icon_color}
    content = {"message_thread_id": thread_id, "forum_topic_created": created, "is_topic_message": True}
    world.message_json(chat, creator, thread_id, content)
    world.topics[(chat.id, thread_id)] = topic
    world.changed.fire()
    return topic


def remove_topic(world: World, topic: Topic, *, by_bot: bool) -> None:
    """Delete a topic and every message in it (bot messages are marked deleted)."""
    topic.deleted = True
    for key, message in list(world.messages.items()):
        if key[0] == topic.chat_id and message.get("message_thread_id") == topic.message_thread_id:
            del world.messages[key]
            record = world.records.get(key)
            if record is not None and not record.deleted:
                record.deleted = True
                if by_bot:
                    world.record("deleted", record)
    world.changed.fire()


@method("createForumTopic")
async def create_forum_topic(world: World, params: Params) -> Any:
    chat = forum_chat(world, params)
    if not bot_can_manage_topics(world, chat):
        raise ApiError.bad_request("not enough rights to create a topic")
    name = topic_name(params.get("name"))
    color = params.get("icon_color")
    color = int(color) if color not in (None, "") else ICON_COLORS[0]
    topic = create_topic(world, chat, world.bot, name, color)
    emoji = params.get("icon_custom_emoji_id")
    if isinstance(emoji, str) and emoji:
        topic.icon_custom_emoji_id = emoji
    return topic.to_api()


@method("editForumTopic")
async def edit_forum_topic(world: World, params: Params) -> Any:
    chat, topic = _managed_topic(world, params)
    name = topic_name(params["name"]) if params.get("name") is not None else topic.name
    emoji = params.get("icon_custom_emoji_id")
    emoji = topic.icon_custom_emoji_id if emoji is None else (emoji or None)
    if (name, emoji) == (topic.name, topic.icon_custom_emoji_id):
        raise ApiError.bad_request("TOPIC_NOT_MODIFIED")
    edited: dict[str, Any] = {}
    if name != topic.name:
        topic.history.append(topic.name)
        topic.name = edited["name"] = name
    if emoji != topic.icon_custom_emoji_id:
        topic.icon_custom_emoji_id = emoji
        edited["icon_custom_emoji_id"] = emoji or ""
    post_service(world, chat, world.bot, topic, {"forum_topic_edited": edited})
    return True


async def _set_closed(world: World, params: Params, closed: bool) -> bool:
    chat, topic = _managed_topic(world, params)
    if topic.closed == closed:
        raise ApiError.bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = closed
    post_service(
        world, chat, world.bot, topic, {"forum_topic_closed" if closed else "forum_topic_reopened": {}}
    )
    world.changed.fire()
    return True


@method("closeForumTopic")
async def close_forum_topic(world: World, params: Params) -> Any:
    return await _set_closed(world, params, True)


@method("reopenForumTopic")
async def reopen_forum_topic(world: World, params: Params) -> Any:
    return await _set_closed(world, params, False)


@method("deleteForumTopic")
async def delete_forum_topic(world: World, params: Params) -> Any:
    _, topic = _managed_topic(world, params)
    remove_topic(world, topic, by_bot=True)
    return True
