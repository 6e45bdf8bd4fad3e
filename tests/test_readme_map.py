"""The README leads to every command and every behaviour in one hop: commands, make targets, the map."""

from __future__ import annotations

import argparse
import importlib
import re

from bot.__main__ import argument_parser
from bot.settings import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")


def command_lines() -> list[str]:
    """Every `python -m bot` command line, with its action where it takes one ("content check")."""
    parser = argument_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    lines = []
    for name, subparser in commands.choices.items():
        actions = [a for a in subparser._actions if not a.option_strings and a.choices]
        choices = list(actions[0].choices or []) if actions else []
        lines += [f"{name} {choice}" for choice in choices] or [name]
    return lines


def make_targets() -> dict[str, str]:
    """Each make target with its recipe."""
    targets: dict[str, str] = {}
    current = None
    for line in MAKEFILE.splitlines():
        if match := re.match(r"^([a-z][a-z-]*):", line):
            current = match.group(1)
            targets[current] = ""
        elif line.startswith("\t") and current:
            targets[current] += line + "\n"
    return targets


def test_every_make_target_is_in_the_readme() -> None:
    missing = [target for target in make_targets() if f"make {target}" not in README]
    assert not missing


def test_every_command_line_is_in_the_readme_itself_or_through_its_make_target() -> None:
    through_make = {
        command
        for target, recipe in make_targets().items()
        for command in command_lines()
        if f"$(BOT) {command}" in recipe and f"make {target}" in README
    }
    missing = [c for c in command_lines() if f"python -m bot {c}" not in README and c not in through_make]
    assert not missing


def test_every_file_under_bot_has_its_row_in_the_map() -> None:
    files = sorted(p.relative_to(PROJECT_ROOT).as_posix() for p in (PROJECT_ROOT / "bot").rglob("*.py"))
    missing = [f for f in files if not f.endswith("__init__.py") and f"`{f}`" not in README]
    assert not missing


def test_every_file_function_in_where_to_look_exists() -> None:
    section = README.split("## Where to look", 1)[1].split("\n## ", 1)[0]
    references = re.findall(r"`([\w/]+)\.py:([\w.]+)`", section)
    assert len(references) >= 6
    for path, name in references:
        target: object = importlib.import_module(path.replace("/", "."))
        for part in name.split("."):
            assert hasattr(target, part), f"{path}.py has no {name}"
            target = getattr(target, part)
