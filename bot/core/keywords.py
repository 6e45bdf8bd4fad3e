"""When the NLU is down: find answers whose title or keywords share words with the message."""

from __future__ import annotations

import re

from bot.content import Content

WORD = re.compile(r"\w{4,}", re.UNICODE)


def words(text: str) -> set[str]:
    return {word.casefold() for word in WORD.findall(text)}


def keyword_matches(content: Content, text: str, limit: int = 3) -> list[str]:
    """Intents whose titles (in any language) or keywords share the most words with the text."""
    asked = words(text)
    scores = []
    for intent, answer in content.answers.items():
        vocabulary = set().union(
            *(words(t.title) for t in answer.texts.values()), *map(words, answer.keywords)
        )
        overlap = len(asked & vocabulary)
        if overlap:
            scores.append((overlap, intent))
    return [intent for _, intent in sorted(scores, key=lambda pair: (-pair[0], pair[1]))[:limit]]
