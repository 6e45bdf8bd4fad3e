"""The project's promises about itself: documented settings, the README's commands, the deployment files."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from bot.settings import PROJECT_ROOT, Settings


def test_the_readme_starts_with_make_chat_and_make_test() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line.strip() for line in readme.splitlines() if line.strip().startswith("make ")]
    assert commands[:2] == ["make chat", "make test"]


def test_every_setting_is_documented_in_env_example_and_nothing_else() -> None:
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    documented = {line.split("=")[0] for line in example.splitlines() if line and not line.startswith("#")}
    assert documented == {name.upper() for name in Settings.model_fields}


def test_ci_runs_make_test_and_nothing_else() -> None:
    script = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in script.splitlines() if line and not line.startswith(("#", "set ", "cd "))]
    assert commands == ["make test"]


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="make test installs docker-compose")
def test_docker_compose_file_is_valid() -> None:
    result = subprocess.run(
        ["docker-compose", "config", "-q"],
        cwd=PROJECT_ROOT,
        env={
            "TELEGRAM_BOT_TOKEN": "123:abc",
            "INSIGHTS_PASSWORD_HASH": "pbkdf2_sha256$480000$salt$hash",
            "PATH": "/usr/bin:/bin:/usr/local/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_docker_compose_wires_the_bot_to_the_official_rasa_image() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    rasa, bot = compose["services"]["rasa"], compose["services"]["bot"]
    assert rasa["image"] == "rasa/rasa:3.6.21"
    assert "--enable-api" in rasa["command"]
    assert bot["environment"]["RASA_URL"] == "http://rasa:5005"
    assert "rasa" in bot["depends_on"]
    assert bot["build"] == "."
    assert any(volume.startswith("welkom-data:") for volume in bot["volumes"])
    assert "welkom-data" in compose["volumes"]
    assert bot["environment"]["TELEGRAM_BOT_TOKEN"].startswith("${TELEGRAM_BOT_TOKEN")


def test_docker_compose_serves_the_insights_page_read_only_on_the_bot_s_volume() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    insights = compose["services"]["insights"]
    assert insights["command"] == ["python", "-m", "bot", "insights"]
    assert insights["volumes"] == ["welkom-data:/data:ro"]
    assert insights["environment"]["DATABASE_PATH"] == "/data/welkom.db"
    assert not insights["environment"]["INSIGHTS_SUMMARY_PATH"].startswith("/data/")
    assert all(port.startswith("127.0.0.1:") for port in insights["ports"])
    assert insights["environment"]["INSIGHTS_PASSWORD_HASH"].startswith("${INSIGHTS_PASSWORD_HASH:?")
