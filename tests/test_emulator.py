"""The Bot API emulator, exercised with the real python-telegram-bot against a tiny echo bot."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
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

from tests.auxil.resident import Resident
from tests.emulator import BotApiEmulator, EmulatorTimeout

TOKEN = "123456:TEST-token"
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
        bot = Bot(TOKEN, base_url=emulator.base_url, request=request, get_updates_request=request)
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


@pytest.mark.filterwarnings("ignore:.*retry_after:telegram.warnings.PTBDeprecationWarning")
async def test_fault_injection(bot_alone: tuple[BotApiEmulator, Bot]) -> None:
    emulator, bot = bot_alone
    chat_id = emulator.make_user().id
    emulator.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
        await bot.send_message(chat_id, "x")
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
