"""Pinned messages: pinChatMessage and unpinChatMessage, with the rights Telegram asks for."""

from __future__ import annotations

from typing import Any

from .errors import ApiError
from .members import membership
from .methods import Params, method, require
from .objects import FakeChat
from .state import World


def _pin_target(world: World, params: Params) -> tuple[FakeChat, int]:
    chat = world.find_chat(require(params, "chat_id"))
    message_id = int(require(params, "message_id"))
    if (chat.id, message_id) not in world.messages:
        raise ApiError.bad_request("message to pin not found")
    entry = membership(world, chat, world.bot.id)
    allowed = chat.type == "private" or entry["status"] == "creator"
    allowed = allowed or (entry["status"] == "administrator" and bool(entry.get("can_pin_messages")))
    if not allowed:
        raise ApiError.bad_request("not enough rights to manage pinned messages in the chat")
    return chat, message_id


@method("pinChatMessage")
async def pin_chat_message(world: World, params: Params) -> Any:
    chat, message_id = _pin_target(world, params)
    pinned = world.pinned.setdefault(chat.id, [])
    if message_id in pinned:
        pinned.remove(message_id)
    pinned.append(message_id)
    world.changed.fire()
    return True


@method("unpinChatMessage")
async def unpin_chat_message(world: World, params: Params) -> Any:
    chat = world.find_chat(require(params, "chat_id"))
    pinned = world.pinned.get(chat.id, [])
    message_id = int(params.get("message_id") or (pinned[-1] if pinned else 0))
    if message_id not in pinned:
        raise ApiError.bad_request("message to unpin not found")
    pinned.remove(message_id)
    world.changed.fire()
    return True
