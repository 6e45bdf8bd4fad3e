"""Runs the real Welkom Application against the Bot API emulator, as `run_polling` would."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from pydantic import SecretStr

from bot.settings import PROJECT_ROOT, Settings
from bot.telegram import build_application
from bot.telegram.app import WelkomApplication
from bot.telegram.lifecycle import running
from emulator import BotApiEmulator

# The emulator answers in milliseconds, so tests wait less for a timeout and between retries than
# production does (5 s and 0.5 s); the delivery policy is the same.
READ_TIMEOUT_SECONDS = 2.0
RETRY_FIRST_WAIT_SECONDS = 0.05


def telegram_settings(base: Settings, emulator: BotApiEmulator, rasa_url: str, database: Path) -> Settings:
    return base.model_copy(
        update={
            "telegram_bot_token": SecretStr(emulator.token),
            "telegram_base_url": emulator.base_url,
            "telegram_base_file_url": emulator.base_file_url,
            "telegram_read_timeout_seconds": READ_TIMEOUT_SECONDS,
            "telegram_retry_first_wait_seconds": RETRY_FIRST_WAIT_SECONDS,
            "rasa_url": rasa_url,
            "database_path": database,
        }
    )


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[WelkomApplication]:
    """The bot polling the emulator inside the test's event loop, started and stopped as run_polling does."""
    application = build_application(settings)
    updater = application.updater
    assert updater is not None

    async def start_polling() -> None:
        await updater.start_polling(poll_interval=0, timeout=1)

    async with running(application, start_receiving=start_polling, stop_receiving=updater.stop):
        yield application


@asynccontextmanager
async def stopped(bot: WelkomApplication) -> AsyncIterator[None]:
    """The running bot stopped as in a crash (updates wait at Telegram meanwhile); it polls again after."""
    assert bot.updater is not None
    await bot.updater.stop()
    await bot.stop()
    try:
        yield
    finally:
        await bot.start()
        await bot.updater.start_polling(poll_interval=0, timeout=1)


def content_never_open(folder: Path) -> Path:
    """A copy of the real content whose office hours are (practically) never open: every case waits."""
    copy = folder / "content"
    shutil.copytree(PROJECT_ROOT / "content", copy)
    (copy / "office_hours.yaml").write_text(
        'timezone: Europe/Brussels\nweekly:\n  sun: ["03:00-03:01"]\nclosed_on: []\n', encoding="utf-8"
    )
    return copy
