"""The staff insights page, driven in Debian's Chromium: log in, open every dashboard, see the charts, and
find nothing that points to a resident or a caseworker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.content import load_content
from bot.insights.dashboards import CHARTS
from bot.insights.site import password_hash
from bot.insights.summary import content_due_for_review
from bot.settings import PROJECT_ROOT, Settings
from bot.storage import LoggedTurn, Storage
from bot.storage.cases import Cases
from tests.conftest import free_port

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "lente-in-mechelen"
RESIDENT_IDS = (918273645, 918273646, 918273647)
CASEWORKER_ID = 556677889
CASEWORKER_NAME = "Griet Vandersteen"
SCREENSHOTS = PROJECT_ROOT / "docs" / "img"

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="make test installs chromium")


def prepare_database(path: Path) -> None:
    """Six weeks of turns, feedback, urgent messages and cases, written through the bot's own storage."""
    storage = Storage(path)
    cases = Cases(storage)
    turns = [
        ("ik zoek een huis", "nl", "housing", 0.91, "answered"),
        ("where do I register my address", "en", "registration", 0.88, "answered"),
        ("je cherche un cours de néerlandais", "fr", "dutch_courses", 0.52, "suggested"),
        ("كيف أجد طبيب", "ar", "doctor", 0.31, "not_understood"),
        ("hoe laat vertrekt de trein naar Gent", "nl", "out_of_scope", 0.77, "out_of_scope"),
        ("мені потрібна допомога з житлом", "uk", "housing", 0.83, "answered"),
        ("ev kirası ne kadar", "tr", "housing", 0.66, "answered"),
        ("ik word bedreigd thuis", "nl", "emergency", 0.95, "answered"),
    ]
    now = datetime.now(UTC)
    for week in range(6):
        for index, (text, language, intent, confidence, outcome) in enumerate(turns):
            resident = RESIDENT_IDS[index % len(RESIDENT_IDS)]
            storage.touch_resident(resident)
            log_id = storage.log_turn(
                LoggedTurn(resident, text, language, language, intent, confidence, intent, outcome)
            )
            moment = (now - timedelta(weeks=week, hours=index)).isoformat(timespec="seconds")
            category = "violence" if intent == "emergency" else None
            storage.db.execute(
                "UPDATE conversation_log SET created_at = ?, urgent_category = ? WHERE id = ?",
                [moment, category, log_id],
            )
            if outcome == "answered" and index % 2:
                storage.record_feedback(resident, log_id, "down" if week % 2 else "up")
    for week in range(4):
        case = cases.open(RESIDENT_IDS[week % 3], "nl", urgent=week == 0, reason="asked", intents=["housing"])
        cases.claim(case.id, CASEWORKER_ID, CASEWORKER_NAME)
        cases.close(case.id)
        cases.rate(case.id, case.resident_id, 4 + week % 2)
        monday = (now - timedelta(weeks=week)).replace(hour=0, minute=0, second=0, microsecond=0)
        monday -= timedelta(days=monday.weekday())
        # Tuesday 10:30 in Brussels (office hours) in even weeks, 20:00 in odd ones.
        opened = monday + timedelta(days=1, hours=9.5 if week % 2 == 0 else 19)
        storage.db.execute(
            "UPDATE cases SET opened_at = ?, claimed_at = ?, closed_at = ? WHERE id = ?",
            [
                opened.isoformat(timespec="seconds"),
                (opened + timedelta(minutes=12 + 5 * week)).isoformat(timespec="seconds"),
                (opened + timedelta(hours=2 + week)).isoformat(timespec="seconds"),
                case.id,
            ],
        )
    storage.close()


@dataclass
class InsightsPage:
    url: str
    process: subprocess.Popen[bytes]


def content_with_an_answer_due(folder: Path) -> Path:
    """A copy of content/ where one answer's review date falls within the next 30 days."""
    content = folder / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    answers = content / "answers" / "city_services.yaml"
    text = answers.read_text(encoding="utf-8")
    first = text.index("review_by: ")
    soon = (date.today() + timedelta(days=10)).isoformat()
    answers.write_text(f"{text[:first]}review_by: {soon}{text[first + 21 :]}", encoding="utf-8")
    return content


def start_page(database: Path, summary: Path, content: Path | None = None) -> Iterator[InsightsPage]:
    port = free_port()
    environment = {
        **os.environ,
        "CONTENT_DIR": str(content or PROJECT_ROOT / "content"),
        "DATABASE_PATH": str(database),
        "INSIGHTS_SUMMARY_PATH": str(summary),
        "INSIGHTS_PORT": str(port),
        "INSIGHTS_PASSWORD_HASH": password_hash(PASSWORD),
    }
    process = subprocess.Popen([sys.executable, "-m", "bot", "insights"], cwd=PROJECT_ROOT, env=environment)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/-/login", timeout=1)
            break
        except OSError:
            assert process.poll() is None, "the insights page stopped while starting"
            time.sleep(0.1)
    try:
        yield InsightsPage(url, process)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def filled_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InsightsPage]:
    folder = tmp_path_factory.mktemp("insights")
    prepare_database(folder / "welkom.db")
    yield from start_page(folder / "welkom.db", folder / "inzichten.db", content_with_an_answer_due(folder))


@pytest.fixture(scope="module")
def empty_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InsightsPage]:
    folder = tmp_path_factory.mktemp("insights-empty")
    yield from start_page(folder / "welkom.db", folder / "inzichten.db")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


def log_in(browser: object, page_url: str, password: str) -> object:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.goto(f"{page_url}/-/login")
    tab.fill("input[name=username]", "staff")
    tab.fill("input[name=password]", password)
    tab.click("input[type=submit]")
    tab.wait_for_load_state()
    return tab


def chart_marks(tab: object, chart: str, library: str) -> int:
    """How many drawn marks (bars, points, lines) or table rows the chart shows once rendered."""
    card = f"#chart-{chart}"
    if library == "table":
        tab.wait_for_selector(f"{card} table", timeout=15000)  # type: ignore[attr-defined]
        return int(tab.locator(f"{card} tbody tr").count())  # type: ignore[attr-defined]
    tab.wait_for_selector(f"{card} svg", timeout=15000)  # type: ignore[attr-defined]
    return int(tab.locator(f"{card} svg g.role-mark > *").count())  # type: ignore[attr-defined]


def identifiers() -> list[str]:
    return [str(number) for number in (*RESIDENT_IDS, CASEWORKER_ID)] + [CASEWORKER_NAME, "Griet"]


@needs_chromium
def test_staff_see_every_dashboard_drawn_without_anyone_s_identifier(
    filled_page: InsightsPage, browser: object
) -> None:
    tab = log_in(browser, filled_page.url, PASSWORD)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for slug, charts in CHARTS.items():
        tab.goto(f"{filled_page.url}/-/dashboards/{slug}")  # type: ignore[attr-defined]
        for chart, spec in charts.items():
            assert chart_marks(tab, chart, spec.library) > 0, f"{slug}/{chart} drew nothing"
        html = tab.content()  # type: ignore[attr-defined]
        assert not [word for word in identifiers() if word in html], slug
        assert "Nog geen gegevens" not in html
        if slug == "dossiers":
            legend = tab.locator("#chart-opened").text_content() or ""  # type: ignore[attr-defined]
            assert "binnen kantooruren" in legend and "buiten kantooruren" in legend
        tab.screenshot(path=str(SCREENSHOTS / f"insights-{slug}.png"), full_page=True)  # type: ignore[attr-defined]
    tab.goto(f"{filled_page.url}/-/dashboards/tekort")  # type: ignore[attr-defined]
    assert "ik zoek een huis" not in tab.content()  # type: ignore[attr-defined]
    assert "كيف أجد طبيب" in tab.locator("#chart-unanswered").inner_text()  # type: ignore[attr-defined]


@needs_chromium
def test_the_json_api_and_sql_reach_only_the_summary(filled_page: InsightsPage, browser: object) -> None:
    tab = log_in(browser, filled_page.url, PASSWORD)
    request = tab.context.request  # type: ignore[attr-defined]
    everything = ""
    assert "pbkdf2" not in request.get(f"{filled_page.url}/-/metadata.json").text()
    databases = request.get(f"{filled_page.url}/-/databases.json").json()
    assert {database["name"] for database in databases} <= {"inzichten", "_memory"}
    for table in ("questions_per_week", "unanswered_questions", "cases_per_week", "urgent_per_week"):
        response = request.get(f"{filled_page.url}/inzichten/{table}.json?_shape=array&_size=max")
        assert response.ok
        everything += response.text()
    assert "violence" in everything
    assert not [word for word in identifiers() if word in everything]
    for raw in ("residents", "conversation_log", "feedback", "cases", "case_messages"):
        assert request.get(f"{filled_page.url}/inzichten/{raw}.json").status == 404
        answer = request.get(f"{filled_page.url}/inzichten.json?sql=select+*+from+{raw}").json()
        assert not answer["ok"] and "no such table" in answer["error"]
    attach = request.get(f"{filled_page.url}/inzichten.json?sql=attach+database+'x'+as+bot").json()
    assert not attach["ok"]
    assert request.get(f"{filled_page.url}/_memory.json?sql=select+1").status == 403


@needs_chromium
def test_a_wrong_password_is_refused(filled_page: InsightsPage, browser: object) -> None:
    tab = log_in(browser, filled_page.url, "lente-in-gent")
    assert "/-/login" in tab.url  # type: ignore[attr-defined]
    tab.goto(f"{filled_page.url}/-/dashboards/vragen")  # type: ignore[attr-defined]
    assert "Wat vragen inwoners?" not in tab.content()  # type: ignore[attr-defined]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{filled_page.url}/inzichten/unanswered_questions.json")
    assert refused.value.code == 403


@needs_chromium
def test_a_fresh_install_shows_empty_charts_with_a_sentence(
    empty_page: InsightsPage, browser: object
) -> None:
    tab = log_in(browser, empty_page.url, PASSWORD)
    for slug, charts in CHARTS.items():
        tab.goto(f"{empty_page.url}/-/dashboards/{slug}")  # type: ignore[attr-defined]
        assert "Nog geen gegevens" in tab.content()  # type: ignore[attr-defined]
        for chart, spec in charts.items():
            tab.wait_for_selector(  # type: ignore[attr-defined]
                f"#chart-{chart} {'table' if spec.library == 'table' else 'svg'}", timeout=15000
            )
        assert "Error" not in tab.locator(".dashboard-grid").inner_text()  # type: ignore[attr-defined]


def test_content_due_for_review_lists_answers_past_or_near_their_date() -> None:
    settings = Settings(_env_file=None)
    content = load_content(settings.content_dir, settings.flows_dir)
    latest = max(answer.review_by for answer in content.answers.values())
    long_ago = content_due_for_review(content, date.today() - timedelta(days=3650))
    assert not {row.subject for row in long_ago} & set(content.answers)
    due = content_due_for_review(content, latest)
    assert set(content.answers) <= {row.subject for row in due}
    assert all(row.reason and row.file for row in due)


def test_insights_refuses_to_start_without_a_password_hash(tmp_path: Path) -> None:
    environment = {**os.environ, "INSIGHTS_PASSWORD_HASH": "", "DATABASE_PATH": str(tmp_path / "w.db")}
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "insights"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 2
    assert "INSIGHTS_PASSWORD_HASH" in finished.stderr


def test_content_check_names_a_chart_without_dutch_text(tmp_path: Path) -> None:
    from bot.content.check import insights_problems

    assert insights_problems(PROJECT_ROOT / "content") == []
    text = (PROJECT_ROOT / "content" / "insights.yaml").read_text(encoding="utf-8")
    without_urgent = text.replace("      urgent:\n", "      dringend:\n")
    (tmp_path / "insights.yaml").write_text(without_urgent, encoding="utf-8")
    problems = [str(problem) for problem in insights_problems(tmp_path)]
    assert problems == [f"{tmp_path / 'insights.yaml'}: error: chart `dringend.urgent` has no Dutch text"]


def test_a_claim_records_when_the_case_was_first_claimed(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "welkom.db")
    cases = Cases(storage)
    storage.touch_resident(RESIDENT_IDS[0])
    case = cases.open(RESIDENT_IDS[0], "nl", urgent=False, reason="asked", intents=["housing"])
    assert cases.claim(case.id, CASEWORKER_ID, CASEWORKER_NAME)
    first = storage.db.execute("SELECT claimed_at FROM cases WHERE id = ?", [case.id]).fetchone()[0]
    storage.db.execute("UPDATE cases SET claimed_at = '2026-01-05T09:00:00+00:00' WHERE id = ?", [case.id])
    assert cases.claim(case.id, CASEWORKER_ID, CASEWORKER_NAME)
    again = storage.db.execute("SELECT claimed_at FROM cases WHERE id = ?", [case.id]).fetchone()[0]
    storage.close()
    assert datetime.fromisoformat(first).tzinfo is not None
    assert again == "2026-01-05T09:00:00+00:00"


def test_the_summary_reads_without_writing_or_blocking_and_follows_forgetting(tmp_path: Path) -> None:
    import sqlite3

    from bot.insights.summary import build_summary, open_read_only
    from bot.insights.texts import load_insights_texts
    from bot.storage.data_rights import DataRights

    database, summary = tmp_path / "welkom.db", tmp_path / "inzichten.db"
    prepare_database(database)
    settings = Settings(_env_file=None)
    content = load_content(settings.content_dir, settings.flows_dir)
    texts = load_insights_texts(settings.content_dir)
    read_only = open_read_only(database)
    assert read_only is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        read_only.execute("DELETE FROM residents")
    read_only.close()

    bot = Storage(database)
    with bot.write():  # the bot in the middle of a write: the page's rebuild neither waits nor fails
        bot.db.execute("UPDATE residents SET language = 'nl'")
        assert build_summary(database, summary, content, texts) == 48
    unanswered = "SELECT text FROM unanswered_questions"
    assert "كيف أجد طبيب" in {row[0] for row in sqlite3.connect(summary).execute(unanswered)}

    for resident in RESIDENT_IDS:
        DataRights(bot).forget(resident)
    bot.close()
    build_summary(database, summary, content, texts)
    assert list(sqlite3.connect(summary).execute(unanswered)) == []
