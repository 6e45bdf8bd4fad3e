"""What staff use: hot reload, the unanswered report, flow checks and diagrams."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from bot.content import Content
from bot.content.diagram import mermaid, write_diagrams
from bot.content.loader import read_content
from bot.content.reload import ContentReloader
from bot.settings import PROJECT_ROOT
from bot.storage import LoggedTurn, Storage
from bot.storage.reports import summary, unanswered, write_csv

CONTENT = PROJECT_ROOT / "content"
FLOWS = PROJECT_ROOT / "flows"


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    content, flows = tmp_path / "content", tmp_path / "flows"
    shutil.copytree(CONTENT, content)
    shutil.copytree(FLOWS, flows)
    return content, flows


def test_an_edit_is_served_and_a_broken_edit_is_refused(copies: tuple[Path, Path]) -> None:
    content_dir, flows_dir = copies
    served: list[Content] = []
    reloader = ContentReloader(content_dir, flows_dir, served.append)
    assert reloader.check().status == "unchanged"
    housing = content_dir / "answers" / "housing.yaml"
    housing.write_text(housing.read_text(encoding="utf-8").replace("Sociale woning", "Sociale huurwoning", 1))
    assert reloader.check().status == "reloaded"
    assert served[-1].answers["housing_social"].texts["nl"].title == "Sociale huurwoning"
    housing.write_text("- intent: [broken\n", encoding="utf-8")
    result = reloader.check()
    assert result.status == "refused" and str(housing) in str(result.errors[0])
    assert len(served) == 1


def test_a_flow_leading_nowhere_is_an_error_with_file_and_line(copies: tuple[Path, Path]) -> None:
    content_dir, flows_dir = copies
    housing = flows_dir / "housing.yaml"
    housing.write_text(
        housing.read_text(encoding="utf-8").replace("next: answer:housing_social", "next: answer:no_such"),
        encoding="utf-8",
    )
    _, problems = read_content(content_dir, flows_dir)
    assert any("leads to unknown `answer:no_such`" in str(p) and str(housing) in str(p) for p in problems)


def test_a_flow_step_missing_a_language_is_an_error(copies: tuple[Path, Path]) -> None:
    content_dir, flows_dir = copies
    dutch = flows_dir / "dutch.yaml"
    lines = [
        line for line in dutch.read_text(encoding="utf-8").splitlines() if not line.strip().startswith("uk:")
    ]
    dutch.write_text("\n".join(lines), encoding="utf-8")
    _, problems = read_content(content_dir, flows_dir)
    assert any("no text in `uk`" in str(p) or "no label in `uk`" in str(p) for p in problems)


def test_flow_diagrams_are_mermaid_with_every_step_and_answer(content: Content, tmp_path: Path) -> None:
    chart = mermaid(content.flows["housing"], content)
    assert chart.startswith("flowchart TD")
    assert content.answers["housing_social"].texts["nl"].title in chart
    written = write_diagrams(CONTENT, FLOWS, tmp_path)
    assert {path.stem for path in written} == set(content.flows)
    assert "```mermaid" in written[0].read_text(encoding="utf-8")


def test_the_unanswered_report_groups_by_language_and_intent_without_resident_ids(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "welkom.db")
    for resident in (1001, 1002):
        storage.touch_resident(resident)
        storage.log_turn(
            LoggedTurn(resident, "Waar is de moskee?", "nl", "nl", "city_hall", 0.3, None, "suggested")
        )
    storage.log_turn(LoggedTurn(1001, "blorf", "nl", None, None, None, None, "not_understood"))
    answered = storage.log_turn(
        LoggedTurn(1002, "huurwaarborg", "nl", "nl", "housing_rent", 0.9, "x", "answered")
    )
    storage.record_feedback(1002, answered, "down")
    storage.log_turn(LoggedTurn(1002, "hello", "en", "en", "greet", 0.99, "greet", "answered"))
    questions = unanswered(storage)
    rows = {(q.language, q.closest_intent, q.reason, q.text): q.times for q in questions}
    assert rows[("nl", "city_hall", "suggested", "waar is de moskee?")] == 2
    assert rows[("nl", "housing_rent", "thumbs_down", "huurwaarborg")] == 1
    assert ("en", "greet", "answered", "hello") not in rows
    out = io.StringIO()
    write_csv(questions, out)
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert table[0] == ["language", "closest_intent", "reason", "times", "text"]
    assert not any(str(resident) in out.getvalue() for resident in (1001, 1002))
    assert "4 unanswered messages" in summary(questions)
