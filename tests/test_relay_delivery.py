"""Nothing a resident or a caseworker writes is lost on its way through a case: Telegram answering 500,
dropping the connection or asking to wait, the bot stopping between recording and sending, and
failures that last (a blocked bot, a topic that cannot be recreated)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.content import Content
from bot.settings import PROJECT_ROOT, Settings
from bot.storage import Storage
from bot.storage.cases import Cases
from bot.telegram.app import WelkomApplication
from emulator import BotApiEmulator, FakeChat
from tests.auxil.caseworker import Caseworker
from tests.auxil.resident import Resident
from tests.auxil.running_bot import READ_TIMEOUT_SECONDS, running_bot, stopped
from tests.auxil.staff_forum import case_of, cases

pytestmark = pytest.mark.scripted_nlu


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The content as shipped (office hours as they are)."""
    copy = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(PROJECT_ROOT / "content", copy)
    return copy


FAULTS: dict[str, Callable[[BotApiEmulator], None]] = {
    "one 500": lambda emulator: emulator.fail_next("copyMessage", 500),
    "three 500s": lambda emulator: emulator.fail_next("copyMessage", 500, times=3),
    "a dropped connection": lambda emulator: emulator.reset_next("copyMessage"),
    "a 429 with retry_after": lambda emulator: emulator.fail_next("copyMessage", 429, retry_after=1),
}


def copies_in_topic(emulator: BotApiEmulator, forum: FakeChat, thread_id: int, text: str) -> int:
    messages = Caseworker(emulator, forum, "Reader").topic_messages(thread_id)
    return sum(1 for message in messages if message.copied_from and message.text == text)


def copies_to(resident: Resident, text: str) -> int:
    return sum(1 for message in resident.replies if message.text == text)


async def arrives(emulator: BotApiEmulator, seen: Callable[[], int]) -> int:
    """Wait until the message is there, then a moment more for a second copy; how many arrived."""
    await emulator.world.changed.wait_for(lambda: seen() > 0, 20)
    await emulator.settle_any(quiet=0.5, timeout=2, allow_none=True)
    return seen()


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_resident_message_reaches_the_topic_exactly_once_despite(
    fault: str,
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    hanna = Resident(emulator, "Hanna", language_code="uk")
    case = await case_of(hanna, content, "uk", staff_settings)
    FAULTS[fault](emulator)
    text = f"мій лист від OCMW ({fault})"
    await hanna.says(text, expect_reply=False)
    assert await arrives(emulator, lambda: copies_in_topic(emulator, forum, case.thread_id or 0, text)) == 1
    assert not [message for message in hanna.replies if message.mentions(content.text("uk", "relay_failed"))]


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_caseworker_message_reaches_the_resident_exactly_once_despite(
    fault: str,
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    yusuf = Resident(emulator, "Yusuf", language_code="tr")
    case = await case_of(yusuf, content, "tr", staff_settings)
    els = Caseworker(emulator, forum, "Els")
    await els.presses("🙋 Opnemen", thread_id=case.thread_id)
    FAULTS[fault](emulator)
    text = f"Randevunuz salı saat 9'da ({fault})"
    emulator.push_text(els.user, text, chat=forum, message_thread_id=case.thread_id)
    assert await arrives(emulator, lambda: copies_to(yusuf, text)) == 1
    assert copies_to(yusuf, text) == 1
    failed = content.staff["relay_failed"].split(":")[0]
    assert not [m for m in els.topic_messages(case.thread_id or 0) if m.text.startswith(failed)]


async def test_relays_recorded_before_a_stop_are_delivered_once_after_the_restart(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    noor = Resident(emulator, "Noor", language_code="ar")
    case = await case_of(noor, content, "ar", staff_settings)
    els = Caseworker(emulator, forum, "Els")
    async with stopped(staff_bot):
        # What a bot that stops right after recording leaves behind: each update marked as seen and
        # an outbox row, but no copy sent.
        storage = Storage(staff_settings.database_path)
        from_resident = emulator.push_text(noor.user, "رسالة قبل التوقف")
        from_caseworker = emulator.push_text(
            els.user, "Ik bel je morgen om 10 uur.", chat=forum, message_thread_id=case.thread_id
        )
        for update_id, sender, text in (
            (from_resident, "resident", "رسالة قبل التوقف"),
            (from_caseworker, "caseworker", "Ik bel je morgen om 10 uur."),
        ):
            assert storage.first_delivery(update_id)
            message_id = emulator.message_of(update_id)["message_id"]
            assert Cases(storage).begin_relay(case.id, sender, text, message_id) is not None
        storage.close()
        async with running_bot(staff_settings):
            seen_in_topic = lambda: copies_in_topic(emulator, forum, case.thread_id or 0, "رسالة قبل التوقف")  # noqa: E731
            assert await arrives(emulator, seen_in_topic) == 1
            assert await arrives(emulator, lambda: copies_to(noor, "Ik bel je morgen om 10 uur.")) == 1
        assert not cases(staff_settings).undelivered(case.id, "resident")
        assert not cases(staff_settings).undelivered(case.id, "caseworker")


async def test_a_message_to_a_resident_who_blocked_the_bot_is_reported_in_the_topic_and_on_the_card(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    ayse = Resident(emulator, "Ayşe", language_code="tr")
    case = await case_of(ayse, content, "tr", staff_settings)
    ayse.user.blocked = True
    els = Caseworker(emulator, forum, "Els")
    await els.writes_in(case.thread_id or 0, "Merhaba Ayşe, size yardım edebilirim.")
    topic = els.topic_messages(case.thread_id or 0)
    assert any(message.text == content.staff["resident_blocked"] for message in topic)
    card = topic[0]
    assert card.mentions(content.staff["card_undelivered"].format(count="1"))


async def test_a_caseworker_message_that_keeps_failing_is_reported_and_shown_on_the_card(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    lina = Resident(emulator, "Lina", language_code="en")
    case = await case_of(lina, content, "en", staff_settings)
    els = Caseworker(emulator, forum, "Els")
    emulator.fail_next("copyMessage", 500, times=4)
    emulator.push_text(
        els.user, "Your appointment is Tuesday at 9.", chat=forum, message_thread_id=case.thread_id
    )
    told = content.staff["relay_failed"].split("„")[0]

    def reported() -> int:
        topic = els.topic_messages(case.thread_id or 0)
        return sum(1 for m in topic if m.text.startswith(told) and "Tuesday at 9" in m.text)

    assert await arrives(emulator, reported) == 1
    assert copies_to(lina, "Your appointment is Tuesday at 9.") == 0
    topic = els.topic_messages(case.thread_id or 0)
    assert topic[0].mentions(content.staff["card_undelivered"].format(count="1"))


async def test_a_resident_message_whose_topic_is_gone_for_good_is_reported_in_their_language(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    amira = Resident(emulator, "Amira", language_code="fr")
    case = await case_of(amira, content, "fr", staff_settings)
    emulator.delete_topic(forum, case.thread_id)
    emulator.fail_next(
        "createForumTopic", 400, description="Bad Request: not enough rights to create a topic"
    )
    replies = await amira.says("voici ma lettre du CPAS")
    assert replies[-1].text == content.text("fr", "relay_failed")
    assert cases(staff_settings).failed_relays(case.id) == 1


async def test_an_edit_that_cannot_be_relayed_is_reported_to_its_author(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    olena = Resident(emulator, "Olena", language_code="uk")
    case = await case_of(olena, content, "uk", staff_settings)
    els = Caseworker(emulator, forum, "Els")
    await els.writes_in(case.thread_id or 0, "Приходьте у вівторок")
    gone = "Bad Request: message to edit not found"
    emulator.fail_next("editMessageText", 400, description=gone)
    await els.edits("Приходьте у середу")
    assert els.topic_messages(case.thread_id or 0)[-1].text == content.staff["edit_not_relayed"]

    await olena.says("мій лист", expect_reply=False)
    await emulator.settle_any([forum], quiet=0.3, timeout=5)
    emulator.fail_next("editMessageText", 400, description=gone)
    replies = await olena.edits("мій лист від OCMW")
    assert replies[-1].text == content.text("uk", "edit_not_relayed")


async def test_a_copy_that_times_out_is_not_sent_again_now_or_after_a_restart(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    pieter = Resident(emulator, "Pieter", language_code="nl")
    case = await case_of(pieter, content, "nl", staff_settings)
    els = Caseworker(emulator, forum, "Els")
    await els.presses("🙋 Opnemen", thread_id=case.thread_id)
    # Longer than the read timeout: Telegram may have carried it out, the bot cannot tell.
    emulator.slow_next("copyMessage", READ_TIMEOUT_SECONDS + 1.5)
    text = "Uw afspraak is dinsdag om 9 uur."
    update_id = emulator.push_text(els.user, text, chat=forum, message_thread_id=case.thread_id)
    source = emulator.message_of(update_id)["message_id"]

    def attempts() -> int:
        calls = emulator.calls_to("copyMessage")
        return sum(1 for call in calls if call["from_chat_id"] == forum.id and call["message_id"] == source)

    await emulator.world.changed.wait_for(lambda: attempts() > 0, 10)
    await emulator.settle_any(quiet=1.5, timeout=15, allow_none=True)
    assert attempts() == 1 and copies_to(pieter, text) <= 1
    assert not cases(staff_settings).undelivered(case.id, "caseworker")
    async with stopped(staff_bot), running_bot(staff_settings):
        await emulator.settle_any(quiet=1.0, timeout=3, allow_none=True)
    assert attempts() == 1
