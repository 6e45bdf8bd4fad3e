"""Which supported language a message is written in, using the lingua detector."""

from __future__ import annotations

from dataclasses import dataclass

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# A name, an acronym or one English word inside another language ("OCMW randevu", "Appointment")
# is detected with high confidence but says nothing about the language a resident reads.
MIN_WORDS_TO_SWITCH = 3
MIN_LETTERS_TO_SWITCH = 12


def long_enough_to_switch(text: str) -> bool:
    """True when a message is long enough for its detected language to choose or change the language."""
    words = [word for word in text.split() if any(char.isalpha() for char in word)]
    return len(words) >= MIN_WORDS_TO_SWITCH and sum(char.isalpha() for char in text) >= MIN_LETTERS_TO_SWITCH


@dataclass(frozen=True)
class Detection:
    language: str | None
    confidence: float


class LanguageDetection:
    """Detects the language of a message among the supported languages only.

    Low-accuracy mode keeps the detector at ~20 MB instead of ~220 MB; a short or ambiguous
    message then gets a low confidence, and the caller only acts on confident detections.
    """

    def __init__(self, languages: tuple[str, ...]) -> None:
        codes = [IsoCode639_1.from_str(code) for code in languages]
        self._detector: LanguageDetector = (
            LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
            .with_low_accuracy_mode()
            .with_preloaded_language_models()
            .build()
        )

    def detect(self, text: str) -> Detection:
        values = self._detector.compute_language_confidence_values(text)
        if not values or values[0].value <= 0:
            return Detection(None, 0.0)
        best = values[0]
        return Detection(_code(best.language), float(best.value))


def _code(language: Language) -> str:
    return language.iso_code_639_1.name.lower()
