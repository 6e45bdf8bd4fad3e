"""Shared fixtures: a real Rasa server trained from nlu_data/, real SQLite files, the real content.

`nlu_url` is where the bot's NLU client goes: the real Rasa server, or, in a module marked
`scripted_nlu` (its subject is not understanding), the stand-in of tests/auxil/scripted_nlu.py.
Every test that needs the real server, through any fixture, is marked `rasa`: `pytest -m "not rasa"`
runs the rest without training or starting Rasa."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.content import Content, load_content
from bot.core.conversation import Conversation
from bot.core.handoff import Handoff
from bot.core.language import LanguageDetection
from bot.core.resident_privacy import Privacy
from bot.nlu import RasaNlu
from bot.nlu.rasa_server import RasaServer, ensure_model, free_port
from bot.services import thresholds
from bot.settings import PROJECT_ROOT, Settings
from bot.storage import Storage
from bot.storage.cases import Cases
from bot.storage.data_rights import DataRights
from bot.telegram.app import WelkomApplication
from emulator import BotApiEmulator, FakeChat
from tests.auxil.running_bot import content_never_open, running_bot, telegram_settings
from tests.auxil.scripted_nlu import scripted_nlu

# As the bot does (bot/telegram/__init__.py), for the tests that drive python-telegram-bot directly.
os.environ.setdefault("PTB_TIMEDELTA", "true")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that need the real Rasa server; they run on one worker, so one server is started."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        scripted = item.get_closest_marker("scripted_nlu") is not None
        if "rasa_url" in fixtures or ("nlu_url" in fixtures and not scripted):
            item.add_marker(pytest.mark.rasa)
        if item.get_closest_marker("rasa") is not None:
            item.add_marker(pytest.mark.xdist_group("rasa"))


@pytest.fixture(scope="session")
def base_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings as in production, but never read from a developer's .env file."""
    return Settings(_env_file=None, database_path=tmp_path_factory.mktemp("db") / "welkom.db")


@pytest.fixture(scope="session")
def rasa_url(base_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Rasa server with the model trained from nlu_data/ (training is cached by fingerprint)."""
    model = ensure_model(base_settings.nlu_dir, base_settings.rasa_venv)
    log_file = tmp_path_factory.mktemp("rasa") / "rasa.log"
    server = RasaServer(model, base_settings.rasa_venv, free_port(), log_file)
    server.start(base_settings.rasa_startup_seconds)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def scripted_nlu_url(base_settings: Settings) -> Iterator[str]:
    """The scripted stand-in for Rasa (tests/auxil/scripted_nlu.py), for tests not about understanding."""
    with scripted_nlu(base_settings.nlu_dir / "data") as url:
        yield url


@pytest.fixture(scope="module")
def nlu_url(request: pytest.FixtureRequest) -> str:
    """The real Rasa server, or the scripted one in a module marked `scripted_nlu`."""
    if request.node.get_closest_marker("scripted_nlu"):
        return str(request.getfixturevalue("scripted_nlu_url"))
    return str(request.getfixturevalue("rasa_url"))


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(PROJECT_ROOT / "content", PROJECT_ROOT / "flows")


@pytest.fixture(scope="session")
def detector(content: Content) -> LanguageDetection:
    return LanguageDetection(content.languages)


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    store = Storage(tmp_path / "welkom.db")
    yield store
    store.close()


@pytest.fixture
async def nlu(nlu_url: str) -> AsyncIterator[RasaNlu]:
    client = RasaNlu(nlu_url, timeout_seconds=5)
    yield client
    await client.close()


@pytest.fixture
def conversation(
    base_settings: Settings, content: Content, storage: Storage, nlu: RasaNlu, detector: LanguageDetection
) -> Conversation:
    cases = Cases(storage)
    handoff = Handoff(storage, cases, base_settings.case_reopen_days)
    privacy = Privacy(DataRights(storage), cases, base_settings.retention_days)
    return Conversation(content, storage, nlu, detector, thresholds(base_settings), handoff, privacy)


# A bot with a staff forum against the Bot API emulator, one per test module (tests/auxil/staff_forum.py).


@pytest.fixture(scope="module")
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def forum(emulator: BotApiEmulator) -> FakeChat:
    return emulator.make_forum("Welkom caseworkers")


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the content whose office hours are never open: every case waits, whatever the clock."""
    return content_never_open(tmp_path_factory.mktemp("content"))


@pytest.fixture(scope="module")
def bot_nlu_url(nlu_url: str) -> str:
    """Where the bot's NLU client goes; a module with a RasaProxy in front overrides it."""
    return nlu_url


@pytest.fixture(scope="module")
def staff_settings(
    base_settings: Settings,
    emulator: BotApiEmulator,
    forum: FakeChat,
    bot_nlu_url: str,
    content_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Settings:
    database = tmp_path_factory.mktemp("forum") / "welkom.db"
    # Many cases in a minute: lift the per-group limit so the test does not wait for Telegram's pace.
    return telegram_settings(base_settings, emulator, bot_nlu_url, database).model_copy(
        update={"staff_chat_id": forum.id, "content_dir": content_dir, "telegram_group_max_rate": 1000}
    )


@pytest.fixture(scope="module")
async def staff_bot(staff_settings: Settings) -> AsyncIterator[WelkomApplication]:
    async with running_bot(staff_settings) as application:
        yield application
