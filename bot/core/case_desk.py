"""What caseworkers do with a case, whatever the medium: claim, answer with content, close, see the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core import payloads
from bot.core.conversation import Conversation
from bot.core.messages import Button, Reply
from bot.storage import Storage
from bot.storage.cases import Case, Cases

TRANSCRIPT_TURNS = 6
SUBJECT_LENGTH = 40
# Small talk and the handoff itself say nothing about what the resident needs help with.
NOT_A_SUBJECT = frozenset(
    {"greet", "goodbye", "thank", "help", "change_language", "human_handoff", "out_of_scope"}
)


@dataclass(frozen=True)
class Claim:
    taken: bool
    owner: str
    to_resident: Reply | None


class CaseDesk:
    def __init__(self, conversation: Conversation, cases: Cases, storage: Storage, show_name: bool) -> None:
        self.conversation = conversation
        self.cases = cases
        self.storage = storage
        self.show_name = show_name

    def staff(self, key: str, /, **fields: str) -> str:
        return self.conversation.content.staff_text(key, **fields)

    def topic_name(self, case: Case) -> str:
        content = self.conversation.content
        intent = next(
            (i for i in reversed(case.intents) if i in content.answers and i not in NOT_A_SUBJECT), None
        )
        subject = (
            content.answers[intent].texts[content.staff_language].title
            if intent
            else self.staff(f"reason.{case.reason}")
        )
        name = self.staff("topic_name", number=case.number, language=case.language.upper(), subject=subject)
        return (f"{self.staff('urgent_marker')} {name}" if case.urgent else name)[:128]

    def card(self, case: Case, now: datetime) -> str:
        """The first message of a case topic: who, what the bot saw, urgency, office hours, transcript."""
        content = self.conversation.content
        lines = [self.staff("card_title", number=case.number)]
        if case.urgent:
            lines.append(self.staff("urgent_marker"))
        category = content.urgent.categories.get(case.urgent_category or "")
        if category is not None:
            lines.append(self.staff("card_urgent_category", category=category.staff_label))
        lines.append(self.staff("card_language", language=content.language_name(case.language)))
        lines.append(self.staff("card_intents", intents=", ".join(case.intents) or "-"))
        lines.append(self.staff("card_reason", reason=self.staff(f"reason.{case.reason}")))
        lines.append(self.staff("card_office", status=self.office_status(now)))
        lines.append("")
        lines.append(self.staff("card_transcript"))
        for turn in self.storage.recent_turns(case.resident_id, TRANSCRIPT_TURNS):
            if turn["text"]:
                lines.append(self.staff("transcript_resident", text=turn["text"]))
            if turn["answer_key"] or turn["outcome"]:
                lines.append(self.staff("transcript_bot", text=turn["answer_key"] or turn["outcome"]))
        lines.append("")
        failed = self.cases.failed_relays(case.id)
        if failed:
            lines.append(self.staff("card_undelivered", count=str(failed)))
        if case.claimed_by_name:
            lines.append(self.staff("card_claimed", name=case.claimed_by_name))
        elif case.status == "open":
            lines.append(self.staff("card_unclaimed"))
        if case.status == "closed":
            lines.append(self.staff("card_closed"))
        return "\n".join(lines)

    def card_buttons(self, case: Case) -> tuple[tuple[Button, ...], ...]:
        """Claim and Close while the case is open; only Close once someone has taken it."""
        if case.status != "open":
            return ()
        close = Button(self.staff("close_button"), f"case:close:{case.id}")
        if case.claimed_by is not None:
            return ((close,),)
        return ((Button(self.staff("claim_button"), f"case:claim:{case.id}"), close),)

    def to_resident(self, case: Case, key: str) -> Reply:
        """A notice from the bot itself to the resident of a case, in their language."""
        replies = self.conversation.replies
        return replies.say(case.language, replies.text(case.language, key))

    def when(self, moment: datetime) -> str:
        return self.staff(
            "date_time",
            day=str(moment.day),
            month=str(moment.month),
            time=moment.strftime("%H:%M"),
        )

    def office_status(self, now: datetime) -> str:
        hours = self.conversation.content.office_hours
        if hours is None or hours.is_open(now):
            return self.staff("card_open_now")
        opening = hours.next_opening(now)
        when = self.when(opening) if opening else "-"
        return self.staff("card_closed_now", when=when)

    def claim(self, case: Case, caseworker_id: int, name: str) -> Claim:
        if not self.cases.claim(case.id, caseworker_id, name):
            current = self.cases.get(case.id)
            return Claim(False, (current.claimed_by_name if current else None) or "", None)
        if case.claimed_by == caseworker_id:
            return Claim(True, name, None)
        replies = self.conversation.replies
        if self.show_name and name:
            text = replies.text(case.language, "caseworker_joined_named", name=name)
        else:
            text = replies.text(case.language, "caseworker_joined")
        return Claim(True, name, replies.say(case.language, text))

    def close(self, case: Case) -> list[Reply]:
        """Close the case; the resident is told and asked to rate the help."""
        if not self.cases.close(case.id):
            return []
        replies = self.conversation.replies
        language = case.language
        stars = tuple(
            Button(
                replies.text(language, "rating_star") * rating,
                payloads.encode(payloads.RATE, case.id, rating),
            )
            for rating in range(1, 6)
        )
        return [
            replies.say_key(language, "case_closed"),
            replies.say_key(language, "rate_question", tuple((star,) for star in stars)),
        ]

    def prepared(self, case: Case, key: str) -> list[Reply] | None:
        """A curated answer or a caseworker phrase, in the resident's language; None for an unknown key."""
        content = self.conversation.content
        replies = self.conversation.replies
        if key in content.phrases:
            return [replies.say(case.language, content.phrases[key][case.language])]
        if key in content.answers:
            return [replies.answer(case.language, content.answers[key], log_id=None)]
        return None

    def unknown_key(self, key: str) -> str:
        return self.staff("unknown_key", key=key, phrases=", ".join(self.conversation.content.phrases))

    def queue(self, now: datetime) -> str:
        cases = self.cases.queue()
        if not cases:
            return self.staff("queue_empty")
        lines = [self.staff("queue_title", count=str(len(cases)))]
        for case in cases:
            opened = datetime.fromisoformat(case.opened_at)
            minutes = int((now - opened).total_seconds() // 60)
            waiting = (
                self.staff("waiting_hours", hours=str(minutes // 60), minutes=f"{minutes % 60:02d}")
                if minutes >= 60
                else self.staff("waiting_minutes", minutes=str(minutes))
            )
            lines.append(
                self.staff(
                    "queue_line",
                    urgent=self.staff("reminder_urgent") if case.urgent else "",
                    number=case.number,
                    language=case.language.upper(),
                    waiting=waiting,
                    owner=case.claimed_by_name or self.staff("queue_unclaimed"),
                )
            )
        return "\n".join(lines)

    def waiting_too_long(self, now: datetime, minutes: int) -> list[Case]:
        """Unclaimed open cases older than `minutes` that the staff group was not reminded of yet."""
        return [
            case
            for case in self.cases.queue()
            if case.claimed_by is None
            and case.reminded_at is None
            and (now - datetime.fromisoformat(case.opened_at)).total_seconds() > minutes * 60
        ]
