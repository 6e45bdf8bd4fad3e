"""The test-facing side of people, chats, membership and forum topics."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .forums import ICON_COLORS, SERVICE_FIELDS, create_topic, post_service, remove_topic
from .members import membership, set_membership
from .objects import FakeChat, FakeUser, private_chat_for
from .records import Topic
from .waiting import Waiting

ChatRef = int | FakeChat


def chat_id_of(chat: ChatRef) -> int:
    return chat.id if isinstance(chat, FakeChat) else chat


class ChatsDriver(Waiting):
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
        chat = self.world.add_chat(FakeChat(chat_id, chat_type, title=title, is_forum=is_forum))
        set_membership(self.world, chat.id, self.world.bot.id, "member")
        return chat

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

    # -- membership -------------------------------------------------------------------------

    def set_member(self, chat: ChatRef, user: FakeUser, status: str = "member", **rights: Any) -> None:
        """Set `user`'s status in a group ("creator", "administrator", "member", "restricted",
        "left", "kicked"); administrators get default rights, overridable, e.g.
        set_member(forum, bot_user, "administrator", can_manage_topics=False)."""
        self.world.users.setdefault(user.id, user)
        set_membership(self.world, chat_id_of(chat), user.id, status, **rights)

    def member_status(self, chat: ChatRef, user: FakeUser) -> str:
        """What getChatMember would answer as `status`."""
        target = self.world.chats[chat_id_of(chat)]
        return str(membership(self.world, target, user.id)["status"])

    # -- forums -----------------------------------------------------------------------------

    def make_forum(
        self,
        title: str = "Welkom caseworkers",
        members: Iterable[FakeUser] = (),
        *,
        admins: Iterable[FakeUser] = (),
    ) -> FakeChat:
        """A supergroup with topics; the bot is an administrator that can manage topics,
        `members` are members and `admins` administrators."""
        chat = self.make_chat("supergroup", title=title, is_forum=True)
        self.world.next_message_id(chat.id)  # message 1 opened the General topic
        self.set_member(chat, self.world.bot, "administrator", can_manage_topics=True)
        for user in members:
            self.set_member(chat, user, "member")
        for user in admins:
            self.set_member(chat, user, "administrator", can_manage_topics=True)
        return chat

    def topics(self, chat: ChatRef) -> list[Topic]:
        """Every topic ever created in a forum, oldest first (see Topic.closed/.deleted)."""
        chat_id = chat_id_of(chat)
        return sorted(
            (topic for (cid, _), topic in self.world.topics.items() if cid == chat_id),
            key=lambda topic: topic.message_thread_id,
        )

    def topic(self, chat: ChatRef, thread_id: int) -> Topic:
        topic = self.world.topics.get((chat_id_of(chat), thread_id))
        if topic is None:
            raise KeyError(f"no topic {thread_id} in chat {chat_id_of(chat)}: {self.topics(chat)}")
        return topic

    def find_topic(self, chat: ChatRef, name: str) -> Topic | None:
        """The newest topic that is not deleted with exactly this name."""
        found = [t for t in self.topics(chat) if t.name == name and not t.deleted]
        return found[-1] if found else None

    def messages_in_topic(
        self, chat: ChatRef, thread_id: int, *, include_service: bool = False
    ) -> list[dict[str, Any]]:
        """The Message JSON of every message still in a topic (people's and the bot's, edits
        applied), oldest first; service messages only with include_service."""
        chat_id = chat_id_of(chat)
        return [
            message
            for (cid, _), message in sorted(self.world.messages.items())
            if cid == chat_id
            and message.get("message_thread_id") == thread_id
            and message.get("is_topic_message")
            and (include_service or not any(key in message for key in SERVICE_FIELDS))
        ]

    def open_topic(
        self, chat: FakeChat, name: str, *, by: FakeUser, icon_color: int = ICON_COLORS[1]
    ) -> Topic:
        """`by` creates a topic; the bot receives its forum_topic_created service message."""
        topic = create_topic(self.world, chat, by, name, icon_color)
        self.mark(chat.id)
        self.world.enqueue("message", self.world.messages[(chat.id, topic.message_thread_id)])
        return topic

    def close_topic(self, chat: ChatRef, thread_id: int, *, by: FakeUser, closed: bool = True) -> int:
        """`by` closes (or, closed=False, reopens) a topic; queue the service message the bot
        receives and return its update_id."""
        topic = self.topic(chat, thread_id)
        if topic.deleted or topic.closed == closed:
            raise ValueError(f"{topic!r} is already {'closed' if closed else 'open'} or deleted")
        topic.closed = closed
        target = self.world.chats[topic.chat_id]
        service: dict[str, Any] = {"forum_topic_closed" if closed else "forum_topic_reopened": {}}
        message = post_service(self.world, target, by, topic, service)
        self.mark(target.id)
        return self.world.enqueue("message", message)

    def delete_topic(self, chat: ChatRef, thread_id: int) -> Topic:
        """A person deletes a topic with all its messages (bots get no update about that)."""
        topic = self.topic(chat, thread_id)
        remove_topic(self.world, topic, by_bot=False)
        return topic
