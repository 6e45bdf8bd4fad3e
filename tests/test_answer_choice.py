"""The rule for what a resident is shown: answer, honest decline, suggestions, or "not understood"."""

from __future__ import annotations

from bot.core.answer_choice import Choice, Shown, Thresholds, choose

THRESHOLDS = Thresholds(answer=0.8, suggest=0.15, language_switch=0.8, answer_by_language={"ar": 0.7})
ANSWERABLE = {"housing_social", "housing_rent", "dutch_course", "thank", "out_of_scope"}


def test_a_sure_top_intent_is_answered() -> None:
    assert choose([("housing_social", 0.85)], ANSWERABLE, THRESHOLDS, "nl") == Choice(
        Shown.ANSWER, "housing_social"
    )


def test_a_language_can_have_its_own_answer_threshold() -> None:
    ranking = [("housing_social", 0.75), ("housing_rent", 0.2)]
    assert choose(ranking, ANSWERABLE, THRESHOLDS, "ar").shown is Shown.ANSWER
    assert choose(ranking, ANSWERABLE, THRESHOLDS, "nl").shown is Shown.SUGGEST


def test_unsure_gives_up_to_three_plausible_topics_never_out_of_scope() -> None:
    ranking = [("housing_social", 0.4), ("housing_rent", 0.3), ("out_of_scope", 0.2), ("dutch_course", 0.16)]
    choice = choose(ranking, ANSWERABLE, THRESHOLDS, "nl")
    assert choice == Choice(Shown.SUGGEST, suggestions=("housing_social", "housing_rent", "dutch_course"))


def test_when_out_of_scope_leads_the_request_is_declined_even_unsure() -> None:
    ranking = [("out_of_scope", 0.35), ("housing_rent", 0.3), ("dutch_course", 0.2)]
    assert choose(ranking, ANSWERABLE, THRESHOLDS, "nl") == Choice(Shown.DECLINE, "out_of_scope")


def test_nothing_plausible_is_not_understood() -> None:
    assert choose([("housing_rent", 0.1)], ANSWERABLE, THRESHOLDS, "nl") == Choice(Shown.NOT_UNDERSTOOD)
    assert choose([], ANSWERABLE, THRESHOLDS, "nl") == Choice(Shown.NOT_UNDERSTOOD)


def test_an_intent_without_an_answer_is_never_offered() -> None:
    assert (
        choose([("weather", 0.95), ("thank", 0.02)], ANSWERABLE, THRESHOLDS, "nl").shown
        is Shown.NOT_UNDERSTOOD
    )
