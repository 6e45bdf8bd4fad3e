"""Which language the assistant answers in: the one place that decides it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class ReplyLanguage:
    language: str
    remember: bool = False  # the resident had no language yet: this one becomes theirs
    switched: bool = False  # this message is clearly in another language: answer in it, offer to switch


def client_language(app_language: str | None, languages: Collection[str]) -> str | None:
    """The chat app's language ("fr-BE" → "fr"), when the assistant speaks it."""
    code = (app_language or "").split("-")[0].lower()
    return code if code in languages else None


def reply_language(
    chosen: str | None,
    app_language: str | None,
    languages: Collection[str],
    fallback: str,
    *,
    message: bool = False,
    written_in: str | None = None,
) -> ReplyLanguage:
    """The resident's chosen language, else their app's, else the fallback.

    For a typed `message`: a resident without a language gets the one it is clearly `written_in`
    (else the usual one) as theirs; a resident with one is answered in the message's language when it
    is clearly another."""
    clear = written_in if message and written_in in languages else None
    if chosen is not None and chosen in languages:
        if clear is not None and clear != chosen:
            return ReplyLanguage(clear, switched=True)
        return ReplyLanguage(chosen)
    usual = client_language(app_language, languages) or fallback
    return ReplyLanguage(clear or usual, remember=message)
