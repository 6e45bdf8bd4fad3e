"""Every command in the chat app's menu and every button action has its handler in the routing tables."""

from __future__ import annotations

import pytest

from bot.core import payloads
from bot.core.conversation import Conversation
from bot.core.routing import COMMANDS

pytestmark = pytest.mark.scripted_nlu


def test_every_command_of_the_menu_has_a_handler_and_no_handler_is_hidden(conversation: Conversation) -> None:
    assert set(conversation.routes.commands) == set(COMMANDS)


def test_every_button_action_has_a_handler(conversation: Conversation) -> None:
    assert set(payloads.ARITY) == set(conversation.routes.presses)
