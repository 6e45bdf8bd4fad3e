"""The resident's side of a caseworker handoff: consent, opening or reopening a case, leaving, rating."""

from __future__ import annotations

from datetime import datetime

from bot.content.model import WEEKDAYS
from bot.core import payloads
from bot.core.messages import Button, CaseOpened, CaseRated, Reply, ResidentLeft, Turn
from bot.core.replies import Replies
from bot.storage import Storage
from bot.storage.cases import Case, Cases

RECENT_TURNS = 8


class Handoff:
    """Decides what a resident sees around a case; the staff side acts on the turn's staff events."""

    def __init__(self, storage: Storage, cases: Cases, reopen_days: int, enabled: bool = True) -> None:
        self.storage = storage
        self.cases = cases
        self.reopen_days = reopen_days
        self.enabled = enabled

    def consent(self, replies: Replies, language: str, reason: str) -> Reply:
        """Nothing is shared before the resident agrees."""
        yes = Button(
            replies.text(language, "handoff_consent_yes"), payloads.encode(payloads.HANDOFF, "yes", reason)
        )
        no = Button(
            replies.text(language, "handoff_consent_no"), payloads.encode(payloads.HANDOFF, "no", reason)
        )
        return replies.say_key(language, "handoff_consent", ((yes,), (no,)))

    def leave_button(self, replies: Replies, language: str) -> tuple[Button, ...]:
        return (
            Button(replies.text(language, "leave_case"), payloads.encode(payloads.HANDOFF, "leave", "case")),
        )

    def accept(self, replies: Replies, resident_id: int, language: str, reason: str, now: datetime) -> Turn:
        """Open a case (or reopen the recent one) and tell the resident when a caseworker answers."""
        if self.cases.open_case_of(resident_id):
            reply = replies.say_key(language, "case_in_progress", (self.leave_button(replies, language),))
            return Turn([reply], language=language, outcome="case_in_progress")
        urgent = reason == "urgent"
        category = self.storage.last_urgent_category(resident_id) if urgent else None
        recent = self.cases.recently_closed(resident_id, self.reopen_days)
        if recent is not None:
            case = self.cases.reopen(recent.id, urgent, category)
            event = CaseOpened(recent.id, reopened=True)
        else:
            intents = self.recent_intents(resident_id)
            case = self.cases.open(resident_id, language, urgent, reason, intents, category)
            event = CaseOpened(case.id)
        lines = [self.when_text(replies, language, now)]
        if case.urgent:
            lines.append(replies.text(language, "case_urgent_note"))
        reply = replies.say(language, "\n\n".join(lines), (self.leave_button(replies, language),))
        return Turn([reply], language=language, outcome="case_opened", staff_events=[event])

    def when_text(self, replies: Replies, language: str, now: datetime) -> str:
        hours = replies.content.office_hours
        if hours is None:
            return replies.text(language, "case_opened_no_hours")
        opening = hours.next_opening(now)
        if opening is None:
            return replies.text(language, "case_opened_no_hours")
        if hours.is_open(now):
            return replies.text(language, "case_opened")
        weekday = replies.text(language, f"weekday.{WEEKDAYS[opening.weekday()]}")
        when = replies.text(
            language,
            "opening_when",
            weekday=weekday,
            day=str(opening.day),
            month=str(opening.month),
            time=opening.strftime("%H:%M"),
        )
        return replies.text(language, "case_opened_closed", when=when)

    def recent_intents(self, resident_id: int) -> list[str]:
        intents = [
            turn["intent"] for turn in self.storage.turns(resident_id)[-RECENT_TURNS:] if turn["intent"]
        ]
        return list(dict.fromkeys(intents))

    def leave(self, replies: Replies, case: Case, language: str) -> Turn:
        self.cases.close(case.id)
        reply = replies.menu(language, lead=replies.text(language, "case_left"))
        return Turn([reply], language=language, outcome="case_left", staff_events=[ResidentLeft(case.id)])

    def rate(self, replies: Replies, resident_id: int, case_id: int, rating: int, language: str) -> Turn:
        if not self.cases.rate(case_id, resident_id, rating):
            return Turn(
                [replies.menu(language, replies.text(language, "expired_button"))],
                language=language,
                outcome="expired",
            )
        reply = replies.menu(language, lead=replies.text(language, "rate_thanks"))
        return Turn([reply], language=language, outcome="rated", staff_events=[CaseRated(case_id, rating)])

    def relay(self, case: Case, language: str) -> Turn:
        """While a case is open, the resident's messages go to the caseworker; the bot stays silent."""
        return Turn([], language=language, outcome="relayed", relay_case=case.id)
