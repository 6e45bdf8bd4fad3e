"""Cleans what a resident typed before it is understood: no control or direction characters, no zalgo."""

from __future__ import annotations

import unicodedata

MAX_UNDERSTOOD_CHARACTERS = 1000
MAX_MARKS_PER_LETTER = 2
# Directional embeddings, overrides and isolates change how text renders, never what it means.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def clean(text: str) -> str:
    """The text as the NLU should see it: normalised, printable, at most 1,000 characters."""
    kept: list[str] = []
    marks = 0
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if char in DIRECTION_CONTROLS or (category in ("Cc", "Cf") and char not in "\n\u200d"):
            continue
        if category == "Mn":
            marks += 1
            if marks > MAX_MARKS_PER_LETTER:
                continue
        else:
            marks = 0
        kept.append(char)
    return " ".join("".join(kept).split())[:MAX_UNDERSTOOD_CHARACTERS]


def has_words(text: str) -> bool:
    """True when the text holds at least one letter (not only emoji, digits or punctuation)."""
    return any(unicodedata.category(char).startswith("L") for char in text)
