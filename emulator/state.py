"""The emulated world: users, chats, messages, the update queue and what the bot did."""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from collections.abc import Callable
from typing import Any

from .errors import ApiError, Fault
from .objects import FakeChat, FakeUser, new_file
from .records import Call, CallbackAnswer, ErrorRecord, SentMessage, Topic


class Signal:
    """Wakes every waiter whenever something changes; usable from sync code."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def fire(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, seconds: float) -> None:
        if seconds <= 0:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, seconds)
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(waiter)

    async def wait_for(self, predicate: Callable[[], bool], seconds: float) -> bool:
        """Wait until predicate() holds (checked after every change); False on timeout."""
        deadline = time.monotonic() + seconds
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await self.wait(remaining)
        return True


class World:
    def __init__(self, bot: FakeUser) -> None:
        self.bot = bot
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, message id) -> JSON
        self.records: dict[tuple[int, int], SentMessage] = {}
        self.sent: list[SentMessage] = []
        # Every send / edit / delete by the bot, in order: (kind, record).
        self.activity: list[tuple[str, SentMessage]] = []
        self.updates: list[dict[str, Any]] = []  # pushed and not yet confirmed
        self.history: list[dict[str, Any]] = []  # every update ever pushed
        self.webhook: dict[str, Any] = {}  # what setWebhook was told
        self.last_update_id = 700_000_000
        self.delivered_update_id = 0  # highest update_id handed to the bot
        self.allowed_updates: list[str] | None = None
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: list[CallbackAnswer] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.command_sets: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.files: dict[str, dict[str, Any]] = {}  # file_id -> File JSON + "content"
        self.media: dict[str, dict[str, Any]] = {}  # file_id -> its Message fields ({"photo": [...]})
        self.topics: dict[tuple[int, int], Topic] = {}  # (chat, message_thread_id) -> topic
        # chat id -> user id -> {"status": ..., rights...}; see members.py
        self.members: dict[int, dict[int, dict[str, Any]]] = {}
        # chat id -> pinned message ids, the latest last; see pins.py
        self.pinned: dict[int, list[int]] = {}
        self.calls: list[Call] = []
        # Bot API calls other than getUpdates being answered now, and when the last one ended: how
        # waits for silence tell that the bot has finished with what it was given.
        self.busy = 0
        self.last_call_at = time.monotonic()
        self.errors: list[ErrorRecord] = []
        self.faults: list[Fault] = []
        self.changed = Signal()
        self.closed = False
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._ids = itertools.count(1)

    # -- identities -------------------------------------------------------------------------

    def new_id(self) -> int:
        return next(self._ids)

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def add_chat(self, chat: FakeChat) -> FakeChat:
        self.chats.setdefault(chat.id, chat)
        return self.chats[chat.id]

    def find_chat(self, chat_id: Any) -> FakeChat:
        """The chat for a chat_id parameter (id or "@username"), else "chat not found"."""
        if chat_id is None or chat_id == "":
            raise ApiError.bad_request("chat_id is empty")
        if isinstance(chat_id, int) and chat_id in self.chats:
            return self.chats[chat_id]
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == chat_id[1:].lower():
                    return chat
        raise ApiError.bad_request("chat not found")

    def register_file(self, file: dict[str, Any], content: bytes | None = None) -> None:
        kind = file["file_id"].split("-", 1)[0].lower()
        path = f"{kind}s/file_{len(self.files)}.bin"
        self.files[file["file_id"]] = {
            **{k: file[k] for k in ("file_id", "file_unique_id", "file_size") if k in file},
            "file_path": path,
            "content": content if content is not None else b"\0" * min(file.get("file_size", 0), 64),
        }

    def new_file(self, kind: str, content: bytes | None = None) -> dict[str, Any]:
        file = new_file(kind, len(content) if content is not None else 1024)
        self.register_file(file, content)
        return file

    def register_media(self, part: dict[str, Any], content: bytes | None = None) -> None:
        """Make the files of a media part ({"photo": [...]} or {"document": {...}}) downloadable
        and reusable by file_id."""
        for value in part.values():
            for file in value if isinstance(value, list) else [value]:
                if isinstance(file, dict) and "file_id" in file:
                    self.register_file(file, content)
                    self.media[file["file_id"]] = part

    def quoted(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """A stored message as it appears in reply_to_message (no nested reply)."""
        message = self.messages[(chat_id, message_id)]
        return copy.deepcopy({key: value for key, value in message.items() if key != "reply_to_message"})

    # -- updates ----------------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any]) -> int:
        self.last_update_id += 1
        # A snapshot: later edits of the stored message must not change a queued update.
        update = {"update_id": self.last_update_id, kind: copy.deepcopy(payload)}
        self.updates.append(update)
        self.history.append(copy.deepcopy(update))
        self.changed.fire()
        return self.last_update_id

    def redeliver(self, update: dict[str, Any]) -> None:
        """Queue an update again with its own update_id, as Telegram does when a bot crashed before
        confirming it."""
        self.updates.append(copy.deepcopy(update))
        self.updates.sort(key=lambda queued: queued["update_id"])
        self.changed.fire()

    def idle_for(self, seconds: float) -> bool:
        """True when every update was fetched and no call of the bot's was open for `seconds`."""
        return not self.updates and not self.busy and time.monotonic() - self.last_call_at >= seconds

    def confirm(self, offset: int | None) -> None:
        """Forget updates confirmed by a getUpdates offset (negative: keep the last -offset)."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def take_updates(self, limit: int) -> list[dict[str, Any]]:
        if self.allowed_updates:
            allowed = set(self.allowed_updates)
            self.updates = [u for u in self.updates if _update_kind(u) in allowed]
        batch = self.updates[:limit]
        if batch:
            self.delivered_update_id = max(self.delivered_update_id, batch[-1]["update_id"])
        return batch

    # -- bot activity -----------------------------------------------------------------------

    def message_json(
        self, chat: FakeChat, sender: FakeUser, message_id: int, content: dict[str, Any]
    ) -> dict[str, Any]:
        message = {
            "message_id": message_id,
            "from": sender.to_api(),
            "chat": chat.to_api(),
            "date": int(time.time()),
            **content,
        }
        self.messages[(chat.id, message_id)] = message
        return message

    def record(self, kind: str, record: SentMessage) -> None:
        if kind == "sent":
            self.sent.append(record)
            self.records[(record.chat_id, record.message_id)] = record
        self.activity.append((kind, record))
        self.changed.fire()

    def take_fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.method in (method.lower(), "*"):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def close(self) -> None:
        self.closed = True
        self.changed.fire()


def _update_kind(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")
