"""Bad input and floods: answered sensibly or ignored, never a crash, never markup."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content import Content
from bot.core.conversation import Conversation
from bot.core.incoming_flood import FloodGuard, Pace
from bot.core.messages import Incoming, Kind
from bot.core.text import clean
from bot.storage import Storage
from tests.auxil.core_resident import CoreResident

pytestmark = pytest.mark.scripted_nlu

NASTY = [
    "x" * 4096,
    "😀😀😀🙏",
    "\u0000\u0007hallo\u001b[31m",
    "\u202eik zoek een woning\u202c",
    "Z̵̡̛͉̖̣a̴͍̗̓l̶̢̛g̷̨̈o̸͎͝ woning",
    "<b>bold</b> & <script>alert(1)</script>",
    "   ",
    "/",
    "/start@WelkomBot extra words",
]


@pytest.mark.parametrize("text", NASTY)
async def test_nasty_messages_get_a_reply_and_nothing_breaks(
    conversation: Conversation, storage: Storage, text: str
) -> None:
    resident = CoreResident(conversation, resident_id=abs(hash(text)) % 10**9, client_language="nl")
    turn = await resident.says(text)
    assert turn.replies, text
    for row in storage.turns(resident.id):
        assert row["text"] == clean(row["text"])
        assert len(row["text"]) <= 1000


def test_cleaning_removes_controls_direction_overrides_and_zalgo() -> None:
    assert clean("\u202eabc\u202c\u0000") == "abc"
    assert clean("Z̵̡̛͉̖̣a") == "Z̵̡a"
    assert clean("a\n\n  b") == "a b"


async def test_a_flood_gets_one_slow_down_and_the_rest_is_not_understood_at_all(
    conversation: Conversation, content: Content, storage: Storage
) -> None:
    resident = CoreResident(conversation, resident_id=80, client_language="en")
    outcomes = [(await resident.says(f"message number {n}")).outcome for n in range(14)]
    assert outcomes[:10].count("flood") == 0
    assert outcomes[10] == "flood" and content.text("en", "slow_down") in resident.turns[10].replies[0].text
    assert all(turn.replies == [] for turn in resident.turns[11:])
    assert len(storage.turns(80)) == 10


ids = itertools.count(10**8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(min_size=0, max_size=300),
    kind=st.sampled_from(list(Kind)),
    client_language=st.sampled_from([None, "nl", "ar", "pt-BR", "zz", ""]),
)
async def test_any_input_gets_replies_for_that_resident_only(
    conversation: Conversation, text: str, kind: Kind, client_language: str | None
) -> None:
    resident_id = next(ids)
    event = Incoming(resident_id, kind, text, client_language)
    if kind is Kind.TEXT:
        event = Incoming.message(resident_id, text, client_language)
    turn = await conversation.handle(event)
    assert turn.replies or turn.outcome in {"flood", "relayed"}
    assert turn.relay_case is None
    for reply in turn.replies:
        assert reply.text or reply.document
        for row in reply.buttons:
            for button in row:
                assert button.url or len(button.payload.encode()) <= 64


def test_the_flood_guard_forgets_residents_who_went_quiet() -> None:
    guard = FloodGuard(limit=10, window=10.0)
    for resident in range(1_000):
        assert guard.pace(resident, moment=resident * 0.01) is Pace.OK
    assert guard.pace(5_000, moment=100.0) is Pace.OK
    assert guard.tracked() == 1


def test_a_resident_warned_for_a_flood_starts_afresh_after_going_quiet() -> None:
    guard = FloodGuard(limit=2, window=10.0)
    paces = [guard.pace(7, moment) for moment in (0.0, 0.1, 0.2, 0.3)]
    assert paces == [Pace.OK, Pace.OK, Pace.WARN, Pace.DROP]
    assert guard.pace(8, moment=60.0) is Pace.OK
    assert guard.pace(7, moment=60.5) is Pace.OK
