"""Insights: the staff page on a database with many log rows; every dashboard must load in under a second.

A page is the dashboard's HTML plus the JSON each of its charts fetches, timed one after the other as a
browser on a slow connection would see them. The summary rebuild runs in the background and is timed too."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import quote

import httpx

from bench.growth import prefill
from bot.content.loader import load_content
from bot.insights.dashboards import dashboards_config
from bot.insights.site import password_hash
from bot.insights.summary import build_summary
from bot.insights.texts import load_insights_texts
from bot.nlu.evaluation import Example
from bot.settings import PROJECT_ROOT, Settings

PAGE_TARGET_SECONDS = 1.0
ROUNDS = 5
ISO_UTC = "%Y-%m-%dT%H:%M:%S+00:00"
URGENT_CATEGORIES = ("violence", "health", "homeless", "suicide")


def add_cases_feedback_and_urgency(database: Path, rows: int) -> None:
    """One case per 100 log rows, a 👎 on every 50th row and an urgent category on every 200th."""
    connection = sqlite3.connect(database)
    try:
        with connection:
            connection.execute(
                "UPDATE conversation_log SET urgent_category = CASE id % 800 WHEN 0 THEN ? WHEN 200 THEN ? "
                "WHEN 400 THEN ? ELSE ? END WHERE id % 200 = 0",
                URGENT_CATEGORIES,
            )
            connection.execute(
                "INSERT INTO feedback (log_id, resident_id, value, created_at) "
                "SELECT id, resident_id, 'down', created_at FROM conversation_log WHERE id % 50 = 0"
            )
            connection.execute(
                "INSERT INTO cases (resident_id, language, status, urgent, reason, intents, opened_at, "
                "claimed_by, claimed_by_name, claimed_at, closed_at, rating) "
                "SELECT resident_id, language, 'closed', 0, 'asked', '[]', created_at, 1, 'x', "
                "strftime(?, created_at, '+' || (id % 90) || ' minutes'), "
                "strftime(?, created_at, '+3 hours'), "
                "1 + id % 5 FROM conversation_log WHERE id % 100 = 0",
                [ISO_UTC, ISO_UTC],
            )
    finally:
        connection.close()


def _logged_in(client: httpx.Client, password: str) -> None:
    client.get("/-/login")
    response = client.post(
        "/-/login",
        data={"username": "staff", "password": password, "csrftoken": client.cookies["ds_csrftoken"]},
    )
    assert response.status_code == 302, f"login failed: {response.status_code}"


def page_seconds(client: httpx.Client, slug: str, charts: dict[str, Any]) -> float:
    started = time.perf_counter()
    client.get(f"/-/dashboards/{slug}").raise_for_status()
    for chart in charts.values():
        client.get(f"/{chart['db']}.json?sql={quote(chart['query'])}&_shape=objects").raise_for_status()
    return time.perf_counter() - started


def run_insights(rows: int, examples: list[Example], workdir: Path) -> dict[str, Any]:
    workdir.mkdir(parents=True, exist_ok=True)
    database, summary = workdir / "welkom.db", workdir / "inzichten.db"
    for old in (database, summary):
        old.unlink(missing_ok=True)
    filled = prefill(database, rows, examples)
    add_cases_feedback_and_urgency(database, rows)
    settings = Settings(_env_file=None, database_path=database)  # type: ignore[call-arg]
    texts = load_insights_texts(settings.content_dir)
    content = load_content(settings.content_dir, settings.flows_dir)
    started = time.perf_counter()
    build_summary(database, summary, content, texts)
    rebuild_seconds = time.perf_counter() - started

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port, password = int(probe.getsockname()[1]), "bench"
    environment = {
        **os.environ,
        "DATABASE_PATH": str(database),
        "INSIGHTS_SUMMARY_PATH": str(summary),
        "INSIGHTS_PORT": str(port),
        "INSIGHTS_PASSWORD_HASH": password_hash(password),
        "INSIGHTS_REFRESH_MINUTES": "60",
    }
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "insights"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
    )
    pages: dict[str, dict[str, float]] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(600):
                try:
                    client.get("/-/login")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            start_seconds = time.perf_counter() - started
            _logged_in(client, password)
            for slug, dashboard in dashboards_config(texts, empty=False).items():
                times = [page_seconds(client, slug, dashboard["charts"]) for _ in range(ROUNDS)]
                pages[slug] = {
                    "median_ms": round(median(times) * 1000, 1),
                    "max_ms": round(max(times) * 1000, 1),
                }
    finally:
        server.terminate()
        server.wait(timeout=10)
    slowest = max(page["max_ms"] for page in pages.values())
    return {
        **filled,
        "summary_rebuild_seconds": round(rebuild_seconds, 2),
        "summary_mb": round(summary.stat().st_size / 1e6, 2),
        "start_seconds": round(start_seconds, 1),
        "pages": pages,
        "slowest_page_ms": slowest,
        "target_ms": PAGE_TARGET_SECONDS * 1000,
        "pass": slowest < PAGE_TARGET_SECONDS * 1000,
    }
