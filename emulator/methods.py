"""Bot API methods about the bot itself, updates, commands, chats and files.

Every method is an async function (world, params) -> result, registered under its Bot API
name; lookup is case-insensitive like Telegram's. Message methods live in messaging.py and
media.py, forum topics in forums.py, getChatMember in members.py.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .errors import ApiError
from .state import World

Params = dict[str, Any]
Handler = Callable[[World, Params], Awaitable[Any]]
METHODS: dict[str, Handler] = {}

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = handler
        return handler

    return register


def require(params: Params, name: str, detail: str | None = None) -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise ApiError.bad_request(detail or f"{name} is empty")
    return value


@method("getMe")
async def get_me(world: World, params: Params) -> Any:
    return {
        **world.bot.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("getUpdates")
async def get_updates(world: World, params: Params) -> Any:
    limit = min(max(int(params.get("limit") or 100), 1), 100)
    timeout = max(float(params.get("timeout") or 0), 0.0)
    allowed = params.get("allowed_updates")
    if isinstance(allowed, list):
        world.allowed_updates = allowed or None
    world.confirm(params.get("offset"))
    deadline = time.monotonic() + timeout
    while True:
        batch = world.take_updates(limit)
        remaining = deadline - time.monotonic()
        if batch or remaining <= 0 or world.closed:
            return batch
        await world.changed.wait(remaining)


@method("deleteWebhook")
async def delete_webhook(world: World, params: Params) -> Any:
    if params.get("drop_pending_updates"):
        world.updates.clear()
    return True


@method("setWebhook")
async def set_webhook(world: World, params: Params) -> Any:
    url = str(params.get("url") or "")
    if url and not url.startswith("https://"):
        raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    world.webhook = {"url": url, "secret_token": params.get("secret_token")}
    return True


@method("getWebhookInfo")
async def get_webhook_info(world: World, params: Params) -> Any:
    url = world.webhook.get("url", "")
    return {"url": url, "has_custom_certificate": False, "pending_update_count": len(world.updates)}


def _commands_key(params: Params) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise ApiError.bad_request("can't parse BotCommandScope JSON object")
    language = params.get("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise ApiError.bad_request("invalid language code specified")
    return json.dumps(scope, sort_keys=True), language


@method("setMyCommands")
async def set_my_commands(world: World, params: Params) -> Any:
    commands = params.get("commands")
    if not isinstance(commands, list):
        raise ApiError.bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise ApiError.bad_request("too many commands")
    stored = []
    for item in commands:
        if not isinstance(item, dict):
            raise ApiError.bad_request("can't parse BotCommand JSON object")
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not _COMMAND_RE.fullmatch(command):
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise ApiError.bad_request("command description is empty or too long")
        stored.append({"command": command, "description": description})
    key = _commands_key(params)
    if stored:
        world.command_sets[key] = stored
    else:
        world.command_sets.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(world: World, params: Params) -> Any:
    return world.command_sets.get(_commands_key(params), [])


@method("deleteMyCommands")
async def delete_my_commands(world: World, params: Params) -> Any:
    world.command_sets.pop(_commands_key(params), None)
    return True


@method("sendChatAction")
async def send_chat_action(world: World, params: Params) -> Any:
    chat = world.find_chat(params.get("chat_id"))
    action = params.get("action")
    if action not in CHAT_ACTIONS:
        raise ApiError.bad_request("wrong parameter action in request")
    world.chat_actions.append((chat.id, action))
    return True


@method("getChat")
async def get_chat(world: World, params: Params) -> Any:
    return world.find_chat(params.get("chat_id")).full_info()


@method("getFile")
async def get_file(world: World, params: Params) -> Any:
    file = world.files.get(require(params, "file_id"))
    if file is None:
        raise ApiError.bad_request("invalid file_id")
    return {key: value for key, value in file.items() if key != "content"}
