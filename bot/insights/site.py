"""`python -m bot insights`: Datasette over the summary file, behind the staff password, rebuilt every few
minutes from a read-only connection to the bot's database."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from typing import Any

import uvicorn
from datasette.app import Datasette
from datasette.database import Database as DatasetteDatabase

from bot.content.loader import load_content
from bot.insights.dashboards import (
    PASSWORD_HASH_VARIABLE,
    SUMMARY_DATABASE,
    dashboards_config,
    site_metadata,
)
from bot.insights.summary import build_summary, summarised_turns
from bot.insights.texts import load_insights_texts
from bot.settings import Settings

logger = logging.getLogger(__name__)

DATASETTE_SETTINGS = {
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    "allow_download": False,
    "allow_facet": True,
    "suggest_facets": False,
}


class InsightsSite:
    """The page and the summary it shows; `refresh()` rebuilds the summary and the empty-page sentence."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.texts = load_insights_texts(settings.content_dir)
        self.metadata: dict[str, Any] = site_metadata(self.texts, empty=True)

    def refresh(self) -> int:
        content = load_content(self.settings.content_dir, self.settings.flows_dir)
        turns = build_summary(
            self.settings.database_path, self.settings.insights_summary_path, content, self.texts
        )
        # Datasette and the dashboards plugin read this dict on every request.
        self.metadata["plugins"]["datasette-dashboards"].update(dashboards_config(self.texts, turns == 0))
        return turns

    def datasette(self) -> Datasette:
        datasette = Datasette(metadata=self.metadata, settings=DATASETTE_SETTINGS)
        summary = DatasetteDatabase(datasette, path=str(self.settings.insights_summary_path), is_mutable=True)
        datasette.add_database(summary, name=SUMMARY_DATABASE)
        return datasette

    def keep_fresh(self, stop: threading.Event, now: bool) -> None:
        """Rebuild the summary (first at once when `now`), then every INSIGHTS_REFRESH_MINUTES."""
        while now or not stop.wait(self.settings.insights_refresh_minutes * 60):
            now = False
            try:
                self.refresh()
            except Exception:
                logger.exception("the insights summary could not be rebuilt; the page shows the previous one")


def serve(settings: Settings) -> int:
    if not settings.insights_password_hash.get_secret_value():
        return 2
    # The hash may come from .env rather than the environment; the login plugin reads it from the latter.
    os.environ[PASSWORD_HASH_VARIABLE] = settings.insights_password_hash.get_secret_value()
    site = InsightsSite(settings)
    # A summary from an earlier run is shown at once while the new one is built (on a million log
    # rows that takes several seconds); the very first start builds it before serving.
    previous = summarised_turns(settings.insights_summary_path)
    if previous is None:
        site.refresh()
    else:
        site.metadata["plugins"]["datasette-dashboards"].update(dashboards_config(site.texts, previous == 0))
    datasette = site.datasette()
    stop = threading.Event()
    threading.Thread(
        target=site.keep_fresh, args=(stop, previous is not None), daemon=True, name="insights-refresh"
    ).start()

    async def run() -> None:
        await datasette.invoke_startup()
        config = uvicorn.Config(
            datasette.app(), host=settings.insights_host, port=settings.insights_port, log_level="warning"
        )
        await uvicorn.Server(config).serve()

    try:
        asyncio.run(run())
    finally:
        stop.set()
    return 0


def password_hash(password: str) -> str:
    """The value for INSIGHTS_PASSWORD_HASH."""
    from datasette_auth_passwords.utils import hash_password

    return str(hash_password(password))
