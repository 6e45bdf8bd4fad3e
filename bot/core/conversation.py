"""The conversation core: one incoming event in, the replies and what was understood out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.content import Content
from bot.core import payloads
from bot.core.answer_choice import OUT_OF_SCOPE, Shown, Thresholds, choose
from bot.core.handoff import URGENT_INTENTS, Handoff, now
from bot.core.incoming_flood import FloodGuard, Pace
from bot.core.keywords import keyword_matches
from bot.core.language import LanguageDetection, long_enough_to_switch
from bot.core.messages import Button, Incoming, Kind, Reply, Turn
from bot.core.replies import Replies
from bot.core.resident_privacy import Privacy
from bot.core.text import clean, has_words
from bot.core.urgent import UrgentFinding, urgent_check
from bot.nlu import Nlu, NluUnavailable
from bot.nlu.client import Understanding
from bot.storage import LoggedTurn, Resident, Storage
from bot.storage.cases import Case

log = logging.getLogger(__name__)

# The privacy notice comes with the first reply in the resident's language, not with the language picker.
NO_NOTICE_YET = frozenset({"command:start", "relayed", "forgotten", "flood"})
HUMAN_HANDOFF = "human_handoff"
# Answers that add nothing after the emergency help: it already gives the numbers, or it is no answer.
NOT_AFTER_URGENT = frozenset({"emergency", OUT_OF_SCOPE, HUMAN_HANDOFF})
# Signals of this language are checked in every message too: residents mix English words into theirs.
MIXED_IN_LANGUAGE = "en"


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

    async def _respond(self, resident: Resident, event: Incoming) -> Turn:
        case = self.handoff.cases.open_case_of(resident.id)
        if case is not None and event.kind in (Kind.TEXT, Kind.UNSUPPORTED):
            return self._relay(case, self._language(resident, event), event)
        if event.kind is Kind.COMMAND:
            turn = self._command(resident, event)
            if case is not None:
                leave = self.handoff.leave_button(self.replies, turn.language)
                turn.replies.append(self.replies.say_key(turn.language, "case_in_progress", (leave,)))
            return turn
        if event.kind is Kind.BUTTON:
            return self._button(resident, event)
        if event.kind is Kind.TEXT and event.text.strip():
            return await self._text(resident, event)
        language = self._language(resident, event)
        return Turn(
            [self.replies.menu(language, lead=self.replies.text(language, "text_only"))],
            language=language,
            outcome="unsupported",
        )

    def _relay(self, case: Case, language: str, event: Incoming) -> Turn:
        """Into the open case; a message in danger also gets the emergency help at once (signals only)."""
        turn = self.handoff.relay(case, language)
        finding = self.urgent.check(event.text, (language, MIXED_IN_LANGUAGE)) if event.text else None
        if finding is not None:
            turn.urgent_category = finding.category
            turn.replies = [self._first_help(language, finding)]
        return turn

    def _slow_down(self, event: Incoming, pace: Pace) -> Turn:
        """One polite warning to a flooding resident; the rest is not sent to the NLU."""
        language = self._language(self.storage.touch_resident(event.resident_id), event)
        replies = [self.replies.say_key(language, "slow_down")] if pace is Pace.WARN else []
        return Turn(replies, language=language, outcome="flood")

    def _language(self, resident: Resident, event: Incoming) -> str:
        """The resident's chosen language, else their app's language, else the first fallback."""
        if resident.language in self.content.languages:
            return resident.language
        client = (event.client_language or "").split("-")[0].lower()
        if client in self.content.languages:
            return client
        return self.content.greeting_fallback[0]

    def _supported_client_language(self, event: Incoming) -> str | None:
        client = (event.client_language or "").split("-")[0].lower()
        return client if client in self.content.languages else None

    def _command(self, resident: Resident, event: Incoming) -> Turn:
        language = self._language(resident, event)
        replies = self.replies
        if event.text == "start":
            greeting_language = resident.language or self._supported_client_language(event)
            reply = replies.language_picker(greeting_language, greet=True)
        elif event.text == "menu":
            reply = replies.menu(language)
        elif event.text == "language":
            reply = replies.language_picker(language, greet=False)
        elif event.text == "privacy":
            reply = self.privacy.notice(replies, language)
        elif event.text == "mydata":
            return self.privacy.my_data(replies, resident.id, language)
        elif event.text == "forget":
            return self.privacy.confirm_forget(replies, language)
        elif event.text == "help":
            reply = replies.menu(language, lead=replies.text(language, "help"))
        else:
            reply = replies.menu(language, lead=replies.text(language, "unknown_command"))
        return Turn([reply], language=language, outcome=f"command:{event.text}")

    def _button(self, resident: Resident, event: Incoming) -> Turn:
        language = self._language(resident, event)
        payload = payloads.decode(event.text)
        replies = self.replies
        if payload is None:
            return self._expired(language)
        action, args = payload.action, payload.args
        if action in (payloads.PICK_LANGUAGE, payloads.SWITCH_LANGUAGE):
            chosen = args[0]
            if chosen not in self.content.languages:
                return self._expired(language)
            self.storage.set_language(resident.id, chosen)
            name = self.content.language_name(chosen)
            confirmation = replies.say_key(chosen, "language_set", language=name)
            turn = Turn(
                [Reply(confirmation.text, replaces_pressed=True)], language=chosen, outcome="language"
            )
            if action == payloads.PICK_LANGUAGE:
                turn.replies.append(replies.menu(chosen, lead=replies.text(chosen, "welcome")))
            return turn
        if action == payloads.MENU:
            return Turn([replies.menu(language)], language=language, outcome="menu")
        if action == payloads.PRIVACY:
            return Turn([self.privacy.full_text(replies, language)], language=language, outcome="privacy")
        if action == payloads.FORGET and args[0] == "yes":
            return self.privacy.forget(replies, resident.id, language)
        if action == payloads.FORGET:
            return Turn([replies.say_key(language, "forget_cancelled")], language=language, outcome="kept")
        if action == payloads.HANDOFF:
            return self._handoff(resident, language, step=args[0], reason=args[1])
        if action == payloads.RATE:
            return self.handoff.rate(replies, resident.id, int(args[0]), int(args[1]), language)
        if action == payloads.TOPIC and args[0] == "person":
            return self._handoff(resident, language, step="offer", reason="asked")
        if action == payloads.TOPIC and args[0] in self.content.topics:
            entries = self.content.topics[args[0]]
            if len(entries) == 1 and entries[0].startswith(f"{payloads.FLOW}:"):
                topic_flow = self.content.flows[entries[0].partition(":")[2]]
                return self._flow_step(language, topic_flow.key, topic_flow.start)
            if len(entries) == 1:
                return self._answer_chosen(resident, language, entries[0])
            return Turn([replies.topic(language, args[0])], language=language, outcome="topic")
        if action == payloads.FLOW:
            flow = self.content.flows.get(args[0])
            if flow is not None and args[1] in flow.steps:
                return self._flow_step(language, flow.key, args[1])
        if action == payloads.ANSWER and args[0] in self.content.answers:
            return self._answer_chosen(resident, language, args[0])
        if action == payloads.FEEDBACK:
            value, log_id = args[0], int(args[1])
            if not self.storage.record_feedback(resident.id, log_id, value):
                return self._expired(language)
            if value == "up":
                reply = replies.say_key(language, "feedback_thanks")
            else:
                person = Button(
                    replies.text(language, "talk_to_person"),
                    payloads.encode(payloads.HANDOFF, "offer", "feedback"),
                )
                reply = replies.say_key(
                    language, "feedback_sorry", ((person,), replies.menu_button(language))
                )
            return Turn([reply], language=language, outcome=f"feedback:{value}")
        return self._expired(language)

    def _handoff(self, resident: Resident, language: str, step: str, reason: str) -> Turn:
        replies = self.replies
        if step == "offer":
            return Turn(
                [self.handoff.consent(replies, language, reason)], language=language, outcome="consent"
            )
        if step == "yes" and self.handoff.enabled:
            return self.handoff.accept(replies, resident.id, language, reason, self.clock())
        case = self.handoff.cases.open_case_of(resident.id)
        if step == "leave" and case is not None:
            return self.handoff.leave(replies, case, language)
        if step == "no":
            lead = replies.text(language, "handoff_declined")
            return Turn([replies.menu(language, lead=lead)], language=language, outcome="consent_declined")
        return self._expired(language)

    def _flow_step(self, language: str, flow_key: str, step: str) -> Turn:
        reply = self.replies.flow_step(language, self.content.flows[flow_key], step)
        return Turn([reply], language=language, answer_key=f"flow:{flow_key}:{step}", outcome="flow")

    def _expired(self, language: str) -> Turn:
        lead = self.replies.text(language, "expired_button")
        return Turn([self.replies.menu(language, lead=lead)], language=language, outcome="expired")

    def _answer_chosen(self, resident: Resident, language: str, intent: str) -> Turn:
        log_id = self.storage.log_turn(
            LoggedTurn(resident.id, "", language, None, intent, None, intent, "chosen")
        )
        answer = self.content.answers[intent]
        return Turn(
            [self.replies.answer(language, answer, log_id)],
            language=language,
            intent=intent,
            answer_key=intent,
            outcome="chosen",
        )

    async def _text(self, resident: Resident, event: Incoming) -> Turn:
        text = clean(event.text)
        language = self._language(resident, event)
        if not has_words(text):
            lead = self.replies.text(language, "not_understood")
            return Turn([self.replies.menu(language, lead)], language=language, outcome="no_words")
        detection = self.detector.detect(text)
        confident = detection.confidence >= self.thresholds.language_switch and long_enough_to_switch(text)
        detected = detection.language if confident else None
        switched = False
        if resident.language is None:
            language = detected or language
            self.storage.set_language(resident.id, language)
        elif detected and detected != language:
            language, switched = detected, True
        turn = Turn(language=language, detected_language=detection.language)
        understanding: Understanding | None = None
        try:
            understanding = await self.nlu.parse(text)
        except NluUnavailable as error:
            log.warning("NLU unavailable, answering from keywords: %s", error)
        signal_languages = {language, resident.language or language, MIXED_IN_LANGUAGE}
        if detection.language:
            signal_languages.add(detection.language)
        ranking = [(score.name, score.confidence) for score in understanding.ranking] if understanding else []
        finding = self.urgent.check(text, signal_languages, ranking)
        if finding is not None:
            turn = self._urgent(resident, text, turn, finding, understanding)
            if switched:
                turn.replies.append(self.replies.switch_offer(language))
            return turn
        if understanding is None:
            turn.outcome = "nlu_unavailable"
            self._log(resident, text, turn)
            turn.replies = [self._without_nlu(language, text)]
            return turn
        turn.intent, turn.confidence = understanding.intent, understanding.confidence
        answers = self.content.answers
        top = [(understanding.intent, understanding.confidence)] if understanding.intent else []
        choice = choose(ranking or top, answers, self.thresholds, language)
        if choice.intent is not None:
            intent = choice.intent
            flow = self.content.flow_starting_on(intent)
            turn.answer_key = f"flow:{flow.key}:{flow.start}" if flow else intent
            turn.outcome = "out_of_scope" if choice.shown is Shown.DECLINE else "answered"
            log_id = self._log(resident, text, turn)
            if intent == HUMAN_HANDOFF and self.handoff.enabled:
                turn.outcome = "consent"
                turn.replies = [self.handoff.consent(self.replies, language, "asked")]
            elif flow:
                turn.replies = [self.replies.flow_step(language, flow, flow.start)]
            else:
                turn.replies = [self.replies.answer(language, answers[intent], log_id)]
            if intent in URGENT_INTENTS and self.handoff.enabled:
                turn.replies.append(self.handoff.consent(self.replies, language, "urgent"))
        elif choice.suggestions:
            turn.outcome = "suggested"
            self._log(resident, text, turn)
            turn.replies = [self.replies.suggestions(language, list(choice.suggestions))]
        else:
            turn.outcome = "not_understood"
            failed_before = self._last_outcome(resident) == "not_understood"
            self._log(resident, text, turn)
            turn.replies = [self.replies.menu(language, self.replies.text(language, "not_understood"))]
            if failed_before and self.handoff.enabled:
                turn.replies.append(self.handoff.consent(self.replies, language, "not_understood"))
        if switched:
            turn.replies.append(self.replies.switch_offer(language))
        return turn

    def _urgent(
        self,
        resident: Resident,
        text: str,
        turn: Turn,
        finding: UrgentFinding,
        understanding: Understanding | None,
    ) -> Turn:
        """The emergency help first, then a person marked urgent, then the ordinary answer if one applies."""
        language = turn.language
        turn.outcome, turn.urgent_category = "urgent", finding.category
        if understanding is not None:
            turn.intent, turn.confidence = understanding.intent, understanding.confidence
        log_id = self._log(resident, text, turn)
        turn.replies = [self._first_help(language, finding)]
        if self.handoff.enabled:
            turn.replies.append(self.handoff.consent(self.replies, language, "urgent"))
        intent = understanding.intent if understanding else None
        answer = self.content.answers.get(intent or "")
        if (
            understanding is not None
            and answer is not None
            and intent not in NOT_AFTER_URGENT
            and understanding.confidence >= self.thresholds.answer_for(language)
            and self.content.flow_starting_on(answer.intent) is None
        ):
            turn.answer_key = answer.intent
            turn.replies.append(self.replies.answer(language, answer, log_id))
        return turn

    def _first_help(self, language: str, finding: UrgentFinding) -> Reply:
        """The category's help, the number in its first line; outside office hours, that nobody reads now."""
        urgent = self.content.urgent
        lines = [urgent.categories[finding.category].help[language]]
        hours = self.content.office_hours
        if not self.handoff.enabled or hours is None or not hours.is_open(self.clock()):
            lines.append(urgent.closed_note[language])
        return self.replies.say(language, "\n\n".join(lines))

    def _without_nlu(self, language: str, text: str) -> Reply:
        """The menu, and the answers whose titles or keywords match the message, as buttons."""
        lead = self.replies.text(language, "nlu_unavailable")
        matches = keyword_matches(self.content, text)
        if not matches:
            return self.replies.menu(language, lead)
        suggestions = self.replies.suggestions(language, matches)
        return self.replies.say(language, lead, suggestions.buttons)

    def _last_outcome(self, resident: Resident) -> str | None:
        turns = self.storage.recent_turns(resident.id, 1)
        return str(turns[0]["outcome"]) if turns else None

    def _log(self, resident: Resident, text: str, turn: Turn) -> int:
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
