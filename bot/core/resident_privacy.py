"""The resident's side of privacy: the notice, a copy of their data, and deleting it."""

from __future__ import annotations

from bot.core import payloads
from bot.core.messages import Button, Reply, ResidentForgotten, Turn
from bot.core.replies import Replies
from bot.storage.cases import Cases
from bot.storage.data_rights import DataRights


class Privacy:
    def __init__(self, rights: DataRights, cases: Cases, retention_days: int) -> None:
        self.rights = rights
        self.cases = cases
        self.days = retention_days

    def notice(self, replies: Replies, language: str) -> Reply:
        more = Button(replies.text(language, "privacy_more"), payloads.encode(payloads.PRIVACY, "full"))
        return replies.say_key(
            language, "privacy_notice", ((more,),), days=replies.count(language, "days", self.days)
        )

    def full_text(self, replies: Replies, language: str) -> Reply:
        return replies.say_key(
            language,
            "privacy_full",
            (replies.menu_button(language),),
            days=replies.count(language, "days", self.days),
        )

    def my_data(self, replies: Replies, resident_id: int, language: str) -> Turn:
        document = (f"welkom-{resident_id}.json", self.rights.export(resident_id))
        reply = replies.say_key(language, "mydata_caption")
        return Turn([Reply(reply.text, document=document)], language=language, outcome="mydata")

    def confirm_forget(self, replies: Replies, language: str) -> Turn:
        yes = Button(replies.text(language, "forget_yes"), payloads.encode(payloads.FORGET, "yes"))
        no = Button(replies.text(language, "forget_no"), payloads.encode(payloads.FORGET, "no"))
        return Turn(
            [replies.say_key(language, "forget_confirm", ((yes,), (no,)))],
            language=language,
            outcome="forget_asked",
        )

    def forget(self, replies: Replies, resident_id: int, language: str) -> Turn:
        """Delete everything; an open case's topic is told before its transcript goes."""
        case = self.cases.open_case_of(resident_id)
        events = [ResidentForgotten(case.id, case.thread_id)] if case else []
        self.rights.forget(resident_id)
        reply = replies.say_key(language, "forgotten")
        return Turn(
            [Reply(reply.text, replaces_pressed=True)],
            language=language,
            outcome="forgotten",
            staff_events=list(events),
        )
