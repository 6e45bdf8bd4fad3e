"""The same assistant with one part set differently, as the settings or the clock would set it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core.answer_choice import Thresholds
from bot.core.conversation import Conversation
from bot.nlu import Nlu


def variant(
    conversation: Conversation,
    *,
    thresholds: Thresholds | None = None,
    clock: Callable[[], datetime] | None = None,
    nlu: Nlu | None = None,
) -> Conversation:
    return Conversation(
        conversation.content,
        conversation.storage,
        nlu or conversation.nlu,
        conversation.detector,
        thresholds or conversation.thresholds,
        conversation.handoff,
        conversation.privacy,
        clock=clock or conversation.clock,
        known_words=conversation.known_words,
    )
