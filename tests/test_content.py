"""The content staff edit: complete in every language, and every mistake reported with file and line."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.content import Content, ContentError, load_content
from bot.content.check import nlu_examples
from bot.content.loader import read_content
from bot.content.problems import Problem
from bot.settings import PROJECT_ROOT

CONTENT = PROJECT_ROOT / "content"
FLOWS = PROJECT_ROOT / "flows"


def test_the_shipped_content_has_no_errors() -> None:
    _, problems = read_content(CONTENT, FLOWS)
    assert [str(p) for p in problems if p.severity == "error"] == []


def test_every_nlu_intent_has_an_answer_in_every_language(content: Content) -> None:
    problems: list[Problem] = []
    intents = {intent for intent, _ in nlu_examples(PROJECT_ROOT / "nlu_data" / "data", problems)}
    assert problems == []
    assert intents == set(content.answers)
    for intent in intents:
        assert set(content.answers[intent].texts) == set(content.languages), intent


def test_every_language_has_training_examples_for_every_intent(content: Content) -> None:
    counts = nlu_examples(PROJECT_ROOT / "nlu_data" / "data", [])
    for intent in content.answers:
        for language in content.languages:
            assert counts[(intent, language)] >= 30, (intent, language)


def test_every_ui_string_exists_in_every_language(content: Content) -> None:
    keys = set(content.ui["en"])
    for language in content.languages:
        assert set(content.ui[language]) == keys, language
        assert all(text.strip() for text in content.ui[language].values()), language


def test_every_answer_records_its_source_owner_and_review_dates(content: Content) -> None:
    for answer in content.answers.values():
        assert answer.sources and answer.owner
        assert all(source.url.startswith("https://") for source in answer.sources)
        assert answer.reviewed <= date.today() < answer.review_by or answer.review_by >= answer.reviewed


def test_answers_fit_a_phone_screen(content: Content) -> None:
    for answer in content.answers.values():
        for text in answer.texts.values():
            assert len(text.title) <= 40 and len(text.body) < 1500


@pytest.fixture
def broken_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


def test_a_yaml_mistake_is_reported_with_file_and_line(broken_copy: Path) -> None:
    housing = broken_copy / "answers" / "housing.yaml"
    lines = housing.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "  owner: [unclosed")
    housing.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ContentError) as failure:
        load_content(broken_copy, FLOWS)
    assert f"{housing}:" in str(failure.value)
    assert "not valid YAML" in str(failure.value)


def test_a_missing_translation_names_the_answer_and_language(broken_copy: Path) -> None:
    housing = broken_copy / "answers" / "housing.yaml"
    text = housing.read_text(encoding="utf-8").replace("    tr:\n", "    tr_removed:\n", 1)
    housing.write_text(text, encoding="utf-8")
    _, problems = read_content(broken_copy, FLOWS)
    messages = [str(p) for p in problems if p.severity == "error"]
    assert any("has no title and body in `tr`" in m and str(housing) in m for m in messages), messages


def test_a_missing_ui_string_and_a_broken_placeholder_are_errors(broken_copy: Path) -> None:
    french = broken_copy / "ui" / "fr.yaml"
    text = french.read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("feedback_thanks:"))
    text = text.replace("{language}", "{langue}", 1)
    french.write_text(text, encoding="utf-8")
    _, problems = read_content(broken_copy, FLOWS)
    messages = [str(p) for p in problems]
    assert any("missing UI string `feedback_thanks`" in m for m in messages)
    assert any("must keep the fields" in m for m in messages)


def test_malformed_links_and_unknown_places_are_errors(broken_copy: Path) -> None:
    services = broken_copy / "answers" / "city_services.yaml"
    text = services.read_text(encoding="utf-8")
    text = re.sub(
        r"- url: https://www\.mechelen\.be(\S*)\n(\s+)label", r"- url: www.mechelen\1\n\2label", text, count=1
    )
    text = text.replace("place: huis_van_de_mechelaar", "place: nowhere", 1)
    services.write_text(text, encoding="utf-8")
    _, problems = read_content(broken_copy, FLOWS)
    messages = [str(p) for p in problems]
    assert any("malformed link `www.mechelen" in m for m in messages)
    assert any("unknown place `nowhere`" in m for m in messages)


def test_an_overdue_review_is_a_warning_not_an_error() -> None:
    _, problems = read_content(CONTENT, FLOWS, today=date(2100, 1, 1))
    assert problems and all(p.severity == "warning" for p in problems)
    assert any("should have been reviewed by" in str(p) for p in problems)


def test_opening_hours_render_per_day_in_the_resident_language(content: Content, tmp_path: Path) -> None:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    places = copy / "places.yaml"
    places.write_text(
        places.read_text(encoding="utf-8") + '  hours:\n    mon: ["09:00-12:30", "13:30-16:00"]\n',
        encoding="utf-8",
    )
    from bot.core.replies import Replies

    with_hours = load_content(copy, FLOWS)
    text = Replies(with_hours).place_lines("en", with_hours.places["huis_van_de_mechelaar"])
    assert "Monday: 09:00–12:30, 13:30–16:00" in text
    assert "Sunday: closed" in text


def test_a_number_takes_the_plural_form_its_language_needs(content: Content) -> None:
    assert [content.count("uk", "days", n) for n in (1, 3, 30, 21)] == [
        "1 день",
        "3 дні",
        "30 днів",
        "21 день",
    ]
    assert [content.count("ar", "days", n) for n in (1, 2, 3, 30)] == [
        "يوم واحد",
        "يومين",
        "3 أيام",
        "30 يومًا",
    ]
    assert content.count("nl", "days", 1) == "1 dag" and content.count("en", "days", 30) == "30 days"


def test_a_missing_plural_form_and_a_broken_staff_string_are_errors(broken_copy: Path) -> None:
    ukrainian = broken_copy / "ui" / "uk.yaml"
    ukrainian.write_text(ukrainian.read_text(encoding="utf-8").replace('  few: "{count} дні"\n', ""), "utf-8")
    staff = broken_copy / "staff.yaml"
    staff.write_text(
        staff.read_text(encoding="utf-8").replace("Dossier {number}", "Dossier {nummer}"), "utf-8"
    )
    _, problems = read_content(broken_copy, FLOWS)
    messages = [str(p) for p in problems if p.severity == "error"]
    assert any("uk.yaml:" in m and "`days` in `uk` needs the plural form `few`" in m for m in messages)
    assert any("staff string `card_title` must use exactly the fields ['number']" in m for m in messages)


def test_a_single_source_field_and_an_unknown_scope_are_errors(broken_copy: Path) -> None:
    housing = broken_copy / "answers" / "housing.yaml"
    text = housing.read_text(encoding="utf-8")
    text = text.replace("scope: flemish\n      town: Beveren", "scope: europe", 1)
    text = text.replace("  sources:\n", "  source: https://www.mechelen.be\n  sources:\n", 1)
    housing.write_text(text, encoding="utf-8")
    _, problems = read_content(broken_copy, FLOWS)
    messages = [str(p) for p in problems if p.severity == "error"]
    assert any("`housing_social`: `source` is now `sources`" in m for m in messages)
    assert any("source scope must be one of mechelen, flemish, federal, not europe" in m for m in messages)
