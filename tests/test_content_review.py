"""The content review routine: `content review`, and the monthly list in the staff group."""

from __future__ import annotations

import shutil
from datetime import date
from io import StringIO
from pathlib import Path

import pytest

from bot.content.loader import load_content, read_content
from bot.content.review import print_review, review_items
from bot.settings import PROJECT_ROOT, Settings
from bot.telegram.app import CONTENT_REVIEW_JOB
from emulator import BotApiEmulator
from tests.auxil.running_bot import running_bot, telegram_settings

CONTENT = PROJECT_ROOT / "content"
FLOWS = PROJECT_ROOT / "flows"
CHECK_DAY = date(2026, 12, 3)


@pytest.fixture
def due_copy(tmp_path: Path) -> Path:
    """The real content with one answer due for review in a week, one source from 2024 and one from Kuurne."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    housing = copy / "answers" / "housing.yaml"
    text = housing.read_text(encoding="utf-8")
    text = text.replace("review_by: ", "review_by: 2026-12-10 # was ", 1)
    text = text.replace("      checked: ", "      checked: 2024-06-01 # was ", 1)
    text = text.replace(
        "  sources:\n",
        "  sources:\n"
        "    - url: https://www.kuurne.be/producten/elektronische-vreemdelingenkaart-aanvraag-verlenging\n"
        "      supports: a Mechelen opening hour, wrongly\n"
        "      scope: mechelen\n"
        "      town: Kuurne\n"
        "      checked: 2026-12-03\n",
        1,
    )
    housing.write_text(text, encoding="utf-8")
    return copy


def test_the_real_content_lists_only_what_staff_still_have_to_check(base_settings: Settings) -> None:
    out = StringIO()
    assert print_review(base_settings, out, today=CHECK_DAY) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("📋 Inhoud nakijken (")
    assert "• Huis van de Mechelaar: geen gecontroleerde openingsuren" in lines
    assert not any("had nagekeken moeten zijn" in line or "gaat over" in line for line in lines)


def test_a_due_answer_an_old_source_and_another_towns_source_are_listed(due_copy: Path) -> None:
    out = StringIO()
    settings = Settings(_env_file=None, content_dir=due_copy)
    print_review(settings, out, today=CHECK_DAY)
    text = out.getvalue()
    assert "• housing_social: nakijken vóór 2026-12-10" in text
    assert "• housing_social: bron https://www.vrt.be/" in text and "gecontroleerd op 2024-06-01" in text
    assert "gaat over Kuurne, niet over Mechelen" in text
    later = [item.kind for item in review_items(load_content(due_copy, FLOWS), date(2027, 1, 1))]
    assert later[0] == "review.overdue"


def test_content_check_warns_about_another_towns_page_for_a_mechelen_fact(due_copy: Path) -> None:
    _, problems = read_content(due_copy, FLOWS, today=CHECK_DAY)
    warnings = [str(p) for p in problems if p.severity == "warning"]
    assert any("is about Kuurne" in w and "housing.yaml:" in w for w in warnings)
    assert not [p for p in problems if p.severity == "error"]


async def test_the_bot_posts_the_review_list_to_the_staff_group(
    base_settings: Settings, tmp_path: Path, due_copy: Path
) -> None:
    async with BotApiEmulator(token="616161:WELKOM-REVIEW") as emulator:
        forum = emulator.make_forum("Welkom caseworkers")
        # No resident writes, so the bot never asks the NLU server anything.
        settings = telegram_settings(base_settings, emulator, "http://127.0.0.1:9", tmp_path / "w.db")
        settings = settings.model_copy(update={"staff_chat_id": forum.id, "content_dir": due_copy})
        async with running_bot(settings) as bot:
            assert bot.job_queue is not None
            (job,) = bot.job_queue.get_jobs_by_name(CONTENT_REVIEW_JOB)
            await job.run(bot)
        posted = [message.text for message in emulator.messages_to(forum.id)]
    assert posted and posted[0].startswith("📋 Inhoud nakijken (")
    assert any("• housing_social: nakijken vóór 2026-12-10" in text for text in posted)
