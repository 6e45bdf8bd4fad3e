"""The field set (nlu_data/field/) and what residents would see: the outcomes and the threshold curve."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.core.answer_choice import Choice, Shown, Thresholds
from bot.nlu.evaluation import Example, held_out_examples, training_examples
from bot.nlu.resident_view import Outcome, Ranked, curve, out_of_scope_declined, outcome, shares
from bot.settings import PROJECT_ROOT

NLU = PROJECT_ROOT / "nlu_data"
GROUPS = {
    "housing": {"housing_rent", "housing_social", "housing_allowance", "housing_emergency"},
    "learning": {"dutch_course", "integration_course", "buddy_project"},
    "leisure": {"clubs_sport", "clubs_culture", "leisure_pass"},
    "papers": {"city_hall", "register_address", "id_documents", "residence_permit"},
    "work and school": {"work_jobs", "school_childcare"},
    "welfare and health": {"welfare_support", "health_care", "emergency"},
    "conversation": {"greet", "goodbye", "thank", "help", "human_handoff", "change_language"},
    "out of scope": {"out_of_scope"},
}
THRESHOLDS = Thresholds(answer=0.6, suggest=0.15, language_switch=0.8)
ANSWERABLE = {"housing_social", "housing_rent", "out_of_scope"}


def normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def test_the_field_set_is_never_used_for_training() -> None:
    training = {normalised(example.text) for example in training_examples(NLU / "data")}
    field = {normalised(example.text) for example in held_out_examples(NLU / "field")}
    assert training and field and not training & field


def test_the_field_set_has_twenty_questions_per_intent_group_and_language() -> None:
    group_of = {intent: group for group, intents in GROUPS.items() for intent in intents}
    counts = Counter((group_of[e.intent], e.language) for e in held_out_examples(NLU / "field"))
    assert {language for _, language in counts} == {"nl", "en", "fr", "ar", "tr", "uk"}
    assert len(counts) == len(GROUPS) * 6 and min(counts.values()) >= 20


@pytest.mark.parametrize(
    ("expected", "choice", "seen"),
    [
        ("housing_social", Choice(Shown.ANSWER, "housing_social"), Outcome.RIGHT),
        ("housing_social", Choice(Shown.ANSWER, "housing_rent"), Outcome.WRONG),
        (
            "housing_social",
            Choice(Shown.SUGGEST, suggestions=("housing_rent", "housing_social")),
            Outcome.SUGGESTED_RIGHT,
        ),
        ("housing_social", Choice(Shown.SUGGEST, suggestions=("housing_rent",)), Outcome.SUGGESTED_OTHER),
        ("housing_social", Choice(Shown.DECLINE, "out_of_scope"), Outcome.DECLINED),
        ("housing_social", Choice(Shown.NOT_UNDERSTOOD), Outcome.DECLINED),
        ("out_of_scope", Choice(Shown.DECLINE, "out_of_scope"), Outcome.RIGHT),
        ("out_of_scope", Choice(Shown.NOT_UNDERSTOOD), Outcome.RIGHT),
        ("out_of_scope", Choice(Shown.ANSWER, "housing_rent"), Outcome.WRONG),
        ("out_of_scope", Choice(Shown.SUGGEST, suggestions=("housing_rent",)), Outcome.SUGGESTED_OTHER),
    ],
)
def test_each_thing_a_resident_can_see_counts_as_one_outcome(
    expected: str, choice: Choice, seen: Outcome
) -> None:
    assert outcome(expected, choice) is seen


def ranked(text: str, intent: str, *ranking: tuple[str, float]) -> Ranked:
    return Ranked(Example(text, intent, "nl"), tuple(ranking))


def test_shares_and_the_curve_follow_the_answer_threshold() -> None:
    items = [
        ranked("a", "housing_social", ("housing_social", 0.9), ("housing_rent", 0.1)),
        ranked("b", "housing_social", ("housing_rent", 0.7), ("housing_social", 0.3)),
        ranked("c", "out_of_scope", ("housing_rent", 0.5), ("out_of_scope", 0.4)),
        ranked("d", "out_of_scope", ("out_of_scope", 0.8), ("housing_rent", 0.2)),
    ]
    share = shares(items, ANSWERABLE, THRESHOLDS)["nl"]
    assert share[Outcome.RIGHT] == 0.5 and share[Outcome.WRONG] == 0.25
    assert share[Outcome.SUGGESTED_OTHER] == 0.25  # "c": a suggestion instead of an honest decline
    assert out_of_scope_declined(items, ANSWERABLE, THRESHOLDS) == {"nl": 0.5}
    points = {
        step: (right, wrong) for step, right, wrong in curve(items, ANSWERABLE, THRESHOLDS, [0.4, 0.75])["nl"]
    }
    assert points[0.4] == (0.5, 0.5)  # "b" and "c" answered wrongly at a low threshold
    assert points[0.75] == (0.5, 0.0)
