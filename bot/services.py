"""Opens and closes what the conversation core needs: content, storage, NLU and language detection."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.content import Content, ContentError, load_content
from bot.content.reload import ContentReloader
from bot.core.answer_choice import Thresholds
from bot.core.conversation import Conversation
from bot.core.handoff import Handoff
from bot.core.language import LanguageDetection
from bot.core.resident_privacy import Privacy
from bot.core.urgent import known_words
from bot.nlu import RasaNlu
from bot.nlu.evaluation import training_examples
from bot.nlu.rasa_server import RasaServer, ensure_model, free_port, is_serving
from bot.settings import Settings
from bot.storage import Storage
from bot.storage.cases import Cases
from bot.storage.data_rights import DataRights

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    storage: Storage
    cases: Cases
    nlu: RasaNlu
    conversation: Conversation
    reloader: ContentReloader

    async def close(self) -> None:
        await self.nlu.close()
        self.storage.close()


def open_services(settings: Settings, handoff_enabled: bool) -> Services:
    """Everything the core needs; `handoff_enabled` when caseworkers can take over (staff group, console)."""
    content = load_last_good_content(settings)
    storage = Storage(settings.database_path)
    nlu = RasaNlu(settings.effective_rasa_url, settings.rasa_timeout_seconds)
    detector = LanguageDetection(content.languages)
    cases = Cases(storage)
    handoff = Handoff(storage, cases, settings.case_reopen_days, enabled=handoff_enabled)
    privacy = Privacy(DataRights(storage), cases, settings.retention_days)
    examples = known_words(example.text for example in training_examples(settings.nlu_dir / "data"))
    conversation = Conversation(
        content, storage, nlu, detector, thresholds(settings), handoff, privacy, known_words=examples
    )
    reloader = ContentReloader(settings.content_dir, settings.flows_dir, conversation.use_content)
    return Services(settings, storage, cases, nlu, conversation, reloader)


def load_last_good_content(settings: Settings) -> Content:
    """The content as staff left it; if that is broken, the copy that last passed the check.

    Every successful load refreshes the copy under the data folder, so a half-written file at start-up
    never takes the assistant down once it has started well before."""
    snapshot = Path(settings.database_path).parent / "last-good-content"
    try:
        content = load_content(settings.content_dir, settings.flows_dir)
    except ContentError as error:
        if not (snapshot / "content").exists():
            raise
        log.error("content refused at start-up, serving the last good copy instead:\n%s", error)
        return load_content(snapshot / "content", snapshot / "flows")
    if str(settings.database_path) != ":memory:":
        for source, name in ((settings.content_dir, "content"), (settings.flows_dir, "flows")):
            if source.exists():
                shutil.rmtree(snapshot / name, ignore_errors=True)
                shutil.copytree(source, snapshot / name)
    return content


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(
        answer=settings.confidence_threshold,
        suggest=settings.suggestion_threshold,
        language_switch=settings.language_switch_confidence,
    )


@contextmanager
def rasa_service(settings: Settings) -> Iterator[str]:
    """The URL of a Rasa server: the configured one, or one started here (trained first if needed)."""
    if not settings.rasa_autostart:
        yield settings.effective_rasa_url
        return
    model = ensure_model(settings.nlu_dir, settings.rasa_venv)
    if is_serving(settings.effective_rasa_url, model):
        yield settings.effective_rasa_url
        return
    log_file = Path(settings.database_path).parent / "rasa.log"
    # Another Rasa server (an older model) may hold the usual port: then this one takes a free port.
    server = RasaServer(model, settings.rasa_venv, free_port(settings.rasa_port), log_file)
    server.start(settings.rasa_startup_seconds)
    try:
        yield server.url
    finally:
        server.stop()
