"""The urgent-message check: a message's danger signals and the NLU ranking in, an urgent category out.

It runs on every text message before the ordinary answer logic, and with signals alone when the NLU is
down. Signals are matched on normalised words (see `normalise`) so that a resident's spelling, script
variants and small typos still match what staff wrote in content/urgent/signals/.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.content.model import Content
from bot.content.urgent import CALM, Signal, UrgentContent

MAX_GAP = 3  # words that may stand between two words of a signal ("my son is still missing")
# A whole word this long also matches with one letter wrong, missing, extra or swapped; in a phrase of
# several words, where the other words make a typo safe, so do words and stems from this length. A lone
# stem never does: its open end made "помаранчева" a typo of "помира*" and "yapiyor" one of "yaniyor".
FUZZY_MIN = 6
PHRASE_FUZZY_MIN = 5
NO_FUZZ = 1000
CACHE_LIMIT = 20_000
WORD = re.compile(r"\w+")
APOSTROPHES = re.compile(r"n['’ʼ]t\b")
CYRILLIC_APOSTROPHE = re.compile(r"(?<=[\u0400-\u04ff])['’ʼ](?=[\u0400-\u04ff])")
# Letters that residents write interchangeably, folded to one: Turkish dotless i, Arabic teh marbuta,
# alef maksura, Persian yeh and keheh, alef wasla and tatweel; Ukrainian and Russian letter pairs.
LETTER_VARIANTS = str.maketrans(
    {
        "ı": "i",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",
        "ک": "ك",
        "ٱ": "ا",
        "ـ": None,
        "і": "и",
        "ї": "и",
        "й": "и",
        "ы": "и",
        "є": "е",
        "ё": "е",
        "э": "е",
        "ґ": "г",
        "ь": None,
        "ъ": None,
        "'": " ",
        "’": " ",
        "ʼ": " ",
    }
)
# Arabic writes "and", "with", "for", "the" as part of the next word: بالسكين is "with the knife".
ARABIC_PROCLITICS = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل")


def normalise(text: str) -> str:
    """Casefolded, without accents, diacritics or tashkeel (hamza forms become their bare letter)."""
    folded = CYRILLIC_APOSTROPHE.sub("", APOSTROPHES.sub("nt", text.casefold()))
    bare = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return bare.translate(LETTER_VARIANTS)


def words(text: str) -> list[str]:
    return WORD.findall(normalise(text))


def word_forms(word: str) -> tuple[str, ...]:
    """The word, and for Arabic also the word without the particles written in front of it."""
    if not ("\u0600" <= word[:1] <= "\u06ff"):
        return (word,)
    forms = [word]
    for particle in ARABIC_PROCLITICS:
        if word.startswith(particle) and len(word) - len(particle) >= 2:
            forms.append(word[len(particle) :])
    return tuple(dict.fromkeys(forms))


def _arabic(word: str) -> bool:
    """Arabic words get no typo tolerance: one letter apart is often another word (انتظار, انتحار)."""
    return "\u0600" <= word[:1] <= "\u06ff"


def near(text: str, stem: str) -> bool:
    """One substitution, insertion, deletion or swap of neighbours apart (or equal)."""
    if text == stem:
        return True
    a, b = (text, stem) if len(text) <= len(stem) else (stem, text)
    if len(b) - len(a) > 1:
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (
            a[i + 1 : i + 2] == b[i : i + 1] and a[i] == b[i + 1] and a[i + 2 :] == b[i + 2 :]
        )
    return a[i:] == b[i + 1 :]


@dataclass(frozen=True)
class _Stem:
    text: str
    prefix: bool
    fuzzy_min: int = FUZZY_MIN

    def matches(self, form: str, fuzzy: bool) -> bool:
        if self.prefix:
            if form.startswith(self.text):
                return True
            n = len(self.text)
            return (
                fuzzy
                and n >= self.fuzzy_min
                and form[:1] == self.text[:1]
                and any(near(form[:length], self.text) for length in (n - 1, n, n + 1) if length <= len(form))
            )
        return form == self.text or (
            fuzzy and len(self.text) >= self.fuzzy_min and form[:1] == self.text[:1] and near(form, self.text)
        )


@dataclass(frozen=True)
class _Pattern:
    signal: Signal
    words: tuple[tuple[_Stem, ...], ...]

    @property
    def calm(self) -> bool:
        return self.signal.category == CALM


def _compile(signal: Signal) -> _Pattern:
    compiled = []
    phrase = signal.text.split()
    for word in phrase:
        stems = []
        for alternative in word.split("|"):
            prefix = alternative.endswith("*")
            fuzzy_min = PHRASE_FUZZY_MIN if len(phrase) > 1 else NO_FUZZ if prefix else FUZZY_MIN
            for part in words(alternative.rstrip("*")):
                stems.append(_Stem(part, prefix, fuzzy_min))
        compiled.append(tuple(stems))
    return _Pattern(signal, tuple(compiled))


@dataclass(frozen=True)
class Hit:
    pattern: _Pattern
    positions: tuple[int, ...]


@dataclass(frozen=True)
class UrgentFinding:
    """Why a message is urgent: the category, and the signal or the NLU score that found it."""

    category: str
    signal: str | None = None
    nlu_intent: str | None = None
    nlu_score: float | None = None


class DangerSignals:
    """All danger and calm signals, indexed by their first word for a lookup per word of the message."""

    def __init__(self, signals: Iterable[Signal], known_words: frozenset[str] = frozenset()) -> None:
        self.known_words = known_words
        self.patterns = [_compile(signal) for signal in signals]
        self.exact: dict[str, list[_Pattern]] = {}
        self.prefix: dict[str, list[_Pattern]] = {}
        self.fuzzy: dict[str, list[_Pattern]] = {}
        for pattern in self.patterns:
            for stem in pattern.words[0]:
                table = self.prefix if stem.prefix else self.exact
                table.setdefault(stem.text, []).append(pattern)
                if len(stem.text) >= stem.fuzzy_min:
                    for key in _deletions(stem.text):
                        self.fuzzy.setdefault(key, []).append(pattern)
        self.prefix_lengths = sorted({len(stem) for stem in self.prefix})
        self._cache: dict[str, tuple[_Pattern, ...]] = {}

    def _starting_at(self, form: str) -> tuple[_Pattern, ...]:
        """The patterns whose first word may match this word form (checked again by `_Stem.matches`)."""
        cached = self._cache.get(form)
        if cached is not None:
            return cached
        found = list(self.exact.get(form, ()))
        for length in self.prefix_lengths:
            if length > len(form):
                break
            found += self.prefix.get(form[:length], ())
        if len(form) >= PHRASE_FUZZY_MIN - 1 and form not in self.known_words and not _arabic(form):
            for length in range(PHRASE_FUZZY_MIN - 1, len(form) + 1):
                for key in _deletions(form[:length]):
                    found += self.fuzzy.get(key, ())
        result = tuple(dict.fromkeys(found))
        if len(self._cache) < CACHE_LIMIT:
            self._cache[form] = result
        return result

    def hits(self, text: str, languages: Iterable[str]) -> list[Hit]:
        wanted = set(languages)
        message = words(text)
        forms = [word_forms(word) for word in message]
        fuzzy = [word not in self.known_words and not _arabic(word) for word in message]
        found = []
        for start, start_forms in enumerate(forms):
            candidates = {p for form in start_forms for p in self._starting_at(form)}
            for pattern in candidates:
                if pattern.signal.language not in wanted:
                    continue
                positions = _follow(pattern, forms, fuzzy, start)
                if positions is not None:
                    found.append(Hit(pattern, positions))
        return found

    def category(self, text: str, languages: Iterable[str], order: Sequence[str]) -> tuple[Hit | None, bool]:
        """The winning danger hit (first category in `order`), after calm phrases took their words out;
        and whether a calm phrase was found at all."""
        all_hits = self.hits(text, languages)
        calm = {position for hit in all_hits if hit.pattern.calm for position in hit.positions}
        danger = [hit for hit in all_hits if not hit.pattern.calm and not calm.intersection(hit.positions)]
        rank = {category: index for index, category in enumerate(order)}
        winner = min(danger, key=lambda hit: rank.get(hit.pattern.signal.category, len(rank)), default=None)
        return winner, bool(calm)


def _follow(
    pattern: _Pattern, forms: list[tuple[str, ...]], fuzzy: list[bool], start: int
) -> tuple[int, ...] | None:
    if not any(stem.matches(form, fuzzy[start]) for stem in pattern.words[0] for form in forms[start]):
        return None
    positions = [start]
    for stems in pattern.words[1:]:
        last = positions[-1]
        nxt = next(
            (
                index
                for index in range(last + 1, min(last + 2 + MAX_GAP, len(forms)))
                if any(stem.matches(form, fuzzy[index]) for stem in stems for form in forms[index])
            ),
            None,
        )
        if nxt is None:
            return None
        positions.append(nxt)
    return tuple(positions)


def _deletions(text: str) -> tuple[str, ...]:
    return (text, *(text[:i] + text[i + 1 :] for i in range(len(text))))


class UrgentCheck:
    """Decides whether a message is urgent, and in which category, from signals and the NLU ranking."""

    def __init__(self, content: UrgentContent, known_words: frozenset[str] = frozenset()) -> None:
        self.content = content
        self.signals = DangerSignals(content.signals, known_words)
        self.order = tuple(content.categories)

    def check(
        self,
        text: str,
        languages: Iterable[str],
        ranking: Sequence[tuple[str, float]] = (),
    ) -> UrgentFinding | None:
        """The urgent finding for a message in any of `languages`; `ranking` is empty when the NLU is down."""
        hit, calm = self.signals.category(text, languages, self.order)
        if hit is not None:
            return UrgentFinding(hit.pattern.signal.category, signal=hit.pattern.signal.text)
        if calm:
            # A calm phrase and no danger word: "what is the emergency number", "fire safety course".
            return None
        scores = dict(ranking)
        for rule in self.content.nlu:
            score = scores.get(rule.intent, 0.0)
            if score >= rule.threshold:
                return UrgentFinding(rule.category, nlu_intent=rule.intent, nlu_score=score)
        return None


def known_words(texts: Iterable[str]) -> frozenset[str]:
    """Real words, never read as a typo of a danger word ("adresse" is not a misspelt "agress*",
    "violin" not "violen*"): the words of the residents' example questions the NLU is trained on."""
    return frozenset(word for text in texts for word in words(text))


def urgent_check(content: Content, known: frozenset[str] = frozenset()) -> UrgentCheck:
    """The check for this content; the words the assistant itself writes are known words too."""
    texts = [text for table in content.ui.values() for text in table.values()]
    for answer in content.answers.values():
        texts += [f"{text.title} {text.body}" for text in answer.texts.values()]
    return UrgentCheck(content.urgent, known | known_words(texts))
