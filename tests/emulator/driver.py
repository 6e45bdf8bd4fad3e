"""The test-facing side of the emulator: people who write to the bot, and what it answered."""

from __future__ import annotations

import json
import time
import uuid
from functools import partial
from typing import Any

from .errors import Fault
from .objects import FakeChat, FakeUser, command_entities, media_content, private_chat_for
from .records import Call, CallbackAnswer, ErrorRecord, SentMessage
from .state import World

MEDIA_KINDS = ("photo", "sticker", "voice", "document", "location", "contact")
FILE_KINDS = ("photo", "sticker", "voice", "document")


class EmulatorTimeout(AssertionError):
    """The bot did not do what a test waited for in time."""


class EmulatorDriver:
    def __init__(self, world: World) -> None:
        self.world = world
        self._markers: dict[int, int] = {}  # chat id -> activity index counted from

    # -- people and chats -------------------------------------------------------------------

    def make_user(
        self,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        user_id: int | None = None,
    ) -> FakeUser:
        """A new Telegram user with a private chat with the bot."""
        user = FakeUser(
            id=user_id if user_id is not None else 5_000_000_000 + self.world.new_id(),
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.world.users[user.id] = user
        self.world.add_chat(private_chat_for(user))
        return user

    def make_chat(
        self, chat_type: str = "supergroup", *, title: str | None = None, is_forum: bool = False
    ) -> FakeChat:
        """A new group, supergroup or channel the bot is a member of."""
        number = self.world.new_id()
        chat_id = -1_002_000_000_000 - number if chat_type != "group" else -4_000_000_000 - number
        title = title or f"Test {chat_type} {number}"
        return self.world.add_chat(FakeChat(chat_id, chat_type, title=title, is_forum=is_forum))

    def default_chat(self, chat_type: str = "group") -> FakeChat:
        """The shared chat of this type used by push_*(chat_type=...) when no chat is given."""
        title = f"Test {chat_type}"
        for existing in self.world.chats.values():
            if existing.type == chat_type and existing.title == title:
                return existing
        return self.make_chat(chat_type, title=title)

    def _chat_for(self, user: FakeUser, chat: FakeChat | None, chat_type: str) -> FakeChat:
        if chat is not None:
            return self.world.add_chat(chat)
        if chat_type == "private":
            self.world.users.setdefault(user.id, user)
            return self.world.add_chat(private_chat_for(user))
        return self.default_chat(chat_type)

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
        seconds), document=True (or a file name), location=(lat, lon), contact=True (or
        (phone, first_name)). Files are downloadable through getFile."""
        unknown = set(media) - set(MEDIA_KINDS)
        if unknown:
            raise TypeError(f"unknown media: {sorted(unknown)}; use one of {MEDIA_KINDS}")
        content: dict[str, Any] = {"text": text} if text is not None else {}
        for kind, value in media.items():
            if value is None or value is False:
                continue
            part = media_content(kind, value)
            if kind in FILE_KINDS:
                files = part[kind] if isinstance(part[kind], list) else [part[kind]]
                for file in files:
                    self.world.register_file(file)
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
        if reply_to is not None:
            reply_id = reply_to if isinstance(reply_to, int) else reply_to.message_id
            content["reply_to_message"] = self.world.messages[(target.id, reply_id)]
        if thread_id is not None:
            content.update(message_thread_id=thread_id, is_topic_message=target.is_forum)
        message_id = self.world.next_message_id(target.id)
        message = self.world.message_json(target, user, message_id, content)
        self.mark(target.id)
        return self.world.enqueue("message", message)

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

    def slow_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next `times` calls of `method` normally, but only after `seconds`."""
        self.world.faults.append(Fault(method.lower(), delay=seconds, remaining=times))

    # -- waiting ----------------------------------------------------------------------------

    def mark(self, chat_id: int) -> int:
        """Start counting new bot activity in `chat_id` from now (pushes do this too)."""
        self._markers[chat_id] = len(self.world.activity)
        return self._markers[chat_id]

    def _new(self, chat_id: int, since: int | None, kinds: tuple[str, ...]) -> list[SentMessage]:
        start = self._markers.get(chat_id, 0) if since is None else since
        found: list[SentMessage] = []
        for kind, record in self.world.activity[start:]:
            if record.chat_id == chat_id and kind in kinds and record not in found:
                found.append(record)
        return found

    def _activity_count(self, chat_id: int, start: int) -> int:
        return sum(1 for _, record in self.world.activity[start:] if record.chat_id == chat_id)

    def _activity_grew(self, chat_id: int, start: int, seen: int) -> bool:
        return self._activity_count(chat_id, start) > seen

    def _timeout(self, what: str, chat_id: int, got: list[SentMessage]) -> EmulatorTimeout:
        errors = [e for e in self.world.errors if e.params.get("chat_id") in (chat_id, str(chat_id))]
        detail = f"; errors: {errors}" if errors else ""
        return EmulatorTimeout(f"{what} in chat {chat_id}; got {got}{detail}")

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109
        since: int | None = None,
    ) -> list[SentMessage]:
        """Wait until the bot sent at least `count` new messages to `chat_id`; return them."""
        ok = await self.world.changed.wait_for(
            lambda: len(self._new(chat_id, since, ("sent",))) >= count, timeout
        )
        found = self._new(chat_id, since, ("sent",))
        if not ok:
            raise self._timeout(f"expected {count} new message(s) within {timeout}s", chat_id, found)
        self.mark(chat_id)
        return found

    async def settle(
        self,
        chat_id: int,
        *,
        quiet: float = 0.25,
        timeout: float = 10.0,  # noqa: ASYNC109
        since: int | None = None,
        allow_none: bool = False,
    ) -> list[SentMessage]:
        """Wait for the bot's first new message (or edit/delete) in `chat_id`, then until it
        has been quiet for `quiet` seconds; return the new and changed messages in order."""
        kinds = ("sent", "edited", "deleted")
        start = self._markers.get(chat_id, 0) if since is None else since
        deadline = time.monotonic() + timeout
        if not await self.world.changed.wait_for(lambda: bool(self._new(chat_id, start, kinds)), timeout):
            if allow_none:
                return []
            raise self._timeout(f"no reply within {timeout}s", chat_id, [])
        seen = self._activity_count(chat_id, start)
        while (remaining := deadline - time.monotonic()) > 0:
            if not await self.world.changed.wait_for(
                partial(self._activity_grew, chat_id, start, seen), min(quiet, remaining)
            ):
                break
            seen = self._activity_count(chat_id, start)
        self.mark(chat_id)
        return self._new(chat_id, start, kinds)
