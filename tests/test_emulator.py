"""The Bot API emulator, exercised with the real python-telegram-bot against a tiny echo bot."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from emulator import BotApiEmulator, EmulatorTimeout, FakeChat
from tests.auxil.caseworker import Caseworker
from tests.auxil.resident import Resident

TOKEN = "123456:TEST-token"
TOPIC_NOT_MODIFIED = "Bad Request: TOPIC_NOT_MODIFIED"
THREAD_NOT_FOUND = "Bad Request: message thread not found"
AnyApp = Application[Any, Any, Any, Any, Any, Any]
MENU = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("🇳🇱 Nederlands", callback_data="lang:nl"),
            InlineKeyboardButton("English", callback_data="lang:en"),
        ],
        [InlineKeyboardButton("Website", url="https://www.mechelen.be")],
    ]
)


# -- the echo bot ---------------------------------------------------------------------------


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.effective_user is not None
    entity = update.message.entities[0]
    await update.message.reply_text(
        f"Welcome, {update.effective_user.first_name} ({update.effective_user.language_code}); "
        f"{entity.type} of length {entity.length}"
    )


async def on_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text("Choose a language", reply_markup=MENU)


async def on_where(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_chat_action("find_location")
    await update.message.reply_venue(
        latitude=51.0279, longitude=4.4803, title="Stadhuis", address="Grote Markt 21, Mechelen"
    )


async def on_html(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_html(
        '<b>Bold</b> &amp; <i>italic</i> &lt;tag&gt; <a href="https://mechelen.be">site</a>'
    )


async def on_keyboard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text("Share?", reply_markup=ReplyKeyboardMarkup([["Yes please", "No thanks"]]))


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    await query.answer(f"chose {query.data}")
    if query.data == "lang:en":
        await query.edit_message_reply_markup(None)
    else:
        await query.edit_message_text(f"Taal: {query.data} (was {query.message.text!r})")


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    assert message is not None
    if message.voice is not None:
        data = await (await message.voice.get_file()).download_as_bytearray()
        await message.reply_text(f"voice of {message.voice.to_dict()['duration']}s, {len(data)} bytes")
    elif message.location is not None:
        await message.reply_text(f"location {message.location.latitude}")
    else:
        kind = next(k for k in ("photo", "sticker", "document") if getattr(message, k))
        await message.reply_text(f"got a {kind}")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.effective_chat is not None
    where = "" if update.effective_chat.type == "private" else f" in {update.effective_chat.type}"
    await update.message.reply_text(f"echo{where}: {update.message.text}")


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emulator:
        yield emulator


@pytest.fixture(scope="module")
async def app(emulator: BotApiEmulator) -> AsyncIterator[AnyApp]:
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(CommandHandler("menu", on_menu))
    application.add_handler(CommandHandler("where", on_where))
    application.add_handler(CommandHandler("html", on_html))
    application.add_handler(CommandHandler("keyboard", on_keyboard))
    application.add_handler(CallbackQueryHandler(on_callback))
    media = filters.PHOTO | filters.Sticker.ALL | filters.VOICE | filters.LOCATION
    application.add_handler(MessageHandler(media | filters.Document.ALL, on_media))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        yield application
        await application.updater.stop()
        await application.stop()


@pytest.fixture
async def bot_alone() -> AsyncIterator[tuple[BotApiEmulator, Bot]]:
    """A fresh emulator and a bare Bot, with nobody polling, to look at getUpdates directly."""
    async with BotApiEmulator(token=TOKEN) as emulator:
        request = HTTPXRequest(read_timeout=5)
        bot = Bot(
            TOKEN,
            base_url=emulator.base_url,
            base_file_url=emulator.base_file_url,
            request=request,
            get_updates_request=request,
        )
        async with bot:
            yield emulator, bot


def resident(emulator: BotApiEmulator, name: str = "Amina", language: str = "ar") -> Resident:
    return Resident(emulator, first_name=name, language_code=language, quiet=0.1, timeout=5)


# -- conversations through the real Application ---------------------------------------------


async def test_text_round_trip(app: AnyApp, emulator: BotApiEmulator) -> None:
    amina = resident(emulator)
    replies = await amina.says("أين يمكنني تسجيل عنواني؟")
    assert [r.text for r in replies] == ["echo: أين يمكنني تسجيل عنواني؟"]
    assert amina.last_reply().mentions("ECHO")
    await amina.says("second")
    assert [r.text for r in amina.replies] == [
        "echo: أين يمكنني تسجيل عنواني؟",
        "echo: second",
    ]


async def test_start_command_has_bot_command_entity(app: AnyApp, emulator: BotApiEmulator) -> None:
    replies = await resident(emulator, "Jan", "nl").says("/start")
    assert replies[0].text == "Welcome, Jan (nl); bot_command of length 6"


async def test_group_chat(app: AnyApp, emulator: BotApiEmulator) -> None:
    user = emulator.make_user("Sara")
    emulator.push_text(user, "hoi", chat_type="group")
    group = emulator.default_chat("group")
    (reply,) = await emulator.wait_for_messages(group.id, timeout=5)
    assert reply.text == "echo in group: hoi"
    assert reply.reply_to_message_id == reply.api["reply_to_message"]["message_id"]
    assert reply.api["reply_to_message"]["text"] == "hoi"  # PTB quotes in groups
    assert group.id < 0


async def test_html_reply_is_recorded_plain_and_raw(app: AnyApp, emulator: BotApiEmulator) -> None:
    (reply,) = await resident(emulator).says("/html")
    assert reply.text == "Bold & italic <tag> site"
    assert reply.raw_text.startswith("<b>Bold</b> &amp;")
    assert reply.parse_mode == "HTML"
    types = [(e["type"], e["offset"], e["length"]) for e in reply.entities]
    assert types == [("bold", 0, 4), ("italic", 7, 6), ("text_link", 20, 4)]
    assert reply.entities[2]["url"] == "https://mechelen.be"


async def test_inline_keyboard_callback_and_edit(app: AnyApp, emulator: BotApiEmulator) -> None:
    amina = resident(emulator)
    (menu,) = await amina.says("/menu")
    assert menu.buttons == ["🇳🇱 Nederlands", "English", "Website"]
    assert menu.keyboard[0][0] == ("🇳🇱 Nederlands", "lang:nl", "callback")
    assert menu.keyboard[1][0].kind == "url"
    (edited,) = await amina.presses("nederlands")  # unique case-insensitive substring
    assert edited is menu and edited.edited
    assert edited.text == "Taal: lang:nl (was 'Choose a language')"
    assert edited.history == ["Choose a language"]
    assert edited.keyboard == []  # editMessageText without reply_markup drops the keyboard
    assert emulator.callback_answers[-1].text == "chose lang:nl"
    assert len(amina.replies) == 1


async def test_edit_reply_markup(app: AnyApp, emulator: BotApiEmulator) -> None:
    amina = resident(emulator)
    await amina.says("/menu")
    (edited,) = await amina.presses("English")
    assert edited.edited and edited.buttons == [] and edited.text == "Choose a language"
    with pytest.raises(AssertionError, match="no button"):
        amina.find_button("English")


async def test_reply_keyboard_button_sends_its_text(app: AnyApp, emulator: BotApiEmulator) -> None:
    amina = resident(emulator)
    (question,) = await amina.says("/keyboard")
    assert question.buttons == ["Yes please", "No thanks"]
    assert "reply_markup" not in question.api  # only inline keyboards come back in Message
    (reply,) = await amina.presses("Yes please")
    assert reply.text == "echo: Yes please"


async def test_venue_and_chat_action(app: AnyApp, emulator: BotApiEmulator) -> None:
    amina = resident(emulator)
    (venue,) = await amina.says("/where")
    assert venue.method == "sendVenue"
    assert venue.venue == (51.0279, 4.4803, "Stadhuis", "Grote Markt 21, Mechelen")
    assert venue.mentions("grote markt")
    assert (amina.chat_id, "find_location") in emulator.chat_actions


async def test_media_messages(app: AnyApp, emulator: BotApiEmulator) -> None:
    amina = resident(emulator)
    assert (await amina.sends_photo())[0].text == "got a photo"
    assert (await amina.sends_sticker())[0].text == "got a sticker"
    assert (await amina.sends_document())[0].text == "got a document"
    assert (await amina.sends_location(51.5, 4.4))[0].text == "location 51.5"
    assert (await amina.sends_voice(4))[0].text == "voice of 4s, 64 bytes"


async def test_settle_can_expect_silence(app: AnyApp, emulator: BotApiEmulator) -> None:
    amina = resident(emulator)
    amina.timeout = 0.3
    emulator.push_message(amina.user, contact=True)  # the echo bot ignores contacts
    assert await emulator.settle(amina.chat_id, timeout=0.3, allow_none=True) == []
    with pytest.raises(EmulatorTimeout, match="no reply"):
        await amina.sends(contact=True)


async def test_commands_per_language(app: AnyApp, emulator: BotApiEmulator) -> None:
    bot = app.bot
    await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("start", "Beginnen")], language_code="nl")
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands([BotCommand("menu", "Menu")], scope=scope, language_code="fr")
    assert emulator.commands[""] == [("start", "Begin"), ("help", "Help")]
    assert emulator.commands["nl"] == [("start", "Beginnen")]
    assert emulator.commands_for("fr", {"type": "all_private_chats"}) == [("menu", "Menu")]
    assert [c.description for c in await bot.get_my_commands(language_code="nl")] == ["Beginnen"]
    assert await bot.get_my_commands(language_code="de") == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Not Valid", "x")])


# -- validation ------------------------------------------------------------------------------


async def test_html_validation(app: AnyApp, emulator: BotApiEmulator) -> None:
    chat_id = emulator.make_user().id
    bad = {
        "<b>unclosed": 'Can\'t find end tag corresponding to start tag "b"',
        "<b>x</i>": 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
        "<marquee>x</marquee>": 'Unsupported start tag "marquee" at byte offset 0',
        "1 < 2": 'Unsupported start tag "" at byte offset 2',
        "x</b>": "Unexpected end tag at byte offset 1",
    }
    for text, detail in bad.items():
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await app.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
        assert emulator.errors[-1].description == f"Bad Request: can't parse entities: {detail}"
    message = await app.bot.send_message(
        chat_id,
        "<pre><code class='language-python'>x &lt; 1</code></pre> &#128512; &nbsp; "
        "<tg-spoiler>s</tg-spoiler>",
        parse_mode=ParseMode.HTML,
    )
    assert message.text == "x < 1 😀 &nbsp; s"
    assert message.entities[0] == MessageEntity("pre", 0, 5, language="python")
    assert message.entities[1].type == "spoiler" and message.entities[1].offset == 16


async def test_text_limits_and_unknown_chat(app: AnyApp, emulator: BotApiEmulator) -> None:
    chat_id = emulator.make_user().id
    with pytest.raises(BadRequest, match="Message is too long"):
        await app.bot.send_message(chat_id, "a" * 4097)
    assert len((await app.bot.send_message(chat_id, "a" * 4096)).text or "") == 4096
    with pytest.raises(BadRequest, match="Message text is empty"):
        await app.bot.send_message(chat_id, "  \n ")
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await app.bot.send_message(chat_id, "re", reply_parameters=ReplyParameters(9999))
    lenient = ReplyParameters(9999, allow_sending_without_reply=True)
    assert (await app.bot.send_message(chat_id, "re", reply_parameters=lenient)).reply_to_message is None
    with pytest.raises(BadRequest, match="Chat not found"):
        await app.bot.send_message(424242, "hello")
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await app.bot.send_message(chat_id, "menu", reply_markup=too_long)


async def test_edit_validation(app: AnyApp, emulator: BotApiEmulator) -> None:
    chat_id = emulator.make_user().id
    message = await app.bot.send_message(chat_id, "one")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await app.bot.edit_message_text("one", chat_id, message.message_id)
    edited = await app.bot.edit_message_text("<i>two</i>", chat_id, message.message_id, parse_mode="HTML")
    assert not isinstance(edited, bool) and edited.text == "two" and edited.edit_date is not None
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await app.bot.edit_message_text("x", chat_id, 9999)


async def test_blocked_user_is_forbidden(app: AnyApp, emulator: BotApiEmulator) -> None:
    user = emulator.make_user()
    user.blocked = True
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(user.id, "hello")


# -- getUpdates, faults and protocol details with a bare Bot ---------------------------------


async def test_get_updates_offsets(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = bot_alone
    user = emulator.make_user()
    ids = [emulator.push_text(user, f"m{i}") for i in range(3)]
    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
    assert [u.update_id for u in await bot.get_updates()] == ids  # unconfirmed: again
    assert [u.update_id for u in await bot.get_updates(offset=ids[1] + 1)] == ids[2:]
    new = emulator.push_text(user, "m3")
    updates = await bot.get_updates(offset=ids[2] + 1)
    assert [(u.update_id, u.message.text if u.message else None) for u in updates] == [(new, "m3")]
    assert await bot.get_updates(offset=new + 1) == ()
    assert emulator.pending_updates == []


async def test_long_poll(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = bot_alone
    user = emulator.make_user()
    started = time.monotonic()
    assert await bot.get_updates(timeout=dt.timedelta(seconds=0.5)) == ()
    assert time.monotonic() - started >= 0.45
    poll = asyncio.create_task(bot.get_updates(timeout=4))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    update_id = emulator.push_text(user, "wake up")
    updates = await poll
    assert time.monotonic() - started < 0.5
    assert [u.update_id for u in updates] == [update_id]


async def test_fault_injection(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = bot_alone
    chat_id = emulator.make_user().id
    emulator.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(chat_id, "x")
    assert refused.value.retry_after == dt.timedelta(seconds=3)
    emulator.fail_next("sendMessage", 500, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(chat_id, "x")
    assert (await bot.send_message(chat_id, "x")).text == "x"
    emulator.slow_next("getMe", 1.0)
    with pytest.raises(TimedOut):
        await bot.get_me(read_timeout=0.2)
    assert [e.injected for e in emulator.errors] == [True, True, True]
    assert len(emulator.sent) == 1
    emulator.reset_next("sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(chat_id, "dropped")
    assert len(emulator.sent) == 1
    assert (await bot.send_message(chat_id, "y")).text == "y"


async def test_protocol_details(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = bot_alone
    assert (await bot.get_me()).username == "welkom_test_bot"
    assert bot.id == 123456
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("fooBar")
    wrong = Bot("999:WRONG", base_url=emulator.base_url)
    with pytest.raises(InvalidToken, match="rejected by the server"):
        await wrong.initialize()
    await wrong.shutdown()
    user = emulator.make_user("Amina", username="amina")
    chat = await bot.get_chat("@amina")
    assert (chat.id, chat.type, chat.first_name) == (user.id, "private", "Amina")
    await bot.send_message(user.id, "hi", reply_markup=MENU)
    params = emulator.calls_to("sendMessage")[-1]
    assert params["chat_id"] == user.id
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "lang:nl"
    assert await bot.delete_webhook(drop_pending_updates=True)


async def test_json_multipart_and_query_requests(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, _ = bot_alone
    chat_id = emulator.make_user().id
    url = f"{emulator.base_url}{TOKEN}"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with httpx.AsyncClient() as client:
        as_json = await client.post(
            f"{url}/sendMessage", json={"chat_id": chat_id, "text": "json", "reply_markup": markup}
        )
        multipart = await client.post(
            f"{url}/sendMessage",
            data={"chat_id": str(chat_id), "text": "multi", "reply_markup": json.dumps(markup)},
            files={"thumbnail": ("t.jpg", b"\xff\xd8", "image/jpeg")},
        )
        query = await client.get(f"{url}/getChat", params={"chat_id": chat_id})
        unknown = await client.post(f"{url}/noSuchMethod")
    assert as_json.json()["result"]["reply_markup"] == markup
    assert multipart.json()["result"]["text"] == "multi"
    assert emulator.calls_to("sendMessage")[-1]["thumbnail"].data == b"\xff\xd8"
    assert [m.buttons for m in emulator.sent] == [["A"], ["A"]]
    assert query.json()["result"]["id"] == chat_id
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )


# -- forums, topics, media and copies ---------------------------------------------------------


async def rejects(emulator: BotApiEmulator, call: Awaitable[object], description: str) -> None:
    """The request fails with exactly Telegram's `description`."""
    with pytest.raises(TelegramError):
        await call
    assert emulator.errors[-1].description == description


async def test_forum_topic_lifecycle(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = bot_alone
    forum = emulator.make_forum()
    topic = await bot.create_forum_topic(forum.id, "Amina · wonen", icon_color=0xFFD67E)
    thread = topic.message_thread_id
    assert (topic.name, topic.icon_color) == ("Amina · wonen", 0xFFD67E)
    (created,) = emulator.messages_in_topic(forum, thread, include_service=True)
    assert created["message_id"] == thread and created["forum_topic_created"]["name"] == "Amina · wonen"
    assert emulator.messages_in_topic(forum, thread) == []
    assert await bot.get_updates() == ()  # the bot's own service message is not delivered
    assert await bot.edit_forum_topic(forum.id, thread, name="Amina · opgenomen")
    await rejects(
        emulator, bot.edit_forum_topic(forum.id, thread, name="Amina · opgenomen"), TOPIC_NOT_MODIFIED
    )
    assert await bot.close_forum_topic(forum.id, thread)
    await rejects(emulator, bot.close_forum_topic(forum.id, thread), TOPIC_NOT_MODIFIED)
    assert (await bot.send_message(forum.id, "still allowed", message_thread_id=thread)).text
    assert await bot.reopen_forum_topic(forum.id, thread)
    await rejects(emulator, bot.reopen_forum_topic(forum.id, thread), TOPIC_NOT_MODIFIED)
    (record,) = emulator.topics(forum)
    assert (record.name, record.history, record.closed, record.deleted) == (
        "Amina · opgenomen",
        ["Amina · wonen"],
        False,
        False,
    )
    assert emulator.find_topic(forum, "Amina · opgenomen") is record
    assert await bot.delete_forum_topic(forum.id, thread)
    assert record.deleted and emulator.messages_in_topic(forum, thread, include_service=True) == []
    assert emulator.sent[-1].deleted
    await rejects(emulator, bot.close_forum_topic(forum.id, thread), "Bad Request: TOPIC_ID_INVALID")


async def test_forum_topic_errors(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = bot_alone
    forum = emulator.make_forum()
    for name in ("", "   ", "x" * 129):
        await rejects(emulator, bot.create_forum_topic(forum.id, name), "Bad Request: TOPIC_NAME_INVALID")
    assert (await bot.create_forum_topic(forum.id, "x" * 128)).icon_color == 0x6FB9F0
    not_forum = "Bad Request: the chat is not a forum"
    await rejects(emulator, bot.create_forum_topic(emulator.make_chat().id, "t"), not_forum)
    await rejects(emulator, bot.create_forum_topic(emulator.make_user().id, "t"), not_forum)
    no_rights = emulator.make_chat(is_forum=True)  # the bot is a plain member there
    await rejects(
        emulator,
        bot.create_forum_topic(no_rights.id, "t"),
        "Bad Request: not enough rights to create a topic",
    )
    await rejects(emulator, bot.edit_forum_topic(forum.id, 999, name="t"), "Bad Request: TOPIC_ID_INVALID")


async def test_messages_in_topics(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = bot_alone
    forum = emulator.make_forum()
    thread = (await bot.create_forum_topic(forum.id, "Case 1")).message_thread_id
    card = await bot.send_message(forum.id, "<b>Case</b>", parse_mode="HTML", message_thread_id=thread)
    assert card.message_thread_id == thread and card.is_topic_message
    assert card.reply_to_message is not None and card.reply_to_message.forum_topic_created is not None
    assert emulator.sent[-1].message_thread_id == thread and emulator.sent[-1].reply_to_message_id is None
    reply = await bot.send_message(forum.id, "re", reply_parameters=ReplyParameters(card.message_id))
    assert reply.message_thread_id == thread  # a reply goes to the topic of the replied message
    general = await bot.send_message(forum.id, "general")
    assert general.message_thread_id is None and not general.is_topic_message
    for missing in (1, 999):  # 1 is the General topic, which takes no thread id
        await rejects(emulator, bot.send_message(forum.id, "x", message_thread_id=missing), THREAD_NOT_FOUND)
    venue = await bot.send_venue(
        forum.id, 51.03, 4.48, "Stadhuis", "Grote Markt 21", message_thread_id=thread
    )
    assert venue.message_thread_id == thread and emulator.sent[-1].media == "venue"
    edited = await bot.edit_message_text("Case · taken", forum.id, card.message_id)
    assert not isinstance(edited, bool) and edited.message_thread_id == thread and edited.is_topic_message
    assert [m["message_id"] for m in emulator.messages_in_topic(forum, thread)] == [
        card.message_id,
        reply.message_id,
        venue.message_id,
    ]


async def test_photos_documents_and_captions(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = bot_alone
    user = emulator.make_user()
    forum = emulator.make_forum()
    thread = (await bot.create_forum_topic(forum.id, "Case 2")).message_thread_id
    emulator.push_message(user, photo=True)
    (update,) = await bot.get_updates()
    assert update.message is not None
    file_id = update.message.photo[-1].file_id
    photo = await bot.send_photo(
        forum.id, file_id, caption="<b>Foto</b> van Amina", parse_mode="HTML", message_thread_id=thread
    )
    assert [size.file_id for size in photo.photo] == [size.file_id for size in update.message.photo]
    assert photo.caption == "Foto van Amina" and photo.caption_entities[0].type == "bold"
    assert photo.message_thread_id == thread
    record = emulator.sent[-1]
    assert (record.media, record.file_id, record.text, record.method) == (
        "photo",
        file_id,
        "Foto van Amina",
        "sendPhoto",
    )
    document = await bot.send_document(user.id, b"%PDF-1.4 brief", filename="brief.pdf", caption="Uw brief")
    assert document.document is not None and document.document.file_name == "brief.pdf"
    assert await (await document.document.get_file()).download_as_bytearray() == b"%PDF-1.4 brief"
    assert (await bot.send_photo(user.id, b"\x89PNG\r\n")).photo[-1].file_size == 6
    await rejects(
        emulator, bot.send_photo(user.id, document.document.file_id), "Bad Request: type of file mismatch"
    )
    wrong = "Bad Request: wrong file identifier/HTTP URL specified"
    await rejects(emulator, bot.send_document(user.id, "NO-SUCH-FILE"), wrong)
    await rejects(
        emulator,
        bot.send_photo(user.id, file_id, caption="x" * 1025),
        "Bad Request: message caption is too long",
    )
    edited = await bot.edit_message_caption(
        forum.id, photo.message_id, caption="<i>Nieuw</i>", parse_mode="HTML"
    )
    assert not isinstance(edited, bool) and edited.caption == "Nieuw" and edited.message_thread_id == thread
    assert record.text == "Nieuw" and record.history == ["Foto van Amina"]
    text = await bot.send_message(user.id, "tekst")
    no_caption = "Bad Request: there is no caption in the message to edit"
    await rejects(emulator, bot.edit_message_caption(user.id, text.message_id, caption="x"), no_caption)
    no_text = "Bad Request: there is no text in the message to edit"
    await rejects(emulator, bot.edit_message_text("x", forum.id, photo.message_id), no_text)


async def test_copy_message(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = bot_alone
    user = emulator.make_user("Amina")
    forum = emulator.make_forum()
    thread = (await bot.create_forum_topic(forum.id, "Amina")).message_thread_id
    pushes = [
        emulator.push_text(user, "Help met /start aub"),
        emulator.push_message(user, photo=True, caption="mijn brief"),
        emulator.push_message(user, voice=5),
        emulator.push_message(user, sticker="🙏"),
        emulator.push_message(user, document="huurcontract.pdf"),
        emulator.push_message(user, location=(51.02, 4.47)),
        emulator.push_message(user, venue=(51.03, 4.48, "OCMW", "Lange Schipstraat 27")),
    ]
    copies = []
    for update_id in pushes:
        source = emulator.message_of(update_id)
        copied = await bot.copy_message(forum.id, user.id, source["message_id"], message_thread_id=thread)
        copies.append(emulator.sent[-1])
        assert copies[-1].message_id == copied.message_id
        assert copies[-1].copied_from == (user.id, source["message_id"])
        assert copies[-1].message_thread_id == thread and copies[-1].api["is_topic_message"]
    assert [c.media for c in copies] == [None, "photo", "voice", "sticker", "document", "location", "venue"]
    assert copies[0].text == "Help met /start aub" and copies[0].entities[0]["type"] == "bot_command"
    assert (
        copies[1].text == "mijn brief"
        and copies[1].file_id == emulator.message_of(pushes[1])["photo"][-1]["file_id"]
    )
    assert copies[6].venue is not None and copies[6].mentions("lange schipstraat")
    assert all(c.method == "copyMessage" for c in copies)
    # ... and back from the forum to the resident, with a new caption
    await bot.copy_message(
        user.id, forum.id, copies[1].message_id, caption="<b>Ontvangen</b>", parse_mode="HTML"
    )
    back = emulator.sent[-1]
    assert (back.chat_id, back.text, back.entities[0]["type"], back.media) == (
        user.id,
        "Ontvangen",
        "bold",
        "photo",
    )
    await rejects(
        emulator, bot.copy_message(forum.id, user.id, 9999), "Bad Request: message to copy not found"
    )
    await rejects(
        emulator, bot.copy_message(user.id, forum.id, thread), "Bad Request: message can't be copied"
    )
    await rejects(emulator, bot.copy_message(forum.id, user.id, 1, message_thread_id=77), THREAD_NOT_FOUND)
    user.blocked = True
    await rejects(
        emulator,
        bot.copy_message(user.id, forum.id, copies[0].message_id),
        "Forbidden: bot was blocked by the user",
    )


async def test_chat_members(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = bot_alone
    els, stranger = emulator.make_user("Els"), emulator.make_user("Stranger")
    boss = emulator.make_user("Boss")
    forum = emulator.make_forum(members=[els], admins=[boss])
    assert isinstance(await bot.get_chat_member(forum.id, els.id), ChatMemberMember)
    admin = await bot.get_chat_member(forum.id, bot.id)
    assert isinstance(admin, ChatMemberAdministrator) and admin.can_manage_topics
    assert (await bot.get_chat_member(forum.id, boss.id)).status == "administrator"
    assert isinstance(await bot.get_chat_member(forum.id, stranger.id), ChatMemberLeft)
    emulator.set_member(forum, els, "kicked")
    assert isinstance(await bot.get_chat_member(forum.id, els.id), ChatMemberBanned)
    assert emulator.member_status(forum, els) == "kicked"
    for status in ("creator", "restricted"):  # every status parses into its ChatMember class
        emulator.set_member(forum, stranger, status)
        assert (await bot.get_chat_member(forum.id, stranger.id)).status == status
    assert (await bot.get_chat_member(stranger.id, stranger.id)).status == "member"
    await rejects(emulator, bot.get_chat_member(forum.id, 42), "Bad Request: user not found")


async def test_pushes_in_topics_and_edits(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = bot_alone
    amina, els = emulator.make_user("Amina"), emulator.make_user("Els")
    forum = emulator.make_forum(members=[els])
    thread = (await bot.create_forum_topic(forum.id, "Amina")).message_thread_id
    first = emulator.push_text(els, "Dag Amina", chat=forum, message_thread_id=thread)
    emulator.push_message(els, photo=True, caption="afspraak", chat=forum, message_thread_id=thread)
    emulator.push_edit(els, emulator.message_of(first), "Dag Amina, ik ben Els")
    emulator.push_text(amina, "hallo")
    emulator.push_edit(amina, emulator.messages_from(amina)[-1], "hallo /start")
    closed = emulator.close_topic(forum, thread, by=els)
    updates = await bot.get_updates()
    text, photo, edit, private, private_edit, service = updates
    assert text.message is not None and text.message.text == "Dag Amina"  # queued before the edit
    assert text.message.message_thread_id == thread and text.message.is_topic_message
    assert text.message.reply_to_message is not None
    assert text.message.reply_to_message.forum_topic_created is not None
    assert (
        photo.message is not None and photo.message.caption == "afspraak" and photo.message.is_topic_message
    )
    assert edit.edited_message is not None and edit.edited_message.text == "Dag Amina, ik ben Els"
    assert edit.edited_message.message_thread_id == thread and edit.edited_message.edit_date is not None
    assert private.message is not None and private_edit.edited_message is not None
    assert private_edit.edited_message.entities[0].type == "bot_command"
    assert service.update_id == closed and service.message is not None
    assert service.message.forum_topic_closed is not None and emulator.topic(forum, thread).closed
    assert [m["from"]["id"] for m in emulator.messages_in_topic(forum, thread)] == [els.id, els.id]
    with pytest.raises(ValueError, match="no topic 999"):
        emulator.push_text(els, "x", chat=forum, message_thread_id=999)
    bot_message = await bot.send_message(forum.id, "bot in topic", message_thread_id=thread)
    emulator.push_text(els, "re", chat=forum, reply_to=bot_message.message_id)  # stays in the topic
    (reply,) = await bot.get_updates(offset=closed + 1)
    assert reply.message is not None and reply.message.message_thread_id == thread
    assert (
        reply.message.reply_to_message is not None and reply.message.reply_to_message.text == "bot in topic"
    )
    emulator.delete_topic(forum, thread)
    assert emulator.topic(forum, thread).deleted and emulator.sent[-1].deleted
    assert emulator.messages_in_topic(forum, thread) == []
    with pytest.raises(ValueError, match="no topic"):
        emulator.push_text(els, "x", chat=forum, message_thread_id=thread)
    await rejects(emulator, bot.send_message(forum.id, "x", message_thread_id=thread), THREAD_NOT_FOUND)


# -- a caseworker handoff through the real Application -----------------------------------------


async def relay_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A resident's message opens a case topic (once) and is copied into it."""
    message, user = update.message, update.effective_user
    assert message is not None and user is not None
    forum_id: int = context.bot_data["forum"]
    threads: dict[int, int] = context.bot_data.setdefault("threads", {})
    if user.id not in threads:
        topic = await context.bot.create_forum_topic(forum_id, f"Case {user.first_name}")
        threads[user.id] = topic.message_thread_id
        context.bot_data.setdefault("residents", {})[topic.message_thread_id] = user.id
        take = InlineKeyboardMarkup([[InlineKeyboardButton("🙋 Opnemen", callback_data="take")]])
        await context.bot.send_message(
            forum_id, f"New case: {user.first_name}", message_thread_id=threads[user.id], reply_markup=take
        )
    await message.copy(forum_id, message_thread_id=threads[user.id])
    await message.reply_text("Doorgestuurd")


async def relay_forum(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A caseworker's message in a case topic is copied to the resident."""
    message = update.message
    assert message is not None
    resident = context.bot_data.get("residents", {}).get(message.message_thread_id)
    if resident is not None:
        await message.copy(resident)


async def relay_take(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    await query.answer()
    await query.edit_message_text(f"Opgenomen door {query.from_user.first_name}")
    resident = context.bot_data["residents"][query.message.message_thread_id]
    await context.bot.send_message(resident, f"{query.from_user.first_name} helpt je verder")


async def relay_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.edited_message
    assert message is not None and message.from_user is not None
    thread = context.bot_data["threads"][message.from_user.id]
    await context.bot.send_message(context.bot_data["forum"], f"✏️ {message.text}", message_thread_id=thread)
    await message.reply_text("Aangepast")


@pytest.fixture
async def relay() -> AsyncIterator[tuple[BotApiEmulator, FakeChat]]:
    async with BotApiEmulator(token=TOKEN) as emulator:
        forum = emulator.make_forum()
        application = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(emulator.base_url)
            .base_file_url(emulator.base_file_url)
            .build()
        )
        application.bot_data["forum"] = forum.id
        private = filters.ChatType.PRIVATE
        application.add_handler(MessageHandler(private & filters.UpdateType.MESSAGE, relay_private))
        application.add_handler(MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, relay_edit))
        topic_messages = filters.ChatType.SUPERGROUP & filters.IS_TOPIC_MESSAGE & filters.UpdateType.MESSAGE
        application.add_handler(MessageHandler(topic_messages, relay_forum))
        application.add_handler(CallbackQueryHandler(relay_take, pattern="^take$"))
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0, timeout=1)
            yield emulator, forum
            await application.updater.stop()
            await application.stop()


async def test_caseworker_handoff(relay: tuple[BotApiEmulator, FakeChat]) -> None:
    emulator, forum = relay
    amina = resident(emulator, "Amina", "nl")
    els = Caseworker(emulator, forum, "Els", quiet=0.1, timeout=5)
    assert emulator.member_status(forum, els.user) == "member"
    (ack,) = await amina.says("Ik heb hulp nodig met mijn huur")
    assert ack.text == "Doorgestuurd"
    card, copy = await emulator.settle_any([forum], timeout=1)  # since Amina's message
    (topic,) = els.topics()
    thread = topic.message_thread_id
    assert topic.name == "Case Amina" and not topic.closed
    assert els.topic_messages(thread) == [card, copy]
    assert card.buttons == ["🙋 Opnemen"]
    assert copy.text == "Ik heb hulp nodig met mijn huur"
    assert copy.copied_from == (amina.chat_id, emulator.messages_from(amina.user)[-1]["message_id"])
    activity = await els.presses("Opnemen")
    assert {message.chat_id for message in activity} == {forum.id, amina.chat_id}
    assert card.edited and card.text == "Opgenomen door Els" and card.message_thread_id == thread
    assert amina.last_reply().text == "Els helpt je verder"
    (answer,) = await els.writes_in(thread, "Dag Amina, wat is uw adres?")
    assert (answer.chat_id, answer.method, answer.text) == (
        amina.chat_id,
        "copyMessage",
        "Dag Amina, wat is uw adres?",
    )
    assert answer.copied_from == (forum.id, els.written(thread)[-1]["message_id"])
    assert await emulator.settle(amina.chat_id, timeout=0.2, allow_none=True) == []  # already seen
    (form,) = await els.sends_in(thread, photo=True, caption="formulier")
    assert (form.chat_id, form.media, form.text) == (amina.chat_id, "photo", "formulier")
    (edited,) = await amina.edits("Ik heb hulp nodig met mijn huurcontract")
    assert edited.text == "Aangepast"
    assert els.topic_messages(thread)[-1].text == "✏️ Ik heb hulp nodig met mijn huurcontract"
    jan = Caseworker(emulator, forum, "Jan", watch=[forum], quiet=0.1, timeout=0.3)
    assert await jan.writes_in(thread, "Notitie", expect_reply=False) == []  # it went to Amina only
    assert amina.last_reply().text == "Notitie" and len(els.written(thread)) == 2
    assert emulator.errors == []
