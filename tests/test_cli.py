"""The command line staff use: `ask` through the full pipeline, and `content check`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT


def run_bot(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **environment}
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.rasa
def test_ask_json_reports_language_intent_confidence_and_the_reply(rasa_url: str) -> None:
    result = run_bot("ask", "--json", "Hollandaca kursu nerede?", RASA_URL=rasa_url)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["language"], answer["detected_language"], answer["intent"]) == ("tr", "tr", "dutch_course")
    assert answer["answer_key"] == "dutch_course" and answer["confidence"] > 0.6
    assert answer["replies"] and "Huis van de Mechelaar" in answer["replies"][0]


@pytest.mark.rasa
def test_ask_with_a_chosen_language_prints_the_reply_as_text(rasa_url: str) -> None:
    result = run_bot("ask", "--lang", "nl", "waar is het stadhuis", RASA_URL=rasa_url)
    assert result.returncode == 0, result.stderr
    assert "Huis van de Mechelaar" in result.stdout and "[1]" in result.stdout


def test_content_check_passes_and_prints_the_coverage_table() -> None:
    result = run_bot("content", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "intent" in result.stdout and "housing_social" in result.stdout
    assert "0 errors" in result.stdout


def test_content_check_fails_on_broken_content_naming_file_and_line(tmp_path: Path) -> None:
    copy = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", copy)
    broken = copy / "answers" / "housing.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n  - : [\n", encoding="utf-8")
    result = run_bot("content", "check", CONTENT_DIR=str(copy))
    assert result.returncode == 1
    assert f"{broken}:" in result.stdout and "not valid YAML" in result.stdout


def test_run_without_a_token_says_what_to_do(tmp_path: Path) -> None:
    result = run_bot(
        "run", TELEGRAM_BOT_TOKEN="", RASA_URL="http://127.0.0.1:9", DATABASE_PATH=str(tmp_path / "x.db")
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
