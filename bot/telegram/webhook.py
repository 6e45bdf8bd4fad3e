"""Webhook mode: Telegram posts updates here (checked against the secret token); /health for monitoring."""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from typing import Any

from aiohttp import web
from telegram import Update

from bot.nlu.rasa_server import is_serving
from bot.settings import Settings
from bot.telegram.lifecycle import running

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UPDATES_PATH = "/telegram"
HEALTH_PATH = "/health"


def webhook_app(application: Any, settings: Settings) -> web.Application:
    """Routes: POST /telegram (only with the right secret token) and GET /health."""

    async def receive(request: web.Request) -> web.Response:
        sent = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(sent.encode(), settings.webhook_secret.get_secret_value().encode()):
            log.warning("webhook call without the right secret token refused")
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except ValueError:
            return web.Response(status=400)
        await application.update_queue.put(update)
        return web.Response(status=200)

    async def health(request: web.Request) -> web.Response:
        nlu = await asyncio.to_thread(is_serving, settings.effective_rasa_url)
        status = {"bot": application.running, "nlu": nlu}
        return web.json_response(status, status=200 if application.running else 503)

    app = web.Application()
    app.router.add_post(UPDATES_PATH, receive)
    app.router.add_get(HEALTH_PATH, health)
    return app


async def serve_webhook(application: Any, settings: Settings, stop: asyncio.Event) -> None:
    """Run the bot behind our own web server until `stop` is set (the custom-webhook pattern of PTB)."""
    if not settings.webhook_secret.get_secret_value():
        raise ValueError("WEBHOOK_SECRET must be set in webhook mode")
    runner = web.AppRunner(webhook_app(application, settings))
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_listen, settings.webhook_port)

    async def start_receiving() -> None:
        await application.bot.set_webhook(
            url=settings.webhook_url.rstrip("/") + UPDATES_PATH,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
        await site.start()

    async with running(application, start_receiving=start_receiving, stop_receiving=runner.cleanup):
        await stop.wait()


async def serve_until_signalled(application: Any, settings: Settings) -> None:
    """Webhook mode as a service: SIGTERM (docker stop, systemd) or SIGINT shuts the bot down cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    try:
        await serve_webhook(application, settings, stop)
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)
