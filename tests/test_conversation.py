"""The conversation core with the real content, a real SQLite file and the real Rasa server."""

from __future__ import annotations

import pytest

from bot.content import Content
from bot.core.bidi import LEFT_TO_RIGHT_ISOLATE, POP_DIRECTIONAL_ISOLATE, RIGHT_TO_LEFT_MARK, right_to_left
from bot.core.conversation import Conversation, Thresholds
from bot.nlu import RasaNlu
from bot.storage import Storage
from tests.auxil.acceptance import ACCEPTANCE
from tests.auxil.core_resident import CoreResident
from tests.auxil.variants import variant

pytestmark = pytest.mark.rasa


@pytest.mark.parametrize(("question", "language", "intent"), ACCEPTANCE)
async def test_a_new_resident_gets_the_curated_answer_in_the_language_they_wrote(
    conversation: Conversation, content: Content, question: str, language: str, intent: str
) -> None:
    resident = CoreResident(conversation, client_language=None)
    turn = await resident.says(question)
    assert (turn.intent, turn.language, turn.outcome) == (intent, language, "answered")
    answer = content.answers[intent].texts[language]
    assert (
        turn.replies[0].title.strip(RIGHT_TO_LEFT_MARK) == answer.title
        or answer.title in turn.replies[0].title
    )
    assert "👍" in resident.labels() and "👎" in resident.labels()


async def test_the_answer_carries_the_address_a_map_button_and_where_to_check_hours(
    conversation: Conversation, content: Content
) -> None:
    resident = CoreResident(conversation, client_language="en")
    turn = await resident.says("where is the city hall of Mechelen")
    assert turn.intent == "city_hall"
    answer = turn.replies[0]
    assert not any(reply.title for reply in turn.replies[1:])  # one message; after it only the privacy notice
    assert "Reuzenstraat 1, 2800 Mechelen" in answer.text
    assert content.text("en", "hours_unknown") in answer.text
    urls = {button.label: button.url for row in answer.buttons for button in row}
    place = content.answers["city_hall"].place
    assert place is not None
    assert urls[content.text("en", "open_map")].endswith(f"query={place.latitude:.6f},{place.longitude:.6f}")
    assert "https://www.mechelen.be" in urls.values()


async def test_a_greeting_is_one_message_with_the_topics_and_a_language_change_one_with_the_languages(
    conversation: Conversation, content: Content
) -> None:
    resident = CoreResident(conversation, client_language="en")
    await resident.says("/menu")
    turn = await resident.says("hello there")
    assert turn.intent == "greet" and len(turn.replies) == 1
    assert turn.replies[0].text.startswith(content.answers["greet"].texts["en"].body.strip()[:30])
    assert content.text("en", "topic.housing") in resident.labels()
    turn = await resident.says("can you talk to me in another language")
    assert turn.intent == "change_language" and len(turn.replies) == 1
    assert {"Nederlands", "العربية", "Українська"} <= set(resident.labels())


async def test_start_greets_in_the_app_language_and_offers_every_language(
    conversation: Conversation, content: Content
) -> None:
    resident = CoreResident(conversation, client_language="tr")
    await resident.says("/start")
    assert content.text("tr", "greeting") in resident.last_text()
    assert resident.labels() == ["Nederlands", "English", "Français", "العربية", "Türkçe", "Українська"]


async def test_start_in_an_unsupported_app_language_greets_in_dutch_and_english(
    conversation: Conversation, content: Content
) -> None:
    resident = CoreResident(conversation, client_language="pt-BR")
    await resident.says("/start")
    text = resident.last_text()
    assert content.text("nl", "choose_language") in text and content.text("en", "choose_language") in text


async def test_picking_a_language_stores_it_and_shows_the_welcome_and_menu(
    conversation: Conversation, content: Content, storage: Storage
) -> None:
    resident = CoreResident(conversation, client_language="en")
    await resident.says("/start")
    turn = await resident.presses("Українська")
    assert storage.resident(resident.id).language == "uk"
    assert turn.replies[0].replaces_pressed
    assert content.text("uk", "welcome") in resident.last_text()
    assert content.text("uk", "topic.housing") in resident.labels()


async def test_the_menu_leads_through_a_guided_flow_to_an_answer(
    conversation: Conversation, content: Content
) -> None:
    housing = content.flows["housing"]
    resident = CoreResident(conversation, client_language="fr")
    await resident.says("/menu")
    await resident.presses(content.text("fr", "topic.housing"))
    assert housing.steps[housing.start].texts["fr"] in resident.last_text()
    private = next(o for o in housing.steps[housing.start].options if o.target == "step:private")
    await resident.presses(private.labels["fr"])
    first_option = housing.steps["private"].options[0]
    turn = await resident.presses(first_option.labels["fr"])
    assert turn.answer_key == first_option.target.removeprefix("answer:") and turn.language == "fr"


async def test_a_menu_topic_with_answers_lists_them(conversation: Conversation, content: Content) -> None:
    resident = CoreResident(conversation, client_language="tr")
    await resident.says("/menu")
    await resident.presses(content.text("tr", "topic.services"))
    assert content.answers["id_documents"].texts["tr"].title in resident.labels()
    turn = await resident.presses(content.answers["id_documents"].texts["tr"].title)
    assert turn.answer_key == "id_documents"


async def test_a_residence_question_starts_the_residence_flow(
    conversation: Conversation, content: Content
) -> None:
    resident = CoreResident(conversation, client_language="en")
    turn = await resident.says("how do I extend my residence card")
    residence = content.flows["residence"]
    assert turn.intent == "residence_permit" and turn.answer_key == f"flow:residence:{residence.start}"
    assert residence.steps[residence.start].texts["en"] in resident.last_text()


async def test_the_person_button_asks_consent_before_anything_is_shared(
    conversation: Conversation, content: Content, storage: Storage
) -> None:
    resident = CoreResident(conversation, client_language="nl")
    await resident.says("/menu")
    turn = await resident.presses(content.text("nl", "topic.person"))
    assert turn.outcome == "consent"
    assert content.text("nl", "handoff_consent") in resident.last_text()
    turn = await resident.presses(content.text("nl", "handoff_consent_no"))
    assert turn.outcome == "consent_declined"
    assert "Huis van de Mechelaar" in resident.last_text()
    assert conversation.handoff.cases.open_case_of(resident.id) is None


async def test_feedback_is_stored_for_the_resident_own_answer_only(
    conversation: Conversation, storage: Storage, content: Content
) -> None:
    resident = CoreResident(conversation, resident_id=11, client_language="en")
    await resident.says("I need a social house")
    thumbs_down = resident.button("👎").payload
    await resident.presses("👎")
    log_id = int(thumbs_down.rsplit(":", 1)[1])
    assert storage.feedback_for(log_id) == "down"
    assert content.text("en", "feedback_sorry") in resident.last_text()
    stranger = CoreResident(conversation, resident_id=12, client_language="en")
    await stranger.sends_payload(thumbs_down.replace("down", "up"))
    assert storage.feedback_for(log_id) == "down"
    assert stranger.last.outcome == "expired"


def strict(conversation: Conversation, answer: float, suggest: float) -> Conversation:
    """The same assistant with other confidence thresholds (as set through the settings)."""
    return variant(conversation, thresholds=Thresholds(answer=answer, suggest=suggest, language_switch=0.8))


async def test_when_unsure_the_assistant_asks_did_you_mean_with_the_top_intents(
    conversation: Conversation, content: Content
) -> None:
    resident = CoreResident(strict(conversation, answer=1.01, suggest=0.0), client_language="en")
    turn = await resident.says("social housing or renting, I don't know")
    assert turn.outcome == "suggested"
    assert content.text("en", "did_you_mean") in resident.last_text()
    titles = {answer.texts["en"].title for answer in content.answers.values()}
    suggested = [label for label in resident.labels() if label in titles]
    assert 2 <= len(suggested) <= 3
    assert content.answers["housing_social"].texts["en"].title in suggested


async def test_what_is_not_understood_gets_an_honest_reply_the_menu_and_a_person_and_is_logged(
    conversation: Conversation, storage: Storage, content: Content
) -> None:
    resident = CoreResident(strict(conversation, answer=1.01, suggest=1.01), client_language="nl")
    turn = await resident.says("blorf zwiebel quatsch")
    assert turn.outcome == "not_understood"
    assert content.text("nl", "not_understood") in resident.last_text()
    assert content.text("nl", "topic.person") in resident.labels()
    logged = storage.turns(resident.id)[-1]
    assert (logged["text"], logged["outcome"]) == ("blorf zwiebel quatsch", "not_understood")


async def test_a_message_clearly_in_another_language_is_answered_in_it_with_a_switch_offer(
    conversation: Conversation, storage: Storage, content: Content
) -> None:
    resident = CoreResident(conversation, client_language="nl")
    await resident.says("/start")
    await resident.presses("Nederlands")
    turn = await resident.says("je cherche un logement social pour ma famille")
    assert turn.language == "fr" and turn.intent == "housing_social"
    assert content.text("fr", "switch_language_button", language="Français") in resident.labels()
    assert storage.resident(resident.id).language == "nl"
    await resident.presses(content.text("fr", "switch_language_button", language="Français"))
    assert storage.resident(resident.id).language == "fr"


async def test_a_short_or_ambiguous_message_keeps_the_chosen_language(conversation: Conversation) -> None:
    resident = CoreResident(conversation, client_language="uk")
    await resident.says("/start")
    await resident.presses("Українська")
    turn = await resident.says("ok")
    assert turn.language == "uk"


async def test_arabic_replies_read_right_to_left_with_latin_names_isolated(
    conversation: Conversation,
) -> None:
    resident = CoreResident(conversation, client_language="ar")
    await resident.says("/start")
    await resident.presses("العربية")
    turn = await resident.says("أين يمكنني تسجيل عنواني؟")
    text = turn.replies[0].text
    assert all(line.startswith(RIGHT_TO_LEFT_MARK) for line in text.split("\n") if line.strip())
    assert f"{LEFT_TO_RIGHT_ISOLATE}Huis van de Mechelaar, Reuzenstraat 1, 2800 Mechelen" in text


async def test_photos_and_other_media_get_a_friendly_text_only_reply(
    conversation: Conversation, content: Content
) -> None:
    resident = CoreResident(conversation, client_language="tr")
    await resident.sends_photo()
    assert content.text("tr", "text_only") in resident.last_text()
    assert content.text("tr", "topic.housing") in resident.labels()


@pytest.mark.parametrize(
    "payload", ["", "lang:xx", "answer:not_an_intent", "fb:up:abc", "topic", "x" * 80, "fb:up:999999"]
)
async def test_tampered_or_stale_buttons_get_the_menu_not_a_crash(
    conversation: Conversation, content: Content, payload: str
) -> None:
    resident = CoreResident(conversation, client_language="en")
    turn = await resident.sends_payload(payload)
    assert turn.outcome == "expired"
    assert content.text("en", "expired_button") in resident.last_text()


async def test_help_and_unknown_commands(conversation: Conversation, content: Content) -> None:
    resident = CoreResident(conversation, client_language="en")
    await resident.says("/help")
    assert content.text("en", "help") in resident.last_text()
    await resident.says("/foobar")
    assert content.text("en", "unknown_command") in resident.last_text()
    await resident.says("/language")
    assert "Français" in resident.labels()


async def test_when_the_nlu_is_down_the_resident_gets_keyword_matches_and_the_menu(
    conversation: Conversation, content: Content, storage: Storage
) -> None:
    unreachable = RasaNlu("http://127.0.0.1:9", timeout_seconds=0.5)
    resident = CoreResident(variant(conversation, nlu=unreachable), client_language="en")
    turn = await resident.says("social housing waiting list")
    assert turn.outcome == "nlu_unavailable"
    assert content.text("en", "nlu_unavailable") in resident.last_text()
    assert content.answers["housing_social"].texts["en"].title in resident.labels()
    assert storage.turns(resident.id)[-1]["outcome"] == "nlu_unavailable"
    turn = await resident.says("blorf")
    await unreachable.close()
    assert content.text("en", "topic.housing") in resident.labels()


@pytest.mark.parametrize("name", ["Şeyma Yılmaz", "Łódź", "Олена", "AZ Sint-Maarten (spoed)"])
def test_a_left_to_right_name_in_any_script_stays_one_isolated_run_in_arabic(name: str) -> None:
    text = right_to_left(f"اسألي {name} عن الموعد")
    assert f"{LEFT_TO_RIGHT_ISOLATE}{name}{POP_DIRECTIONAL_ISOLATE}" in text
    assert text.count(LEFT_TO_RIGHT_ISOLATE) == 1
