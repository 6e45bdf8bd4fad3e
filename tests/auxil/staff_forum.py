"""A resident's case in the staff forum, for the end-to-end handoff, relay and urgent tests.

The fixtures `emulator`, `forum`, `content_dir`, `bot_nlu_url`, `staff_settings` and `staff_bot` are in
tests/conftest.py; these are the steps the tests share."""

from __future__ import annotations

from bot.content import Content
from bot.settings import Settings
from bot.storage import Case, Cases, Storage
from tests.auxil.resident import Resident


def cases(settings: Settings) -> Cases:
    """The cases in the running bot's database, read through a connection of the test's own."""
    return Cases(Storage(settings.database_path))


async def ask_for_a_person(resident: Resident, content: Content, language: str) -> None:
    await resident.says("/menu")
    await resident.presses(content.text(language, "topic.person"))
    await resident.presses(content.text(language, "handoff_consent_yes"))
    await resident.emulator.settle_any(quiet=0.3, timeout=5, allow_none=True)


async def case_of(resident: Resident, content: Content, language: str, settings: Settings) -> Case:
    """The resident asks for a person and agrees; their case, with its topic."""
    await ask_for_a_person(resident, content, language)
    case = cases(settings).open_case_of(resident.id)
    assert case is not None and case.thread_id is not None
    return case
