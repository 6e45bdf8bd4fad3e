"""The conversation core: one incoming event in, the replies and what was understood out.

Commands and buttons go to `routing.Routes`, typed questions to `understanding.TextAnswers`; this class
holds what both serve from (content, storage, NLU, handoff) and what every event goes through (the
flood guard, an open case, the privacy notice)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.clock import now
from bot.content import Content
from bot.core.answer_choice import Thresholds
from bot.core.handoff import Handoff
from bot.core.incoming_flood import FloodGuard, Pace
from bot.core.language import LanguageDetection
from bot.core.messages import Incoming, Kind, Reply, Turn
from bot.core.replies import Replies
from bot.core.reply_language import ReplyLanguage, reply_language
from bot.core.resident_privacy import Privacy
from bot.core.routing import Routes
from bot.core.understanding import MIXED_IN_LANGUAGE, TextAnswers
from bot.core.urgent import UrgentFinding, urgent_check
from bot.nlu import Nlu
from bot.storage import Case, LoggedTurn, Resident, Storage

# The privacy notice comes with the first reply in the resident's language, not with the language picker.
NO_NOTICE_YET = frozenset({"command:start", "relayed", "forgotten", "flood"})


class Conversation:
    """Answers residents from curated content; knows nothing of the chat platform."""

    def __init__(
        self,
        content: Content,
        storage: Storage,
        nlu: Nlu,
        detector: LanguageDetection,
        thresholds: Thresholds,
        handoff: Handoff,
        privacy: Privacy,
        clock: Callable[[], datetime] = now,
        known_words: frozenset[str] = frozenset(),
    ) -> None:
        self.storage = storage
        self.nlu = nlu
        self.detector = detector
        self.thresholds = thresholds
        self.handoff = handoff
        self.privacy = privacy
        self.clock = clock
        self.flood = FloodGuard()
        self.known_words = known_words
        self.routes = Routes(self)
        self.text_answers = TextAnswers(self)
        self.use_content(content)

    def use_content(self, content: Content) -> None:
        """Serve from now on with this content (for example after staff edited it)."""
        self.content = content
        self.replies = Replies(content)
        self.urgent = urgent_check(content, self.known_words)

    async def handle(self, event: Incoming) -> Turn:
        if event.kind in (Kind.TEXT, Kind.UNSUPPORTED):
            pace = self.flood.pace(event.resident_id, self.clock().timestamp())
            if pace is not Pace.OK:
                return self._slow_down(event, pace)
        resident = self.storage.touch_resident(event.resident_id)
        turn = await self._respond(resident, event)
        notice_due = turn.outcome not in NO_NOTICE_YET and self.storage.privacy_notice_due(resident.id)
        if notice_due and turn.outcome != "command:privacy":
            turn.replies.append(self.privacy.notice(self.replies, turn.language))
        return turn

    def language_of(
        self, resident: Resident, event: Incoming, *, message: bool = False, written_in: str | None = None
    ) -> ReplyLanguage:
        """The language of the reply (see `reply_language`)."""
        return reply_language(
            resident.language,
            event.client_language,
            self.content.languages,
            self.content.greeting_fallback[0],
            message=message,
            written_in=written_in,
        )

    async def _respond(self, resident: Resident, event: Incoming) -> Turn:
        language = self.language_of(resident, event).language
        case = self.handoff.cases.open_case_of(resident.id)
        if case is not None and event.kind in (Kind.TEXT, Kind.UNSUPPORTED):
            return self._relay(case, language, event)
        if event.kind is Kind.COMMAND:
            turn = self.routes.command(resident, event, language)
            if case is not None:
                leave = self.handoff.leave_button(self.replies, turn.language)
                turn.replies.append(self.replies.say_key(turn.language, "case_in_progress", (leave,)))
            return turn
        if event.kind is Kind.BUTTON:
            return self.routes.press(resident, event, language)
        if event.kind is Kind.TEXT and event.text.strip():
            return await self.text_answers.answer(resident, event)
        lead = self.replies.text(language, "text_only")
        return Turn([self.replies.menu(language, lead=lead)], language=language, outcome="unsupported")

    def _relay(self, case: Case, language: str, event: Incoming) -> Turn:
        """Into the open case; a message in danger also gets the emergency help at once (signals only)."""
        turn = self.handoff.relay(case, language)
        finding = self.urgent.check(event.text, (language, MIXED_IN_LANGUAGE)) if event.text else None
        if finding is not None:
            turn.urgent_category = finding.category
            turn.replies = [self.first_help(language, finding)]
        return turn

    def _slow_down(self, event: Incoming, pace: Pace) -> Turn:
        """One polite warning to a flooding resident; the rest is not sent to the NLU."""
        language = self.language_of(self.storage.touch_resident(event.resident_id), event).language
        replies = [self.replies.say_key(language, "slow_down")] if pace is Pace.WARN else []
        return Turn(replies, language=language, outcome="flood")

    def first_help(self, language: str, finding: UrgentFinding) -> Reply:
        """The category's help, the number in its first line; outside office hours, that nobody reads now."""
        urgent = self.content.urgent
        lines = [urgent.categories[finding.category].help[language]]
        hours = self.content.office_hours
        if not self.handoff.enabled or hours is None or not hours.is_open(self.clock()):
            lines.append(urgent.closed_note[language])
        return self.replies.say(language, "\n\n".join(lines))

    def log_choice(self, resident: Resident, language: str, intent: str) -> int:
        """An answer the resident picked by button: logged as chosen, with no text of theirs."""
        return self.storage.log_turn(
            LoggedTurn(resident.id, "", language, None, intent, None, intent, "chosen")
        )

    def log(self, resident: Resident, text: str, turn: Turn) -> int:
        return self.storage.log_turn(
            LoggedTurn(
                resident_id=resident.id,
                text=text,
                language=turn.language,
                detected_language=turn.detected_language,
                intent=turn.intent,
                confidence=turn.confidence,
                answer_key=turn.answer_key,
                outcome=turn.outcome,
                urgent_category=turn.urgent_category,
            )
        )
