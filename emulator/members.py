"""Chat membership: who is in which group, with which rights, and getChatMember."""

from __future__ import annotations

from typing import Any

from .errors import ApiError
from .methods import Params, method, require
from .objects import FakeChat
from .state import World

STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
# The rights a ChatMemberAdministrator always carries, with the emulator's defaults.
ADMIN_RIGHTS: dict[str, bool] = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
    "can_manage_topics": False,
}
# The permissions a ChatMemberRestricted always carries.
RESTRICTED_RIGHTS: dict[str, bool | int] = {
    "is_member": True,
    "can_send_messages": False,
    "can_send_audios": False,
    "can_send_documents": False,
    "can_send_photos": False,
    "can_send_videos": False,
    "can_send_video_notes": False,
    "can_send_voice_notes": False,
    "can_send_polls": False,
    "can_send_other_messages": False,
    "can_add_web_page_previews": False,
    "can_change_info": False,
    "can_invite_users": False,
    "can_pin_messages": False,
    "can_manage_topics": False,
    "can_edit_tag": False,
    "can_react_to_messages": False,
    "until_date": 0,
}


def set_membership(world: World, chat_id: int, user_id: int, status: str, **rights: Any) -> None:
    """Record `user_id`'s status (and, for administrators/restricted members, rights) in a chat."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; use one of {STATUSES}")
    entry: dict[str, Any] = {"status": status}
    if status == "administrator":
        entry.update(ADMIN_RIGHTS)
    elif status == "restricted":
        entry.update(RESTRICTED_RIGHTS)
    elif status == "creator":
        entry["is_anonymous"] = False
    elif status == "kicked":
        entry["until_date"] = 0
    unknown = set(rights) - set(entry)
    if unknown:
        raise ValueError(f"{sorted(unknown)} do not apply to a {status} member")
    entry.update(rights)
    world.members.setdefault(chat_id, {})[user_id] = entry


def membership(world: World, chat: FakeChat, user_id: int) -> dict[str, Any]:
    """The status entry of a user in a chat: recorded, else "member" of their own private chat
    (and the bot's), else "left"."""
    recorded = world.members.get(chat.id, {}).get(user_id)
    if recorded is not None:
        return recorded
    if chat.type == "private" and user_id in (chat.id, world.bot.id):
        return {"status": "member"}
    return {"status": "left"}


def is_member(world: World, chat: FakeChat, user_id: int) -> bool:
    return membership(world, chat, user_id)["status"] in ("creator", "administrator", "member", "restricted")


def bot_can_manage_topics(world: World, chat: FakeChat) -> bool:
    entry = membership(world, chat, world.bot.id)
    return entry["status"] == "creator" or (
        entry["status"] == "administrator" and bool(entry.get("can_manage_topics"))
    )


@method("getChatMember")
async def get_chat_member(world: World, params: Params) -> Any:
    chat = world.find_chat(params.get("chat_id"))
    user_id = require(params, "user_id")
    if not isinstance(user_id, int):
        raise ApiError.bad_request("invalid user_id specified")
    user = world.bot if user_id == world.bot.id else world.users.get(user_id)
    if user is None:
        raise ApiError.bad_request("user not found")
    return {**membership(world, chat, user_id), "user": user.to_api()}
