"""The handoff to a caseworker, in the core: consent, cases, urgency, office hours, the case desk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.console import execute
from bot.content import Content
from bot.core.answer_choice import Thresholds
from bot.core.case_desk import CaseDesk
from bot.core.conversation import Conversation
from bot.core.messages import CaseOpened, CaseRated, ResidentLeft
from bot.storage import Storage
from bot.storage.cases import Cases
from tests.auxil.core_resident import CoreResident
from tests.auxil.variants import variant

pytestmark = pytest.mark.scripted_nlu

BRUSSELS = ZoneInfo("Europe/Brussels")
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=BRUSSELS)
SATURDAY_EVENING = datetime(2026, 11, 28, 20, 0, tzinfo=BRUSSELS)
CHRISTMAS = datetime(2026, 12, 25, 10, 0, tzinfo=BRUSSELS)


def at(conversation: Conversation, moment: datetime, thresholds: Thresholds | None = None) -> Conversation:
    """The same assistant, with its clock at `moment`."""
    return variant(conversation, thresholds=thresholds, clock=lambda: moment)


async def agree(resident: CoreResident, content: Content, language: str) -> None:
    await resident.presses(content.text(language, "handoff_consent_yes"))


async def test_asking_for_a_person_opens_a_case_only_after_consent(
    conversation: Conversation, content: Content, storage: Storage
) -> None:
    resident = CoreResident(at(conversation, TUESDAY_MORNING), resident_id=21, client_language="en")
    turn = await resident.says("I want to talk to a real person please")
    assert turn.outcome == "consent" and not turn.staff_events
    assert Cases(storage).open_case_of(21) is None
    turn = await resident.presses(content.text("en", "handoff_consent_yes"))
    case = Cases(storage).open_case_of(21)
    assert case is not None and not case.urgent and case.reason == "asked"
    assert turn.staff_events == [CaseOpened(case.id)]
    assert content.text("en", "case_opened").split(".")[0] in resident.last_text()
    assert content.text("en", "leave_case") in resident.labels()


async def test_while_a_case_is_open_messages_are_relayed_and_menu_and_leave_still_work(
    conversation: Conversation, content: Content, storage: Storage
) -> None:
    resident = CoreResident(at(conversation, TUESDAY_MORNING), resident_id=22, client_language="fr")
    await resident.says("/menu")
    await resident.presses(content.text("fr", "topic.person"))
    await agree(resident, content, "fr")
    case = Cases(storage).open_case_of(22)
    assert case is not None
    turn = await resident.says("je cherche un logement social")
    assert (turn.relay_case, turn.replies) == (case.id, [])
    photo = await resident.sends_photo()
    assert photo.relay_case == case.id
    turn = await resident.says("/menu")
    assert content.text("fr", "topic.housing") in resident.labels()
    assert content.text("fr", "leave_case") in resident.labels()
    turn = await resident.presses(content.text("fr", "leave_case"))
    assert turn.staff_events == [ResidentLeft(case.id)]
    assert Cases(storage).open_case_of(22) is None
    assert (await resident.says("merci")).relay_case is None


async def test_urgent_subjects_give_emergency_numbers_at_once_and_an_urgent_case(
    conversation: Conversation, content: Content, storage: Storage
) -> None:
    resident = CoreResident(at(conversation, SATURDAY_EVENING), resident_id=23, client_language="ar")
    turn = await resident.says("زوجي يضربني وأنا خائفة الآن")
    assert turn.intent == "emergency"
    assert "112" in turn.replies[0].text and "101" in turn.replies[0].text
    assert content.text("ar", "handoff_consent_yes") in resident.labels()
    turn = await resident.presses(content.text("ar", "handoff_consent_yes"))
    case = Cases(storage).open_case_of(23)
    assert case is not None and case.urgent and case.reason == "urgent"
    assert "112" in resident.last_text()


async def test_out_of_office_hours_the_resident_hears_when_a_caseworker_answers(
    conversation: Conversation, content: Content
) -> None:
    resident = CoreResident(at(conversation, SATURDAY_EVENING), resident_id=24, client_language="nl")
    await resident.says("ik wil met een medewerker spreken")
    await agree(resident, content, "nl")
    monday = content.text("nl", "weekday.mon")
    assert f"{monday} 30/11 09:00" in resident.last_text()


async def test_two_misunderstandings_in_a_row_offer_a_person(
    conversation: Conversation, content: Content
) -> None:
    never_sure = Thresholds(answer=1.01, suggest=1.01, language_switch=0.8)
    resident = CoreResident(
        at(conversation, TUESDAY_MORNING, never_sure), resident_id=25, client_language="tr"
    )
    await resident.says("asdf qwer")
    assert content.text("tr", "handoff_consent_yes") not in resident.labels()
    await resident.says("zxcv uiop")
    assert content.text("tr", "handoff_consent_yes") in resident.labels()
    await agree(resident, content, "tr")
    case = conversation.handoff.cases.open_case_of(25)
    assert case is not None and case.reason == "not_understood"


async def test_thumbs_down_then_a_person_is_recorded_as_the_reason(
    conversation: Conversation, content: Content
) -> None:
    resident = CoreResident(at(conversation, TUESDAY_MORNING), resident_id=26, client_language="uk")
    await resident.says("де записатися на курси нідерландської?")
    await resident.presses("👎")
    await resident.presses(content.text("uk", "talk_to_person"))
    await agree(resident, content, "uk")
    case = conversation.handoff.cases.open_case_of(26)
    assert case is not None and case.reason == "feedback" and "dutch_course" in case.intents


@pytest.fixture
def desk(conversation: Conversation, storage: Storage) -> CaseDesk:
    return CaseDesk(conversation, Cases(storage), storage, show_name=True)


async def open_case(
    conversation: Conversation, content: Content, resident_id: int, language: str
) -> CoreResident:
    resident = CoreResident(
        at(conversation, TUESDAY_MORNING), resident_id=resident_id, client_language=language
    )
    await resident.says("/menu")
    await resident.presses(content.text(language, "topic.person"))
    await agree(resident, content, language)
    return resident


async def test_a_caseworker_claims_sends_content_in_the_resident_language_and_closes(
    conversation: Conversation, content: Content, desk: CaseDesk
) -> None:
    resident = await open_case(conversation, content, 31, "ar")
    case = desk.cases.open_case_of(31)
    assert case is not None
    claim = desk.claim(case, caseworker_id=900, name="Els")
    assert claim.taken and claim.to_resident is not None and "Els" in claim.to_resident.text
    assert not desk.claim(case, caseworker_id=901, name="Jan").taken
    sent = desk.prepared(case, "housing_social")
    assert sent is not None and content.answers["housing_social"].texts["ar"].title in sent[0].title
    phrase = desk.prepared(case, "look_into_it")
    assert phrase is not None and content.phrases["look_into_it"]["ar"] in phrase[0].text
    assert desk.prepared(case, "no_such_thing") is None
    closing = desk.close(case)
    assert content.text("ar", "case_closed") in closing[0].text
    stars = [button.payload for row in closing[1].buttons for button in row]
    assert len(stars) == 5
    turn = await resident.sends_payload(stars[4])
    assert turn.staff_events == [CaseRated(case.id, 5)]
    assert desk.cases.get(case.id).rating == 5  # type: ignore[union-attr]


async def test_asking_again_within_days_reopens_the_same_case(
    conversation: Conversation, content: Content, desk: CaseDesk
) -> None:
    resident = await open_case(conversation, content, 32, "en")
    first = desk.cases.open_case_of(32)
    assert first is not None
    desk.cases.set_topic(first.id, thread_id=77, card_message_id=78)
    desk.close(first)
    await resident.says("/menu")
    await resident.presses(content.text("en", "topic.person"))
    turn = await resident.presses(content.text("en", "handoff_consent_yes"))
    assert turn.staff_events == [CaseOpened(first.id, reopened=True)]
    reopened = desk.cases.open_case_of(32)
    assert reopened is not None and reopened.thread_id == 77


async def test_the_queue_lists_urgent_cases_first_then_the_oldest(
    conversation: Conversation, content: Content, desk: CaseDesk
) -> None:
    await open_case(conversation, content, 41, "nl")
    urgent = CoreResident(at(conversation, TUESDAY_MORNING), resident_id=42, client_language="en")
    await urgent.says("there is a fire in my building help")
    await agree(urgent, content, "en")
    lines = desk.queue(datetime.now(UTC)).splitlines()
    assert lines[1].startswith("🚨") and "EN" in lines[1]
    assert "NL" in lines[2]


async def test_the_case_card_shows_language_intents_urgency_office_hours_and_transcript(
    conversation: Conversation, content: Content, desk: CaseDesk
) -> None:
    resident = CoreResident(at(conversation, TUESDAY_MORNING), resident_id=43, client_language="tr")
    await resident.says("Hollandaca kursu nerede?")
    await resident.says("müşteri temsilcisiyle konuşmak istiyorum")
    await agree(resident, content, "tr")
    case = desk.cases.open_case_of(43)
    assert case is not None
    card = desk.card(case, SATURDAY_EVENING)
    assert "Türkçe" in card and "dutch_course" in card
    assert "Hollandaca kursu nerede?" in card
    assert content.staff["card_closed_now"].split(",")[0] in card
    assert desk.topic_name(case).startswith(f"#{case.id} · TR")


def test_office_hours_follow_the_schedule_public_holidays_and_closing_days(content: Content) -> None:
    hours = content.office_hours
    assert hours is not None
    assert hours.is_open(TUESDAY_MORNING)
    assert not hours.is_open(SATURDAY_EVENING)
    assert not hours.is_open(CHRISTMAS)
    assert hours.next_opening(CHRISTMAS) == datetime(2026, 12, 28, 9, 0, tzinfo=BRUSSELS)


async def test_the_console_handles_a_case_end_to_end(
    conversation: Conversation, content: Content, desk: CaseDesk
) -> None:
    await open_case(conversation, content, 51, "nl")
    case = desk.cases.open_case_of(51)
    assert case is not None
    assert f"#{case.id}" in execute(desk, ["queue"])
    assert "Console" in execute(desk, ["claim", str(case.id)])
    assert (
        execute(desk, ["reply", str(case.id), "Dag!", "Hoe kan ik helpen?"]) == content.staff["console_sent"]
    )
    assert "NL" in execute(desk, ["send", str(case.id), "look_into_it"])
    execute(desk, ["close", str(case.id)])
    texts = [message["text"] for message in desk.cases.undelivered(case.id, "caseworker")]
    assert "Dag! Hoe kan ik helpen?" in texts
    assert content.phrases["look_into_it"]["nl"] in texts
    assert any(content.text("nl", "case_closed") in text for text in texts)
    assert desk.cases.get(case.id).status == "closed"  # type: ignore[union-attr]


async def test_during_office_hours_unclaimed_cases_waiting_too_long_are_reminded_once(
    conversation: Conversation, content: Content, desk: CaseDesk
) -> None:
    await open_case(conversation, content, 52, "nl")
    taken = await open_case(conversation, content, 53, "en")
    claimed = desk.cases.open_case_of(taken.id)
    assert claimed is not None
    desk.claim(claimed, caseworker_id=7, name="Jan")
    later = datetime.now(UTC) + timedelta(hours=1)
    waiting = [case.resident_id for case in desk.waiting_too_long(later, minutes=30)]
    assert 52 in waiting and 53 not in waiting
    assert desk.waiting_too_long(datetime.now(UTC), minutes=30) == []
    desk.cases.mark_reminded([case.id for case in desk.waiting_too_long(later, minutes=30)], later)
    assert desk.waiting_too_long(later, minutes=30) == []


def test_a_reminder_is_remembered_across_a_restart_and_forgotten_when_the_case_reopens(
    storage: Storage,
) -> None:
    storage.touch_resident(61)
    cases = Cases(storage)
    case = cases.open(61, "nl", False, "asked", [])
    moment = datetime.now(UTC)
    cases.mark_reminded([case.id], moment)
    again = Storage(storage.path)  # as after a restart: a new connection, nothing kept in memory
    try:
        remembered = Cases(again).get(case.id)
        assert remembered is not None and remembered.reminded_at == moment.isoformat(timespec="seconds")
        Cases(again).close(case.id)
        assert Cases(again).reopen(case.id, urgent=False).reminded_at is None
    finally:
        again.close()


async def test_declining_a_person_says_how_else_to_reach_the_city(
    conversation: Conversation, content: Content, storage: Storage
) -> None:
    resident = CoreResident(at(conversation, TUESDAY_MORNING), resident_id=51, client_language="nl")
    await resident.says("ik wil met een medewerker praten")
    await resident.presses(content.text("nl", "handoff_consent_no"))
    assert "Dat kan nog niet in deze chat" not in resident.last_text()
    assert "0800 20 800" in resident.last_text() and "Huis van de Mechelaar" in resident.last_text()
    assert Cases(storage).open_case_of(51) is None


async def test_the_card_drops_the_claim_button_once_someone_took_the_case(
    conversation: Conversation, content: Content, desk: CaseDesk
) -> None:
    await open_case(conversation, content, 52, "en")
    case = desk.cases.open_case_of(52)
    assert case is not None
    labels = [button.label for row in desk.card_buttons(case) for button in row]
    assert content.staff["claim_button"] in labels
    desk.claim(case, caseworker_id=900, name="Els")
    claimed = desk.cases.get(case.id)
    assert claimed is not None
    labels = [button.label for row in desk.card_buttons(claimed) for button in row]
    assert labels == [content.staff["close_button"]]


async def test_the_topic_is_named_after_the_subject_not_the_handoff(
    conversation: Conversation, content: Content, desk: CaseDesk
) -> None:
    resident = CoreResident(at(conversation, TUESDAY_MORNING), resident_id=53, client_language="nl")
    await resident.says("waar kan ik nederlands leren")
    await resident.says("ik wil met een medewerker praten")
    await agree(resident, content, "nl")
    case = desk.cases.open_case_of(53)
    assert case is not None and case.intents[-1] == "human_handoff"
    name = desk.topic_name(case)
    assert content.answers["dutch_course"].texts["nl"].title in name
    assert content.answers["human_handoff"].texts["nl"].title not in name


async def test_a_short_latin_token_in_turkish_does_not_change_the_case_language(
    conversation: Conversation, content: Content, storage: Storage
) -> None:
    resident = CoreResident(at(conversation, TUESDAY_MORNING), resident_id=54, client_language="tr")
    turn = await resident.says("OCMW randevu")
    assert turn.language == "tr"
    await resident.says("müşteri temsilcisiyle konuşmak istiyorum")
    await agree(resident, content, "tr")
    case = Cases(storage).open_case_of(54)
    assert case is not None and case.language == "tr"
    assert storage.resident(54).language == "tr"
