"""Webhook mode: only Telegram (with the secret token) can post updates; /health answers monitoring;
SIGTERM stops the service cleanly."""

from __future__ import annotations

import asyncio
import os
import signal

import httpx
import pytest
from pydantic import SecretStr

from bot.nlu.rasa_server import free_port
from bot.settings import Settings
from bot.telegram import build_application
from bot.telegram.webhook import SECRET_HEADER, serve_until_signalled
from emulator import BotApiEmulator
from tests.auxil.running_bot import telegram_settings

pytestmark = pytest.mark.scripted_nlu


async def test_the_webhook_checks_the_secret_serves_health_and_stops_on_sigterm(
    base_settings: Settings, nlu_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    async with BotApiEmulator(token="737373:WELKOM-HOOK") as emulator:
        port = free_port()
        settings = telegram_settings(
            base_settings, emulator, nlu_url, tmp_path_factory.mktemp("hook") / "welkom.db"
        ).model_copy(
            update={
                "telegram_mode": "webhook",
                "webhook_url": "https://welkom.example.invalid",
                "webhook_secret": SecretStr("s3cret-token"),
                "webhook_listen": "127.0.0.1",
                "webhook_port": port,
            }
        )
        server = asyncio.create_task(serve_until_signalled(build_application(settings), settings))
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(timeout=5) as client:
            for _ in range(100):
                try:
                    health = await client.get(f"{base}/health")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            assert health.status_code == 200 and health.json() == {"bot": True, "nlu": True}
            assert emulator.world.webhook == {
                "url": "https://welkom.example.invalid/telegram",
                "secret_token": "s3cret-token",
            }
            user = emulator.make_user("Hook", language_code="en")
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 1,
                    "chat": {"id": user.id, "type": "private", "first_name": "Hook"},
                    "from": {"id": user.id, "is_bot": False, "first_name": "Hook", "language_code": "en"},
                    "text": "where is the city hall",
                },
            }
            refused = await client.post(f"{base}/telegram", json=update, headers={SECRET_HEADER: "wrong"})
            assert refused.status_code == 403
            accepted = await client.post(
                f"{base}/telegram", json=update, headers={SECRET_HEADER: "s3cret-token"}
            )
            assert accepted.status_code == 200
            replies = await emulator.wait_for_messages(user.id, count=1, timeout=10)
            assert replies[0].text.startswith("City hall") or "Huis van de Mechelaar" in replies[0].text
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.wait_for(server, timeout=15)
            with pytest.raises(httpx.ConnectError):
                await client.get(f"{base}/health")
