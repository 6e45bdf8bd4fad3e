"""Every word a resident, a caseworker or staff read comes from content/, never from a literal in bot/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.settings import PROJECT_ROOT

# The layers that build what people read; the NLU, storage and insights layers read their texts
# through bot/content/ and content/insights.yaml.
SPEAKING = ["bot/core", "bot/telegram", "bot/console.py", "bot/terminal.py"]
WORD = re.compile(r"[^\W\d_]{2,}")
KEY = re.compile(r"[a-z0-9_.:/^\-]+")  # content keys, payloads, patterns: not words anyone reads
SQL = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|PRAGMA|BEGIN|COMMIT|ROLLBACK)\b")
# Strings that are not words for people: Unicode names, protocol names, matched error texts, prefixes.
TECHNICAL = {
    "EN",  # Unicode bidirectional class
    "NFC",
    "NFKD",
    "Mn",
    "Cc",
    "Cf",
    "Europe/Brussels",
    "User-Agent",
    "X-Telegram-Bot-Api-Secret-Token",
    "PTB_TIMEDELTA",
    "no update",  # logged only
    "thread not found",  # Telegram's error texts, matched
    "message is not modified",
    "https://www.google.com/maps/search/?api=1&query=",
    "(?<=[\\u0400-\\u04ff])['’ʼ](?=[\\u0400-\\u04ff])",
    "وبال",  # Arabic article and prefixes, stripped before matching danger signals
    "وال",
    "بال",
    "فال",
    "كال",
    "لل",
    "ال",
}


def speaking_files() -> list[Path]:
    files: list[Path] = []
    for name in SPEAKING:
        path = PROJECT_ROOT / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def quiet_context(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """A docstring, a log call or an exception: read by developers, not residents or staff."""
    parent = parents.get(node)
    if isinstance(parent, ast.Expr):
        return True
    while parent is not None:
        if isinstance(parent, ast.Raise):
            return True
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute):
            owner = parent.func.value
            if isinstance(owner, ast.Name) and owner.id == "log":
                return True
        parent = parents.get(parent)
    return False


def words_in(path: Path, root: Path = PROJECT_ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value
        if not WORD.search(text) or KEY.fullmatch(text) or SQL.match(text) or text in TECHNICAL:
            continue
        if not quiet_context(node, parents):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {text!r}")
    return found


def test_no_word_for_people_is_written_in_the_code() -> None:
    found = [line for path in speaking_files() for line in words_in(path)]
    assert not found, "move these into content/ (ui/<language>.yaml or staff.yaml):\n" + "\n".join(found)


def test_the_check_catches_a_sentence_in_the_code(tmp_path: Path) -> None:
    module = tmp_path / "handler.py"
    module.write_text('def reply():\n    """Docs."""\n    return "Welcome to Mechelen"\n', encoding="utf-8")
    found = words_in(module, root=tmp_path)
    assert len(found) == 1 and "Welcome to Mechelen" in found[0]
