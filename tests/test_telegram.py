"""End to end: residents on Telegram (the Bot API emulator) talking to the real Application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.content import Content
from bot.settings import Settings
from bot.storage import Storage
from bot.telegram.app import WelkomApplication
from emulator import BotApiEmulator
from tests.auxil.acceptance import ACCEPTANCE
from tests.auxil.resident import Resident
from tests.auxil.running_bot import running_bot, telegram_settings

pytestmark = pytest.mark.rasa


@pytest.fixture(scope="module")
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token="424242:WELKOM-TEST") as emulator:
        yield emulator


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("telegram") / "welkom.db"


@pytest.fixture(scope="module")
async def bot(
    base_settings: Settings, emulator: BotApiEmulator, rasa_url: str, database: Path
) -> AsyncIterator[WelkomApplication]:
    async with running_bot(telegram_settings(base_settings, emulator, rasa_url, database)) as application:
        yield application


async def test_start_greets_in_the_app_language_and_shows_native_language_names(
    bot: WelkomApplication, emulator: BotApiEmulator, content: Content
) -> None:
    amina = Resident(emulator, "Amina", language_code="ar")
    await amina.says("/start")
    reply = amina.last_reply()
    assert reply.mentions(content.text("ar", "choose_language").split("/")[0].strip("\u200f "))
    assert reply.buttons == ["Nederlands", "English", "Français", "العربية", "Türkçe", "Українська"]


async def test_choosing_a_language_confirms_in_place_then_welcomes_with_the_topic_menu(
    bot: WelkomApplication, emulator: BotApiEmulator, content: Content, database: Path
) -> None:
    olena = Resident(emulator, "Olena", language_code="ru")
    await olena.says("/start")
    assert olena.last_reply().mentions(content.text("nl", "choose_language"))
    assert olena.last_reply().mentions(content.text("en", "choose_language"))
    acknowledged = len(emulator.callback_answers)
    replies = await olena.presses("Українська")
    assert len(emulator.callback_answers) == acknowledged + 1  # the button stops spinning
    picker = next(message for message in replies if message.edited)
    assert picker.text == content.text("uk", "language_set", language="Українська")
    welcome = next(message for message in replies if message.mentions(content.text("uk", "welcome")[:40]))
    assert content.text("uk", "topic.housing") in welcome.buttons
    assert olena.last_reply().mentions(content.text("uk", "privacy_notice", days="90 днів")[:30])
    assert Storage(database).resident(olena.id).language == "uk"


async def test_a_question_gets_one_answer_with_address_map_feedback_buttons_and_the_way_back(
    bot: WelkomApplication, emulator: BotApiEmulator, content: Content, database: Path
) -> None:
    jan = Resident(emulator, "Jan", language_code="nl")
    replies = await jan.says("waar is het stadhuis en wanneer is het open")
    answer = replies[0]
    assert answer.parse_mode == "HTML"
    assert answer.text.startswith(content.answers["city_hall"].texts["nl"].title)
    assert answer.mentions(content.text("nl", "hours_unknown"))
    assert answer.mentions("Reuzenstraat 1, 2800 Mechelen")
    assert {"👍", "👎", content.text("nl", "back_to_menu"), content.text("nl", "open_map")} <= set(
        answer.buttons
    )
    assert answer.link_preview_disabled
    assert [reply.method for reply in replies] == ["sendMessage", "sendMessage"]
    assert replies[1].mentions(content.text("nl", "privacy_notice", days="90 dagen")[:30])
    await jan.presses("👍")
    assert jan.last_reply().mentions(content.text("nl", "feedback_thanks"))
    store = Storage(database)
    assert [row["value"] for row in store.db.query("SELECT value FROM feedback")] == ["up"]


@pytest.mark.parametrize(
    ("question", "language", "intent"),
    ACCEPTANCE,
)
async def test_residents_writing_in_six_languages_get_the_answer_in_their_language(
    bot: WelkomApplication,
    emulator: BotApiEmulator,
    content: Content,
    question: str,
    language: str,
    intent: str,
) -> None:
    resident = Resident(emulator, "Resident", language_code=None)
    replies = await resident.says(question)
    title = content.answers[intent].texts[language].title
    assert (
        replies[0]
        .text.replace("\u200f", "")
        .replace("\u2066", "")
        .replace("\u2069", "")
        .startswith(title.split(" (")[0])
    )


async def test_a_guided_flow_is_walked_with_buttons_to_an_answer(
    bot: WelkomApplication, emulator: BotApiEmulator, content: Content
) -> None:
    dutch = content.flows["dutch"]
    karim = Resident(emulator, "Karim", language_code="fr")
    await karim.says("/menu")
    await karim.presses(content.text("fr", "topic.dutch"))
    assert karim.last_reply().mentions(dutch.steps[dutch.start].texts["fr"])
    path = [dutch.start]
    option = dutch.steps[dutch.start].options[0]
    while option.target.startswith("step:"):
        await karim.presses(option.labels["fr"])
        path.append(option.target.removeprefix("step:"))
        option = dutch.steps[path[-1]].options[0]
    replies = await karim.presses(option.labels["fr"])
    intent = option.target.removeprefix("answer:")
    assert replies[0].mentions(content.answers[intent].texts["fr"].title)


async def test_photos_stickers_voice_locations_and_files_get_a_text_only_reply(
    bot: WelkomApplication, emulator: BotApiEmulator, content: Content
) -> None:
    ayse = Resident(emulator, "Ayşe", language_code="tr")
    for send in (
        ayse.sends_photo,
        ayse.sends_sticker,
        ayse.sends_voice,
        ayse.sends_location,
        ayse.sends_document,
    ):
        replies = await send()
        assert any(reply.mentions(content.text("tr", "text_only")) for reply in replies)


async def test_the_bot_stays_silent_in_group_chats(bot: WelkomApplication, emulator: BotApiEmulator) -> None:
    group_member = emulator.make_user("Groep", language_code="nl")
    chat = emulator.default_chat("group")
    emulator.push_text(group_member, "ik zoek een sociale woning", chat_type="group")
    emulator.push_text(group_member, "/start", chat_type="group")
    assert await emulator.settle(chat.id, quiet=1.0, timeout=2, allow_none=True) == []


async def test_commands_are_registered_in_every_language(
    bot: WelkomApplication, emulator: BotApiEmulator, content: Content
) -> None:
    names = ["start", "menu", "language", "help", "privacy", "mydata", "forget"]
    for language in content.languages:
        commands = emulator.commands_for(language)
        assert [name for name, _ in commands] == names
        assert commands[2][1] == content.text(language, "command.language")
    assert [name for name, _ in emulator.commands_for()] == names


async def test_nothing_in_content_can_break_or_inject_telegram_markup(
    bot: WelkomApplication, emulator: BotApiEmulator
) -> None:
    tester = Resident(emulator, "<b>Mal</b> & co", language_code="en")
    await tester.says("<i>hello</i> & <a href='x'>greetings</a>")
    assert not [error for error in emulator.errors if error.error_code == 400]
