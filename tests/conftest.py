"""Shared fixtures: a real Rasa server trained from nlu_data/, real SQLite files, the real content."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.content import Content, load_content
from bot.core.conversation import Conversation
from bot.core.handoff import Handoff
from bot.core.language import LanguageDetection
from bot.core.resident_privacy import Privacy
from bot.nlu import RasaNlu
from bot.nlu.rasa_server import RasaServer, ensure_model
from bot.services import thresholds
from bot.settings import PROJECT_ROOT, Settings
from bot.storage import Storage
from bot.storage.cases import Cases
from bot.storage.data_rights import DataRights


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
async def nlu(rasa_url: str) -> AsyncIterator[RasaNlu]:
    client = RasaNlu(rasa_url, timeout_seconds=5)
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
