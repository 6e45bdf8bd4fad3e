"""Faults on the way: the NLU killed or slow, Telegram answering 429 or 500, redeliveries, restarts,
a broken content file. After each: no crash, no lost message, no duplicate reply."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.content import Content
from bot.services import open_services
from bot.settings import PROJECT_ROOT, Settings
from bot.telegram.app import WelkomApplication
from emulator import BotApiEmulator
from tests.auxil.rasa_proxy import RasaProxy
from tests.auxil.resident import Resident
from tests.auxil.running_bot import READ_TIMEOUT_SECONDS, running_bot, stopped, telegram_settings

pytestmark = pytest.mark.scripted_nlu


@pytest.fixture(scope="module")
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token="626262:WELKOM-FAULTS") as emulator:
        yield emulator


@pytest.fixture(scope="module")
async def rasa(nlu_url: str) -> AsyncIterator[RasaProxy]:
    async with RasaProxy(nlu_url) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def settings(
    base_settings: Settings,
    emulator: BotApiEmulator,
    rasa: RasaProxy,
    tmp_path_factory: pytest.TempPathFactory,
) -> Settings:
    database = tmp_path_factory.mktemp("faults") / "welkom.db"
    return telegram_settings(base_settings, emulator, rasa.url, database)


@pytest.fixture(scope="module")
async def bot(settings: Settings) -> AsyncIterator[WelkomApplication]:
    async with running_bot(settings) as application:
        yield application


def answers_to(resident: Resident, title: str) -> int:
    return sum(1 for message in resident.replies if message.text.startswith(title))


async def test_the_nlu_killed_mid_conversation_and_back(
    bot: WelkomApplication, emulator: BotApiEmulator, rasa: RasaProxy, content: Content
) -> None:
    fatima = Resident(emulator, "Fatima", language_code="nl")
    await fatima.says("waar kan ik nederlands leren")
    assert fatima.replies[0].mentions(content.answers["dutch_course"].texts["nl"].title)
    await rasa.set_mode("down")
    replies = await fatima.says("sociale woning wachtlijst")
    assert replies[0].mentions(content.text("nl", "nlu_unavailable"))
    assert content.answers["housing_social"].texts["nl"].title in replies[0].buttons
    await rasa.set_mode("slow")
    replies = await fatima.says("ik zoek een sociale woning")
    assert replies[0].mentions(content.text("nl", "nlu_unavailable"))
    await rasa.set_mode("up")
    replies = await fatima.says("ik zoek een sociale woning")
    assert replies[0].text.startswith(content.answers["housing_social"].texts["nl"].title)


async def test_telegram_500_and_429_are_retried_and_the_reply_arrives_once(
    bot: WelkomApplication, emulator: BotApiEmulator, content: Content
) -> None:
    title = content.answers["city_hall"].texts["en"].title
    sam = Resident(emulator, "Sam", language_code="en", timeout=20)
    await sam.says("/menu")
    emulator.fail_next("sendMessage", 500)
    await sam.says("where is the city hall")
    emulator.fail_next("sendMessage", 429, retry_after=1)
    await sam.says("where is the city hall please")
    assert answers_to(sam, title) == 2
    assert {error.error_code for error in emulator.errors if error.injected} >= {429, 500}


async def test_an_update_delivered_twice_is_answered_once(
    bot: WelkomApplication, emulator: BotApiEmulator, content: Content
) -> None:
    title = content.answers["clubs_sport"].texts["fr"].title
    lea = Resident(emulator, "Léa", language_code="fr")
    await lea.says("je veux m'inscrire dans un club de foot")
    update_id = emulator.world.last_update_id
    emulator.redeliver(update_id)
    await emulator.settle(lea.chat_id, quiet=0.5, timeout=3, allow_none=True)
    assert answers_to(lea, title) == 1


async def test_a_restart_in_the_middle_of_a_conversation_answers_what_came_in_meanwhile(
    bot: WelkomApplication, emulator: BotApiEmulator, settings: Settings, content: Content
) -> None:
    title = content.answers["register_address"].texts["ar"].title
    omar = Resident(emulator, "Omar", language_code="ar")
    await omar.says("/start")
    await omar.presses("العربية")
    async with stopped(bot):
        emulator.push_text(omar.user, "أين يمكنني تسجيل عنواني؟")
        async with running_bot(settings):
            await emulator.settle(omar.chat_id, quiet=0.5, timeout=15)
            assert sum(1 for message in omar.replies if title in message.text) == 1


async def test_a_button_press_telegram_calls_too_old_to_acknowledge_is_still_answered(
    bot: WelkomApplication, emulator: BotApiEmulator, content: Content
) -> None:
    ines = Resident(emulator, "Inês", language_code="en")
    await ines.says("/menu")
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    emulator.fail_next("answerCallbackQuery", 400, description=too_old)
    replies = await ines.presses(content.text("en", "topic.services"))
    assert replies and replies[0].mentions(content.text("en", "topic_prompt"))
    assert [error.error_code for error in emulator.errors if error.injected][-1] == 400


def test_a_broken_content_file_at_start_up_falls_back_to_the_last_good_content(
    base_settings: Settings, tmp_path: Path
) -> None:
    content_dir = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content_dir)
    settings = base_settings.model_copy(
        update={"content_dir": content_dir, "database_path": tmp_path / "data" / "welkom.db"}
    )
    good = open_services(settings, handoff_enabled=False)
    title = good.conversation.content.answers["housing_social"].texts["nl"].title
    (content_dir / "answers" / "housing.yaml").write_text(
        "- intent: housing_social\n  text: [half", encoding="utf-8"
    )
    fallback = open_services(settings, handoff_enabled=False)
    assert fallback.conversation.content.answers["housing_social"].texts["nl"].title == title
    shutil.rmtree(tmp_path / "data" / "last-good-content")
    with pytest.raises(Exception, match=r"housing\.yaml"):
        open_services(settings, handoff_enabled=False)
    good.storage.close()
    fallback.storage.close()


async def test_logs_hold_neither_message_text_nor_telegram_ids(
    bot: WelkomApplication, emulator: BotApiEmulator, rasa: RasaProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    private = Resident(emulator, "Private", language_code="en")
    await private.says("my secret landlord problem on Kerkstraat 12")
    async with rasa.mode("down"):
        await private.says("another private sentence about my visa")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Kerkstraat" not in logged and "private sentence" not in logged
    assert str(private.id) not in logged


async def test_an_edited_message_outside_a_case_is_ignored_quietly(
    bot: WelkomApplication, emulator: BotApiEmulator
) -> None:
    pieter = Resident(emulator, "Pieter", language_code="nl")
    await pieter.says("waar is het stadhuis")
    count = len(pieter.replies)
    await pieter.edits("waar is het stadhuis van Mechelen", expect_reply=False)
    await emulator.settle(pieter.chat_id, quiet=0.5, timeout=2, allow_none=True)
    assert len(pieter.replies) == count
    assert not [error for error in emulator.errors if not error.injected]


async def test_a_telegram_timeout_is_not_retried_so_the_reply_is_never_doubled(  # see docs/privacy.md
    bot: WelkomApplication, emulator: BotApiEmulator, content: Content
) -> None:
    title = content.answers["health_care"].texts["en"].title
    mo = Resident(emulator, "Mo", language_code="en", timeout=20)
    await mo.says("/menu")
    emulator.slow_next("sendMessage", READ_TIMEOUT_SECONDS + 1.5)  # longer than the read timeout
    await mo.says("I need a family doctor", expect_reply=False)
    await emulator.settle(mo.chat_id, quiet=1.0, timeout=15, allow_none=True)
    assert answers_to(mo, title) <= 1
    replies = await mo.says("I need a family doctor please")
    assert replies[0].text.startswith(title)


async def test_a_forwarded_channel_post_is_read_as_text(
    bot: WelkomApplication, emulator: BotApiEmulator, content: Content
) -> None:
    nadia = Resident(emulator, "Nadia", language_code="fr")
    emulator.push_update(
        "message",
        {
            "message_id": 4242,
            "date": 1763700000,
            "chat": {"id": nadia.chat_id, "type": "private", "first_name": "Nadia"},
            "from": {"id": nadia.id, "is_bot": False, "first_name": "Nadia", "language_code": "fr"},
            "forward_origin": {
                "type": "channel",
                "date": 1763600000,
                "chat": {"id": -1001234, "type": "channel", "title": "Nouvelles"},
                "message_id": 7,
            },
            "text": "<b>je cherche un logement social</b>",
        },
    )
    replies = await emulator.settle(nadia.chat_id, quiet=0.5, timeout=10)
    assert replies[0].text.startswith(content.answers["housing_social"].texts["fr"].title)
    assert not [error for error in emulator.errors if not error.injected]
