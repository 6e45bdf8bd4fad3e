"""One message through the whole pipeline, for staff checking answers (nothing is stored)."""

from __future__ import annotations

import json

from bot.core.messages import Incoming, Turn
from bot.services import open_services
from bot.settings import Settings
from bot.terminal import render

ASKING_RESIDENT_ID = 1


async def ask(settings: Settings, text: str, language: str | None) -> Turn:
    """What a resident who chose `language` (if given) would get for `text`."""
    services = open_services(settings.model_copy(update={"database_path": ":memory:"}), handoff_enabled=False)
    try:
        services.storage.touch_resident(ASKING_RESIDENT_ID)
        if language:
            services.storage.set_language(ASKING_RESIDENT_ID, language)
        return await services.conversation.handle(Incoming.message(ASKING_RESIDENT_ID, text, language))
    finally:
        await services.close()


def as_json(turn: Turn) -> str:
    return json.dumps(
        {
            "language": turn.language,
            "detected_language": turn.detected_language,
            "intent": turn.intent,
            "confidence": turn.confidence,
            "answer_key": turn.answer_key,
            "outcome": turn.outcome,
            "urgent_category": turn.urgent_category,
            "replies": [reply.text for reply in turn.replies if reply.text],
        },
        ensure_ascii=False,
        indent=2,
    )


def as_text(turn: Turn) -> str:
    return render(turn)[0]
