"""End to end: a resident, the bot and caseworkers in a Telegram staff forum (the Bot API emulator)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.content import Content
from bot.settings import Settings
from bot.storage import Storage
from bot.telegram.app import WelkomApplication
from emulator import BotApiEmulator, FakeChat
from tests.auxil.caseworker import Caseworker
from tests.auxil.resident import Resident
from tests.auxil.running_bot import running_bot, stopped
from tests.auxil.staff_forum import ask_for_a_person, case_of, cases

pytestmark = pytest.mark.scripted_nlu


async def test_a_full_case_from_request_to_rating_in_arabic(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    amina = Resident(emulator, "Amina", language_code="ar")
    els = Caseworker(emulator, forum, "Els")
    case = await case_of(amina, content, "ar", staff_settings)
    topic = emulator.topic(forum, case.thread_id)
    assert topic.name.startswith(f"#{case.id} · AR")
    card = els.topic_messages(case.thread_id)[0]
    assert card.mentions("العربية") and {"🙋 Opnemen", "✅ Sluiten"} <= set(card.buttons)

    await els.presses("🙋 Opnemen", thread_id=case.thread_id)
    assert amina.last_reply().mentions("Els")
    assert els.topic_messages(case.thread_id)[0].mentions("Els")
    assert els.topic_messages(case.thread_id)[0].buttons == ["✅ Sluiten"]

    await amina.says("مرحبا، عندي رسالة من البلدية", expect_reply=False)
    await amina.sends_photo(caption="الرسالة", expect_reply=False)
    await emulator.settle_any([forum], quiet=0.3, timeout=5, allow_none=True)
    copies = [m for m in els.topic_messages(case.thread_id) if m.method == "copyMessage"]
    assert [m.media for m in copies] == [None, "photo"]
    assert copies[0].text == "مرحبا، عندي رسالة من البلدية"

    before = len(amina.replies)
    await els.writes_in(case.thread_id, "# interne notitie: brief van de huisvesting", expect_reply=False)
    assert len(amina.replies) == before
    await els.writes_in(case.thread_id, "Goeiemiddag Amina, ik help je verder.")
    assert amina.last_reply().text == "Goeiemiddag Amina, ik help je verder."
    await els.writes_in(case.thread_id, "/send housing_social")
    assert amina.last_reply().mentions(content.answers["housing_social"].texts["ar"].title) or any(
        r.mentions(content.answers["housing_social"].texts["ar"].title) for r in amina.replies[-3:]
    )
    await els.writes_in(case.thread_id, "/send look_into_it")
    assert amina.last_reply().mentions(content.phrases["look_into_it"]["ar"])

    await els.writes_in(case.thread_id, "/close")
    assert amina.last_reply().buttons == ["⭐", "⭐⭐", "⭐⭐⭐", "⭐⭐⭐⭐", "⭐⭐⭐⭐⭐"]
    assert emulator.topic(forum, case.thread_id).closed
    await amina.presses("⭐⭐⭐⭐⭐")
    closed = cases(staff_settings).get(case.id)
    assert closed is not None and closed.status == "closed" and closed.rating == 5
    assert els.topic_messages(case.thread_id)[-1].mentions("5/5")
    await amina.says("شكرا")
    assert amina.last_reply().method == "sendMessage" and not amina.last_reply().copied_from


async def test_a_dutch_case_where_the_resident_leaves_and_comes_back(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    jan = Resident(emulator, "Jan", language_code="nl")
    await jan.says("ik wil met een medewerker praten")
    await jan.presses(content.text("nl", "handoff_consent_yes"))
    await emulator.settle_any(quiet=0.3, timeout=5, allow_none=True)
    case = cases(staff_settings).open_case_of(jan.id)
    assert case is not None
    assert jan.last_reply().mentions(content.text("nl", "case_opened_closed", when="X").split("X")[0].strip())
    await jan.says("/menu")
    assert content.text("nl", "leave_case") in jan.last_reply().buttons
    await jan.presses(content.text("nl", "leave_case"))
    assert cases(staff_settings).open_case_of(jan.id) is None
    assert emulator.topic(forum, case.thread_id).closed  # type: ignore[arg-type]
    await ask_for_a_person(jan, content, "nl")
    reopened = cases(staff_settings).open_case_of(jan.id)
    assert reopened is not None and reopened.id == case.id and reopened.thread_id == case.thread_id
    assert not emulator.topic(forum, case.thread_id).closed  # type: ignore[arg-type]


async def test_an_urgent_case_out_of_hours_gives_emergency_numbers_and_a_marked_topic(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    olena = Resident(emulator, "Olena", language_code="uk")
    replies = await olena.says("мені ніде спати сьогодні вночі, нас виселили")
    assert "112" in replies[0].text
    await olena.presses(content.text("uk", "handoff_consent_yes"))
    await emulator.settle_any(quiet=0.3, timeout=5, allow_none=True)
    case = cases(staff_settings).open_case_of(olena.id)
    assert case is not None and case.urgent
    assert emulator.topic(forum, case.thread_id).name.startswith("🚨")  # type: ignore[arg-type]
    assert "112" in olena.last_reply().text
    els = Caseworker(emulator, forum, "Els")
    await els.writes_in(case.thread_id, "/queue")  # type: ignore[arg-type]
    queue = els.topic_messages(case.thread_id)[-1]  # type: ignore[arg-type]
    assert queue.text.splitlines()[1].startswith("🚨")


async def test_caseworker_commands_outside_the_staff_group_are_refused(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    victim = Resident(emulator, "Victim", language_code="en")
    await ask_for_a_person(victim, content, "en")
    case = cases(staff_settings).open_case_of(victim.id)
    assert case is not None
    intruder = Resident(emulator, "Intruder", language_code="en")
    await intruder.says("/close")
    await intruder.says(f"/send housing_social {case.id}")
    assert cases(staff_settings).get(case.id).status == "open"  # type: ignore[union-attr]
    menu = intruder.last_reply()
    emulator.push_callback(intruder.user, menu, f"case:close:{case.id}")
    await emulator.settle_any(quiet=0.5, timeout=3, allow_none=True)
    assert cases(staff_settings).get(case.id).status == "open"  # type: ignore[union-attr]
    assert emulator.callback_answers[-1].show_alert
    assert not any(m.copied_from and m.copied_from[0] == intruder.chat_id for m in emulator.sent)


async def test_a_deleted_topic_is_recreated_and_the_case_goes_on(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    karim = Resident(emulator, "Karim", language_code="fr")
    case = await case_of(karim, content, "fr", staff_settings)
    emulator.delete_topic(forum, case.thread_id)
    await karim.says("vous êtes là ?", expect_reply=False)
    await emulator.settle_any([forum], quiet=0.5, timeout=5)
    moved = cases(staff_settings).get(case.id)
    assert moved is not None and moved.thread_id not in (None, case.thread_id)
    texts = [m.text for m in Caseworker(emulator, forum, "Els").topic_messages(moved.thread_id)]  # type: ignore[arg-type]
    assert any(text == "vous êtes là ?" for text in texts)
    assert any(content.staff["topic_recreated"] == text for text in texts)


async def test_a_resident_who_blocked_the_bot_is_marked_and_the_caseworker_told(
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
    await els.writes_in(case.thread_id, "Merhaba, size yardım edebilirim.")
    assert any(m.text == content.staff["resident_blocked"] for m in els.topic_messages(case.thread_id))
    blocked = (
        Storage(staff_settings.database_path)
        .db.execute("SELECT blocked FROM residents WHERE id = ?", [ayse.id])
        .fetchone()
    )
    assert blocked == (1,)


async def test_a_restart_in_the_middle_of_a_case_loses_nothing_and_relays_nothing_twice(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    noor = Resident(emulator, "Noor", language_code="ar")
    case = await case_of(noor, content, "ar", staff_settings)
    await noor.says("رسالتي الأولى", expect_reply=False)
    async with stopped(staff_bot), running_bot(staff_settings):
        first = emulator.messages_from(noor.user)[-1]
        emulator.push_update("message", first)  # the same message delivered again after the crash
        await noor.says("رسالتي الثانية", expect_reply=False)
        await emulator.settle_any([forum], quiet=0.5, timeout=5)
        copies = [m.text for m in Caseworker(emulator, forum).topic_messages(case.thread_id) if m.copied_from]
        assert copies.count("رسالتي الأولى") == 1 and copies.count("رسالتي الثانية") == 1


async def test_edits_are_relayed_both_ways_and_waiting_cases_are_reminded(
    staff_bot: WelkomApplication,
    emulator: BotApiEmulator,
    forum: FakeChat,
    content: Content,
    staff_settings: Settings,
) -> None:
    sara = Resident(emulator, "Sara", language_code="en")
    case = await case_of(sara, content, "en", staff_settings)
    await sara.says("my letter is from the OCMW", expect_reply=False)
    await emulator.settle_any([forum], quiet=0.3, timeout=5, allow_none=True)
    await sara.edits("my letter is from the Sociaal Huis", expect_reply=False)
    await emulator.settle_any([forum], quiet=0.3, timeout=5, allow_none=True)
    copies = [m for m in Caseworker(emulator, forum).topic_messages(case.thread_id) if m.copied_from]  # type: ignore[arg-type]
    assert copies[-1].text == "my letter is from the Sociaal Huis" and copies[-1].edited
    els = Caseworker(emulator, forum, "Els")
    await els.writes_in(case.thread_id, "Hello Sara")  # type: ignore[arg-type]
    await els.edits("Hello Sara, I will help you", expect_reply=False)
    await emulator.settle(sara.chat_id, quiet=0.3, timeout=5, allow_none=True)
    assert sara.last_reply().text == "Hello Sara, I will help you"

    topics = staff_bot.bot_data["topics"]
    later = datetime.now(UTC) + timedelta(hours=2)
    waiting = {waiting_case.id for waiting_case in topics.desk.waiting_too_long(later, 30)}
    assert case.id not in waiting  # Els took it by writing in its topic
    assert waiting == {c.id for c in cases(staff_settings).queue() if c.claimed_by is None}
    before = len(emulator.messages_to(forum.id))
    await topics.remind(later, 30)  # this module's office hours are never open: no reminder
    assert len(emulator.messages_to(forum.id)) == before
