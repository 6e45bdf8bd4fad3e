"""Privacy in the resident's language: the notice, a copy of their data, deletion, retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.content import Content
from bot.core.conversation import Conversation
from bot.core.messages import ResidentForgotten
from bot.storage import LoggedTurn, Storage
from bot.storage.cases import Cases
from bot.storage.data_rights import DataRights
from tests.auxil.core_resident import CoreResident

pytestmark = pytest.mark.scripted_nlu


async def test_first_contact_shows_the_privacy_notice_once(
    conversation: Conversation, content: Content
) -> None:
    resident = CoreResident(conversation, resident_id=61, client_language="tr")
    await resident.says("Hollandaca kursu nerede?")
    notice = content.text("tr", "privacy_notice", days="90 gün")
    assert resident.last.replies[-1].text == notice
    await resident.says("teşekkürler")
    assert notice not in resident.last_text()


async def test_after_start_the_notice_comes_in_the_chosen_language(
    conversation: Conversation, content: Content
) -> None:
    resident = CoreResident(conversation, resident_id=62, client_language="en")
    await resident.says("/start")
    assert "🔒" not in resident.last_text()
    await resident.presses("Français")
    assert content.text("fr", "privacy_notice", days="90 jours") in resident.last_text()
    await resident.presses(content.text("fr", "privacy_more"))
    assert content.text("fr", "privacy_full", days="90 jours") in resident.last_text()


async def test_mydata_sends_everything_stored_about_the_resident_only(
    conversation: Conversation, content: Content
) -> None:
    mine = CoreResident(conversation, resident_id=63, client_language="nl")
    other = CoreResident(conversation, resident_id=64, client_language="nl")
    await mine.says("ik zoek een sociale woning")
    await other.says("geheime vraag van iemand anders")
    turn = await mine.says("/mydata")
    document = turn.replies[0].document
    assert document is not None and document[0] == "welkom-63.json"
    data = json.loads(document[1])
    assert [row["text"] for row in data["conversation"]] == ["ik zoek een sociale woning"]
    assert data["resident"][0]["id"] == 63
    assert b"geheime vraag" not in document[1]


async def test_mydata_holds_no_staff_identity(
    conversation: Conversation, content: Content, storage: Storage
) -> None:
    resident = CoreResident(conversation, resident_id=65, client_language="nl")
    await resident.says("ik wil met een medewerker praten")
    await resident.presses(content.text("nl", "handoff_consent_yes"))
    cases = Cases(storage)
    case = cases.open_case_of(65)
    assert case is not None
    cases.claim(case.id, 424242, "Els")
    cases.set_topic(case.id, thread_id=515151, card_message_id=616161)
    turn = await resident.says("/mydata")
    document = turn.replies[0].document
    assert document is not None
    data = json.loads(document[1])
    assert data["cases"][0]["status"] == "open"
    for staff_only in (b"claimed_by", b"424242", b"Els", b"515151", b"616161"):
        assert staff_only not in document[1]


async def test_forget_deletes_everything_after_confirmation_and_tells_the_case_topic(
    conversation: Conversation, content: Content, storage: Storage
) -> None:
    resident = CoreResident(conversation, resident_id=65, client_language="ar")
    await resident.says("أريد التحدث مع موظف")
    await resident.presses(content.text("ar", "handoff_consent_yes"))
    case = Cases(storage).open_case_of(65)
    assert case is not None
    Cases(storage).set_topic(case.id, thread_id=500, card_message_id=501)
    await resident.says("/forget")
    await resident.presses(content.text("ar", "forget_no"))
    assert storage.turns(65)
    await resident.says("/forget")
    turn = await resident.presses(content.text("ar", "forget_yes"))
    assert turn.staff_events == [ResidentForgotten(case.id, 500)]
    for table, column in [
        ("residents", "id"),
        ("conversation_log", "resident_id"),
        ("feedback", "resident_id"),
        ("cases", "resident_id"),
    ]:
        assert not list(storage.db.query(f"SELECT 1 FROM {table} WHERE {column} = 65")), table
    assert not list(storage.db.query("SELECT 1 FROM case_messages WHERE case_id = ?", [case.id]))


def test_retention_deletes_old_turns_and_closed_cases_but_keeps_recent_ones(storage: Storage) -> None:
    storage.touch_resident(70)
    old = storage.log_turn(LoggedTurn(70, "oud", "nl", "nl", "greet", 0.9, "greet", "answered"))
    recent = storage.log_turn(LoggedTurn(70, "nieuw", "nl", "nl", "greet", 0.9, "greet", "answered"))
    long_ago = (datetime.now(UTC) - timedelta(days=120)).isoformat(timespec="seconds")
    storage.db.execute("UPDATE conversation_log SET created_at = ? WHERE id = ?", [long_ago, old])
    cases = Cases(storage)
    closed = cases.open(70, "nl", False, "asked", [])
    cases.close(closed.id)
    storage.db.execute("UPDATE cases SET closed_at = ? WHERE id = ?", [long_ago, closed.id])
    still_open = cases.open(70, "nl", False, "asked", [])
    deleted = DataRights(storage).apply_retention(days=90)
    assert deleted == {"conversation_turns": 1, "closed_cases": 1}
    assert [row["id"] for row in storage.turns(70)] == [recent]
    assert cases.get(closed.id) is None and cases.get(still_open.id) is not None


def test_update_ids_are_forgotten_two_days_after_they_were_seen(storage: Storage) -> None:
    assert storage.first_delivery(1001) and storage.first_delivery(1002)
    three_days_ago = (datetime.now(UTC) - timedelta(days=3)).isoformat(timespec="seconds")
    storage.db.execute("UPDATE processed_updates SET seen_at = ? WHERE update_id = 1001", [three_days_ago])
    DataRights(storage).apply_retention(days=90)
    assert [row["update_id"] for row in storage.db.query("SELECT update_id FROM processed_updates")] == [1002]
    assert not storage.first_delivery(1002)


def test_the_privacy_notice_is_due_once_per_resident(storage: Storage) -> None:
    storage.touch_resident(71)
    assert [storage.privacy_notice_due(71) for _ in range(3)] == [True, False, False]


def test_relays_waiting_or_failed_in_the_outbox_go_with_retention_and_forget(storage: Storage) -> None:
    storage.touch_resident(71)
    storage.touch_resident(72)
    cases = Cases(storage)
    old = cases.open(71, "nl", False, "asked", [])
    failed = cases.begin_relay(old.id, "caseworker", "uw afspraak", source_message_id=5)
    assert failed is not None
    cases.mark_failed(failed, "Forbidden: bot was blocked by the user")
    cases.close(old.id)
    long_ago = (datetime.now(UTC) - timedelta(days=120)).isoformat(timespec="seconds")
    storage.db.execute("UPDATE cases SET closed_at = ? WHERE id = ?", [long_ago, old.id])
    forgetful = cases.open(72, "nl", False, "asked", [])
    assert cases.begin_relay(forgetful.id, "resident", "mijn brief", source_message_id=9) is not None
    assert len(cases.pending_relays()) == 1
    DataRights(storage).apply_retention(days=90)
    assert cases.relay(failed) is None
    DataRights(storage).forget(72)
    assert cases.pending_relays() == []
