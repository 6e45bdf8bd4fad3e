"""The test-facing side of the emulator: people who write to the bot, and what it answered."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from .chats import ChatRef, ChatsDriver, chat_id_of
from .errors import Fault
from .forums import thread_fields
from .members import is_member, set_membership
from .objects import FakeChat, FakeUser, command_entities, media_content
from .records import Call, CallbackAnswer, ErrorRecord, SentMessage
from .state import World
from .waiting import EmulatorTimeout

__all__ = ["EmulatorDriver", "EmulatorTimeout"]

MEDIA_KINDS = ("photo", "sticker", "voice", "document", "location", "venue", "contact")


class EmulatorDriver(ChatsDriver):
    def __init__(self, world: World) -> None:
        self.world = world
        self._markers = {}
        self._world_marker = 0
        self._pushed: dict[int, tuple[int, int]] = {}  # update_id -> (chat id, message id)

    # -- pushing updates --------------------------------------------------------------------

    def push_text(
        self,
        user: FakeUser,
        text: str,
        *,
        chat: FakeChat | None = None,
        chat_type: str = "private",
        reply_to: SentMessage | int | None = None,
        message_thread_id: int | None = None,
    ) -> int:
        """Queue a text message from `user`; return its update_id."""
        content: dict[str, Any] = {"text": text}
        if entities := command_entities(text):
            content["entities"] = entities
        return self._push(user, content, chat, chat_type, reply_to, message_thread_id)

    def push_message(
        self,
        user: FakeUser,
        *,
        text: str | None = None,
        caption: str | None = None,
        chat: FakeChat | None = None,
        chat_type: str = "private",
        reply_to: SentMessage | int | None = None,
        message_thread_id: int | None = None,
        **media: Any,
    ) -> int:
        """Queue a message with media: photo=True, sticker=True (or an emoji), voice=True (or
        seconds), document=True (or a file name), location=(lat, lon), venue=(lat, lon, title,
        address), contact=True (or (phone, first_name)), with an optional caption. Files are
        downloadable through getFile and reusable by file_id."""
        unknown = set(media) - set(MEDIA_KINDS)
        if unknown:
            raise TypeError(f"unknown media: {sorted(unknown)}; use one of {MEDIA_KINDS}")
        content: dict[str, Any] = {"text": text} if text is not None else {}
        for kind, value in media.items():
            if value is None or value is False:
                continue
            part = media_content(kind, value)
            self.world.register_media(part)
            content.update(part)
        if caption is not None:
            content["caption"] = caption
        if not content:
            raise ValueError("push_message needs text, a caption or some media")
        return self._push(user, content, chat, chat_type, reply_to, message_thread_id)

    def _push(
        self,
        user: FakeUser,
        content: dict[str, Any],
        chat: FakeChat | None,
        chat_type: str,
        reply_to: SentMessage | int | None,
        thread_id: int | None,
    ) -> int:
        target = self._chat_for(user, chat, chat_type)
        if target.type != "private" and not is_member(self.world, target, user.id):
            set_membership(self.world, target.id, user.id, "member")
        replied = None
        if reply_to is not None:
            reply_id = reply_to if isinstance(reply_to, int) else reply_to.message_id
            replied = self.world.quoted(target.id, reply_id)
        if target.is_forum and thread_id is None and replied and replied.get("is_topic_message"):
            thread_id = replied["message_thread_id"]  # a reply stays in the replied topic
        if target.is_forum and thread_id is not None:
            topic = self.world.topics.get((target.id, thread_id))
            if topic is None or topic.deleted:
                raise ValueError(f"there is no topic {thread_id} in {target.title!r}: {self.topics(target)}")
            content.update(thread_fields(self.world, target, topic, quote=replied is None))
        elif thread_id is not None:
            content.update(message_thread_id=thread_id, is_topic_message=False)
        if replied is not None:
            content["reply_to_message"] = replied
        message_id = self.world.next_message_id(target.id)
        message = self.world.message_json(target, user, message_id, content)
        self.mark(target.id)
        update_id = self.world.enqueue("message", message)
        self._pushed[update_id] = (target.id, message_id)
        return update_id

    def push_edit(
        self, user: FakeUser, message: dict[str, Any] | int, new_text: str, *, chat: ChatRef | None = None
    ) -> int:
        """Queue an edited_message update: `user` changed the text (or, for media, the caption)
        of one of their messages to `new_text`. `message` is its Message JSON (message_of(),
        messages_from()) or its message id in `chat` (default: the user's private chat)."""
        if isinstance(message, dict):
            key = (int(message["chat"]["id"]), int(message["message_id"]))
        else:
            key = (chat_id_of(chat) if chat is not None else user.id, message)
        stored = self.world.messages.get(key)
        if stored is None:
            raise KeyError(f"no message {key[1]} in chat {key[0]}")
        if stored["from"]["id"] != user.id:
            raise ValueError(f"{user.first_name} did not write message {key[1]}")
        field, entities_key = ("text", "entities") if "text" in stored else ("caption", "caption_entities")
        stored[field] = new_text
        stored.pop(entities_key, None)
        if field == "text" and (entities := command_entities(new_text)):
            stored["entities"] = entities
        stored["edit_date"] = max(int(time.time()), stored["date"])
        self.mark(key[0])
        return self.world.enqueue("edited_message", stored)

    def message_of(self, update_id: int) -> dict[str, Any]:
        """The stored Message JSON (edits applied) of a message pushed by push_text/push_message."""
        chat_id, message_id = self._pushed[update_id]
        return self.world.messages[(chat_id, message_id)]

    def messages_from(self, user: FakeUser, chat: ChatRef | None = None) -> list[dict[str, Any]]:
        """The Message JSON of every message `user` wrote in `chat` (default: their private
        chat) that still exists, oldest first."""
        chat_id = chat_id_of(chat) if chat is not None else user.id
        return [
            message
            for (cid, _), message in sorted(self.world.messages.items())
            if cid == chat_id and message["from"]["id"] == user.id
        ]

    def push_callback(
        self, user: FakeUser, message: SentMessage, data: str, *, chat_instance: str | None = None
    ) -> int:
        """Queue a callback_query as if `user` pressed a button with `data` on `message`."""
        query_id = str(uuid.uuid4().int >> 64)
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": dict(message.api),
            "chat_instance": chat_instance or str(-abs(hash((message.chat_id, self.world.bot.id)))),
            "data": data,
        }
        self.world.callback_queries[query_id] = {"answered": False, "query": query}
        self.mark(message.chat_id)
        return self.world.enqueue("callback_query", query)

    def redeliver(self, update_id: int) -> None:
        """Deliver an earlier update again, same update_id (a redelivery after a crash)."""
        update = next(u for u in self.world.history if u["update_id"] == update_id)
        self.world.redeliver(update)

    def push_update(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue any other update, e.g. push_update("my_chat_member", {...})."""
        return self.world.enqueue(kind, payload)

    # -- what the bot did -------------------------------------------------------------------

    @property
    def sent(self) -> list[SentMessage]:
        return self.world.sent

    @property
    def calls(self) -> list[Call]:
        return self.world.calls

    @property
    def errors(self) -> list[ErrorRecord]:
        return self.world.errors

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self.world.callback_answers

    @property
    def chat_actions(self) -> list[tuple[int, str]]:
        return self.world.chat_actions

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self.world.updates)

    @property
    def commands(self) -> dict[str, list[tuple[str, str]]]:
        """Default-scope commands by language_code ("" = all languages)."""
        return {
            language: [(c["command"], c["description"]) for c in commands]
            for (scope, language), commands in self.world.command_sets.items()
            if scope == '{"type": "default"}'
        }

    def commands_for(
        self, language_code: str = "", scope: dict[str, Any] | None = None
    ) -> list[tuple[str, str]]:
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return [(c["command"], c["description"]) for c in self.world.command_sets.get(key, [])]

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [call.params for call in self.world.calls if call.method.lower() == method.lower()]

    def pinned(self, chat_id: int) -> list[int]:
        """The ids of the messages pinned in a chat, the latest last."""
        return list(self.world.pinned.get(chat_id, []))

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [record for record in self.world.sent if record.chat_id == chat_id]

    # -- faults -----------------------------------------------------------------------------

    def fail_next(
        self,
        method: str = "*",
        error_code: int = 500,
        *,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` ("*": any) with this error, e.g.
        fail_next("sendMessage", 429, retry_after=2) or fail_next("getUpdates", 500)."""
        self.world.faults.append(Fault(method.lower(), error_code, description, retry_after, remaining=times))

    def reset_next(self, method: str = "*", *, times: int = 1) -> None:
        """Drop the connection of the next `times` calls of `method` before carrying them out."""
        self.world.faults.append(Fault(method.lower(), reset=True, remaining=times))

    def slow_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next `times` calls of `method` normally, but only after `seconds`."""
        self.world.faults.append(Fault(method.lower(), delay=seconds, remaining=times))
