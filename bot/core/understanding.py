"""Typed questions: clean the text, choose the reply language, ask the NLU, check for danger, answer."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.core.answer_choice import OUT_OF_SCOPE, Shown, choose
from bot.core.keywords import keyword_matches
from bot.core.language import long_enough_to_switch
from bot.core.messages import Incoming, Reply, Turn
from bot.core.text import clean, has_words
from bot.core.urgent import UrgentFinding
from bot.nlu import NluUnavailable
from bot.nlu.client import Understanding
from bot.storage import Resident

if TYPE_CHECKING:
    from bot.core.conversation import Conversation

log = logging.getLogger(__name__)

HUMAN_HANDOFF = "human_handoff"
# Answers that add nothing after the emergency help: it already gives the numbers, or it is no answer.
NOT_AFTER_URGENT = frozenset({"emergency", OUT_OF_SCOPE, HUMAN_HANDOFF})
# Signals of this language are checked in every message too: residents mix English words into theirs.
MIXED_IN_LANGUAGE = "en"


class TextAnswers:
    """What the assistant makes of a typed message; the conversation holds the content it serves."""

    def __init__(self, core: Conversation) -> None:
        self.core = core

    async def answer(self, resident: Resident, event: Incoming) -> Turn:
        core = self.core
        text = clean(event.text)
        if not has_words(text):
            language = core.language_of(resident, event).language
            lead = core.replies.text(language, "not_understood")
            return Turn([core.replies.menu(language, lead)], language=language, outcome="no_words")
        detection = core.detector.detect(text)
        sure = detection.confidence >= core.thresholds.language_switch and long_enough_to_switch(text)
        chosen = core.language_of(
            resident, event, message=True, written_in=detection.language if sure else None
        )
        language = chosen.language
        if chosen.remember:
            core.storage.set_language(resident.id, language)
        turn = Turn(language=language, detected_language=detection.language)
        understanding: Understanding | None = None
        try:
            understanding = await core.nlu.parse(text)
        except NluUnavailable as error:
            log.warning("NLU unavailable, answering from keywords: %s", error)
        signal_languages = {language, resident.language or language, MIXED_IN_LANGUAGE}
        if detection.language:
            signal_languages.add(detection.language)
        ranking = [(score.name, score.confidence) for score in understanding.ranking] if understanding else []
        finding = core.urgent.check(text, signal_languages, ranking)
        if finding is not None:
            turn = self.urgent(resident, text, turn, finding, understanding)
        elif understanding is None:
            turn.outcome = "nlu_unavailable"
            core.log(resident, text, turn)
            turn.replies = [self.without_nlu(language, text)]
        else:
            self.understood(resident, text, turn, understanding, ranking)
        if chosen.switched and turn.outcome != "nlu_unavailable":
            turn.replies.append(core.replies.switch_offer(language))
        return turn

    def understood(
        self,
        resident: Resident,
        text: str,
        turn: Turn,
        understanding: Understanding,
        ranking: list[tuple[str, float]],
    ) -> None:
        """The answer, a choice of answers, or an honest "I did not understand"."""
        core, replies, language = self.core, self.core.replies, turn.language
        turn.intent, turn.confidence = understanding.intent, understanding.confidence
        answers = core.content.answers
        top = [(understanding.intent, understanding.confidence)] if understanding.intent else []
        choice = choose(ranking or top, answers, core.thresholds, language)
        if choice.intent is not None:
            answer = answers[choice.intent]
            flow = core.content.flow_starting_on(answer.intent)
            turn.answer_key = f"flow:{flow.key}:{flow.start}" if flow else answer.intent
            turn.outcome = "out_of_scope" if choice.shown is Shown.DECLINE else "answered"
            log_id = core.log(resident, text, turn)
            if answer.intent == HUMAN_HANDOFF and core.handoff.enabled:
                turn.outcome = "consent"
                turn.replies = [core.handoff.consent(replies, language, "asked")]
            elif flow:
                turn.replies = [replies.flow_step(language, flow, flow.start)]
            else:
                turn.replies = [replies.answer(language, answer, log_id)]
            if answer.urgent and core.handoff.enabled:
                turn.replies.append(core.handoff.consent(replies, language, "urgent"))
        elif choice.suggestions:
            turn.outcome = "suggested"
            core.log(resident, text, turn)
            turn.replies = [replies.suggestions(language, list(choice.suggestions))]
        else:
            turn.outcome = "not_understood"
            failed_before = self.last_outcome(resident) == "not_understood"
            core.log(resident, text, turn)
            turn.replies = [replies.menu(language, replies.text(language, "not_understood"))]
            if failed_before and core.handoff.enabled:
                turn.replies.append(core.handoff.consent(replies, language, "not_understood"))

    def urgent(
        self,
        resident: Resident,
        text: str,
        turn: Turn,
        finding: UrgentFinding,
        understanding: Understanding | None,
    ) -> Turn:
        """The emergency help first, then a person marked urgent, then the ordinary answer if one applies."""
        core, language = self.core, turn.language
        turn.outcome, turn.urgent_category = "urgent", finding.category
        if understanding is not None:
            turn.intent, turn.confidence = understanding.intent, understanding.confidence
        log_id = core.log(resident, text, turn)
        turn.replies = [core.first_help(language, finding)]
        if core.handoff.enabled:
            turn.replies.append(core.handoff.consent(core.replies, language, "urgent"))
        intent = understanding.intent if understanding else None
        answer = core.content.answers.get(intent or "")
        if (
            understanding is not None
            and answer is not None
            and intent not in NOT_AFTER_URGENT
            and understanding.confidence >= core.thresholds.answer_for(language)
            and core.content.flow_starting_on(answer.intent) is None
        ):
            turn.answer_key = answer.intent
            turn.replies.append(core.replies.answer(language, answer, log_id))
        return turn

    def without_nlu(self, language: str, text: str) -> Reply:
        """The menu, and the answers whose titles or keywords match the message, as buttons."""
        replies = self.core.replies
        lead = replies.text(language, "nlu_unavailable")
        matches = keyword_matches(self.core.content, text)
        if not matches:
            return replies.menu(language, lead)
        suggestions = replies.suggestions(language, matches)
        return replies.say(language, lead, suggestions.buttons)

    def last_outcome(self, resident: Resident) -> str | None:
        turns = self.core.storage.recent_turns(resident.id, 1)
        return str(turns[0]["outcome"]) if turns else None
