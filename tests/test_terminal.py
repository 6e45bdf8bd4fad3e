"""The terminal chat: the same core, buttons shown as numbered choices."""

from __future__ import annotations

import io

import pytest

from bot.content import Content
from bot.core.conversation import Conversation
from bot.storage import Storage
from bot.storage.cases import Cases
from bot.terminal import chat

pytestmark = pytest.mark.scripted_nlu


async def test_a_terminal_conversation_with_numbered_buttons(
    conversation: Conversation, content: Content, storage: Storage
) -> None:
    typed = io.StringIO("1\nwhere can I learn Dutch?\n\n")
    screen = io.StringIO()
    await chat(conversation, Cases(storage), "en", typed, screen)
    output = screen.getvalue()
    assert "[1] Nederlands" in output and "[6] Українська" in output
    assert content.text("nl", "welcome")[:30] in output
    assert content.answers["dutch_course"].texts["en"].title in output
    assert "→ https://www.integratie-inburgering.be" in output


async def test_a_link_button_prints_its_address_instead_of_sending(
    conversation: Conversation, storage: Storage
) -> None:
    typed = io.StringIO("2\nwhere is city hall\n1\n2\n\n")
    screen = io.StringIO()
    await chat(conversation, Cases(storage), "en", typed, screen)
    assert "(open https://www.google.com/maps/search/?api=1&query=" in screen.getvalue()
    assert "(open https://www.mechelen.be in a browser)" in screen.getvalue()
