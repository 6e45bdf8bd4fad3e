"""The lock files install on any machine: registry pins with hashes, each one explained by its .in file."""

from __future__ import annotations

from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.auxil.locks import bot_lock_problems, pinned_lock_problems

REQUIREMENTS = PROJECT_ROOT / "requirements"


def test_bot_lock_pins_exactly_what_bot_in_needs_with_hashes() -> None:
    assert bot_lock_problems(REQUIREMENTS / "bot.in", REQUIREMENTS / "bot.lock") == []


def test_rasa_lock_pins_the_verified_versions_with_hashes() -> None:
    assert pinned_lock_problems(REQUIREMENTS / "rasa.in", REQUIREMENTS / "rasa.lock") == []


def broken_copy(tmp_path: Path, name: str, edit: str, replacement: str) -> Path:
    text = (REQUIREMENTS / name).read_text(encoding="utf-8")
    assert edit in text
    broken = tmp_path / name
    broken.write_text(text.replace(edit, replacement, 1), encoding="utf-8")
    return broken


def test_a_lock_naming_a_local_wheel_is_refused(tmp_path: Path) -> None:
    lock = broken_copy(
        tmp_path, "bot.lock", "sniffio==1.3.1", "sniffio @ file:///tmp/sn/sniffio-1.3.1-py3-none-any.whl"
    )
    problems = bot_lock_problems(REQUIREMENTS / "bot.in", lock)
    assert any("not a registry pin" in problem and "file:///tmp/sn" in problem for problem in problems)
    assert any("sniffio is needed by bot.in but bot.lock does not pin it" in p for p in problems)


def test_a_vcs_url_or_a_pin_without_hash_is_refused(tmp_path: Path) -> None:
    lock = tmp_path / "bot.lock"
    lock.write_text(
        (REQUIREMENTS / "bot.lock").read_text(encoding="utf-8")
        + "left-pad @ git+https://example.org/left-pad.git\nunhashed==1.0\n",
        encoding="utf-8",
    )
    problems = bot_lock_problems(REQUIREMENTS / "bot.in", lock)
    assert any("not a registry pin: left-pad @ git+" in problem for problem in problems)
    assert any("unhashed==1.0 has no --hash" in problem for problem in problems)
    assert any("unhashed is not needed by bot.in" in problem for problem in problems)


def test_bot_in_and_bot_lock_that_disagree_are_refused(tmp_path: Path) -> None:
    requirements_in = broken_copy(
        tmp_path,
        "bot.in",
        "python-telegram-bot[job-queue,webhooks,rate-limiter]==22.8",
        "python-telegram-bot==22.7",
    )
    problems = bot_lock_problems(requirements_in, REQUIREMENTS / "bot.lock")
    assert "bot.in asks for python-telegram-bot==22.7, bot.lock pins 22.8" in problems


def test_a_pin_nothing_needs_is_refused(tmp_path: Path) -> None:
    requirements_in = broken_copy(tmp_path, "bot.in", "\nholidays\n", "\n")
    problems = bot_lock_problems(requirements_in, REQUIREMENTS / "bot.lock")
    assert any("holidays is not needed by bot.in" in problem for problem in problems)


def test_a_rasa_pin_changed_by_hand_in_the_lock_is_refused(tmp_path: Path) -> None:
    lock = broken_copy(tmp_path, "rasa.lock", "rasa==3.6.21", "rasa==3.6.20")
    problems = pinned_lock_problems(REQUIREMENTS / "rasa.in", lock)
    assert "rasa.in pins rasa==3.6.21, rasa.lock has 3.6.20" in problems
