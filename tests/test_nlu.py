"""The real Rasa server, trained from nlu_data/, on the held-out split it never saw in training."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.nlu import RasaNlu
from bot.nlu.evaluation import LanguageScore, evaluate, held_out_examples, training_examples
from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.rasa

# A regression floor, below the current scores (README, "NLU quality").
# The quality target is 0.90 per language; it is reported by `make nlu-report`, not asserted here.
MIN_MACRO_F1 = 0.88
MIN_RIGHT_PER_INTENT = 0.5


@pytest.fixture(scope="module")
async def held_out_scores(rasa_url: str) -> dict[str, LanguageScore]:
    nlu = RasaNlu(rasa_url, timeout_seconds=5)
    try:
        return await evaluate(nlu, held_out_examples(PROJECT_ROOT / "nlu_data" / "tests"))
    finally:
        await nlu.close()


def test_the_held_out_split_is_never_used_for_training() -> None:
    training = {example.text.lower() for example in training_examples(PROJECT_ROOT / "nlu_data" / "data")}
    held_out = {example.text.lower() for example in held_out_examples(PROJECT_ROOT / "nlu_data" / "tests")}
    assert training and held_out and not training & held_out


def test_the_held_out_split_has_examples_of_every_intent_in_every_language() -> None:
    counts = Counter((e.intent, e.language) for e in held_out_examples(PROJECT_ROOT / "nlu_data" / "tests"))
    assert len({language for _, language in counts}) == 6
    assert min(counts.values()) >= 8


@pytest.mark.parametrize("language", ["nl", "en", "fr", "ar", "tr", "uk"])
def test_each_language_is_understood_on_unseen_examples(
    held_out_scores: dict[str, LanguageScore], language: str
) -> None:
    score = held_out_scores[language]
    misses = [f"{e.intent} -> {got}: {e.text}" for e, got in score.misses()]
    assert score.macro_f1 >= MIN_MACRO_F1, misses


@pytest.mark.parametrize("language", ["nl", "en", "fr", "ar", "tr", "uk"])
def test_each_intent_is_recognised_in_each_language(
    held_out_scores: dict[str, LanguageScore], language: str
) -> None:
    score = held_out_scores[language]
    for intent, (_, recall, _) in score.per_intent().items():
        assert recall >= MIN_RIGHT_PER_INTENT, (intent, language, recall)
