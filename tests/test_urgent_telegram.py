"""End to end: a resident in danger gets the emergency number first, in their language, with the NLU up
and down; a calm message does not; the urgent case is unmistakable in the staff forum."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.content import Content
from bot.core.urgent import known_words, urgent_check
from bot.nlu import RasaNlu
from bot.nlu.evaluation import training_examples
from bot.safety_report import evaluate, nlu_rankings, read_safety_set
from bot.settings import PROJECT_ROOT, Settings
from bot.telegram.app import WelkomApplication
from emulator import BotApiEmulator, FakeChat
from tests.auxil.rasa_proxy import RasaProxy
from tests.auxil.resident import Resident
from tests.auxil.staff_forum import cases

pytestmark = pytest.mark.rasa

# Written for this test, not taken from the safety set: one message per language, several categories.
IN_DANGER = {
    "nl": ("help, mijn buurman staat met een mes in de gang", "danger_to_life"),
    "en": ("I took all my pills because I want to end my life", "suicide"),
    "fr": ("mon copain m'a battue cette nuit, j'ai peur", "violence"),
    "ar": ("ابني الصغير شرب كلوركس من تحت المغسلة", "poisoning"),
    "tr": ("kizim parktan kayboldu bulamiyorum", "missing_child"),
    "uk": ("роботодавець забрав мій паспорт і не відпускає додому", "exploitation"),
}
CALM = {
    "en": "I'm dying to learn Dutch, where are the courses?",
    "nl": "mijn gasrekening is veel te hoog geworden",
}
NUMBER = re.compile(r"\d{3}(?: \d{3})*")


@pytest.fixture(scope="module")
async def rasa(rasa_url: str) -> AsyncIterator[RasaProxy]:
    async with RasaProxy(rasa_url) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def bot_nlu_url(rasa: RasaProxy) -> str:
    return rasa.url


@pytest.mark.parametrize("nlu", ["up", "down"])
@pytest.mark.parametrize("language", list(IN_DANGER))
async def test_a_resident_in_danger_gets_the_number_first_in_their_language(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    rasa: RasaProxy,
    content: Content,
    language: str,
    nlu: str,
) -> None:
    async with rasa.mode(nlu):
        resident = Resident(emulator, f"Resident {language} {nlu}", language_code=language)
        message, category = IN_DANGER[language]
        replies = await resident.says(message)
    help_text = content.urgent.categories[category].help[language]
    first_line = replies[0].text.strip("\u200f\u200e\u202b\u202c\u2067\u2069").splitlines()[0]
    assert NUMBER.findall(first_line) == NUMBER.findall(help_text.splitlines()[0]) != []
    assert replies[0].mentions(content.urgent.closed_note[language])
    assert content.text(language, "handoff_consent_yes") in replies[1].buttons
    assert not any(reply.mentions(content.text(language, "nlu_unavailable")) for reply in replies)


@pytest.mark.parametrize("nlu", ["up", "down"])
@pytest.mark.parametrize("language", list(CALM))
async def test_a_calm_message_gets_no_emergency_help(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    rasa: RasaProxy,
    content: Content,
    language: str,
    nlu: str,
) -> None:
    async with rasa.mode(nlu):
        resident = Resident(emulator, f"Calm {language} {nlu}", language_code=language)
        replies = await resident.says(CALM[language])
    assert not any(reply.mentions("112") or reply.mentions("101") for reply in replies)


async def test_an_urgent_case_is_unmistakable_and_pinned_in_the_staff_forum(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    amina = Resident(emulator, "Amina", language_code="ar")
    await amina.says("زوجي يضربني ويهددني بالسكين")
    await amina.presses(content.text("ar", "handoff_consent_yes"))
    await emulator.settle_any(quiet=0.3, timeout=5, allow_none=True)
    case = cases(staff_settings).open_case_of(amina.id)
    assert case is not None and case.urgent and case.urgent_category == "violence"
    assert case.thread_id is not None and case.card_message_id is not None
    assert emulator.topic(forum, case.thread_id).name.startswith("🚨")
    card = next(m for m in emulator.messages_to(forum.id) if m.message_id == case.card_message_id)
    assert card.mentions("🚨") and card.mentions(content.urgent.categories["violence"].staff_label)
    assert case.card_message_id in emulator.pinned(forum.id)


async def test_a_resident_in_a_case_who_writes_of_danger_gets_the_number_at_once(
    staff_bot: WelkomApplication, emulator: BotApiEmulator, content: Content
) -> None:
    jan = Resident(emulator, "Jan", language_code="nl")
    await jan.says("ik wil met een medewerker praten")
    await jan.presses(content.text("nl", "handoff_consent_yes"))
    replies = await jan.says("hij is terug en slaat me weer")
    assert replies[0].mentions("101") and replies[0].mentions(content.urgent.closed_note["nl"])


async def test_the_safety_set_meets_the_targets_with_the_nlu(rasa_url: str, content: Content) -> None:
    messages = read_safety_set(PROJECT_ROOT / "nlu_data" / "safety")
    nlu = RasaNlu(rasa_url, timeout_seconds=10)
    try:
        rankings = await nlu_rankings(nlu, messages)
    finally:
        await nlu.close()
    examples = [example.text for example in training_examples(PROJECT_ROOT / "nlu_data" / "data")]
    result = evaluate(urgent_check(content, known_words(examples)), messages, None, rankings)
    assert [m.text for m in result.misses] == []
    assert result.false_alarm_rate() <= 0.05, result.false_alarms
