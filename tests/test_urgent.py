"""The urgent-message check without the NLU: normalising, matching signals, the safety set's targets,
and the content check of content/urgent/ (every mistake with file and line)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.content import Content
from bot.content.loader import read_content
from bot.core.case_desk import CaseDesk
from bot.core.conversation import Conversation
from bot.core.handoff import Handoff
from bot.core.language import LanguageDetection
from bot.core.resident_privacy import Privacy
from bot.core.urgent import UrgentCheck, known_words, normalise, urgent_check, words
from bot.nlu import RasaNlu
from bot.nlu.evaluation import training_examples
from bot.safety_report import CALM, evaluate, read_safety_set
from bot.services import thresholds
from bot.settings import PROJECT_ROOT, Settings
from bot.storage import Storage
from bot.storage.cases import Cases
from bot.storage.data_rights import DataRights
from tests.auxil.core_resident import CoreResident
from tests.conftest import free_port

SAFETY_SET = PROJECT_ROOT / "nlu_data" / "safety"
MIN_DANGER_PER_LANGUAGE = 25
MIN_CALM_PER_LANGUAGE = 15
MAX_FALSE_ALARMS = 0.05


@pytest.fixture(scope="module")
def check(content: Content) -> UrgentCheck:
    examples = training_examples(PROJECT_ROOT / "nlu_data" / "data")
    return urgent_check(content, known_words(example.text for example in examples))


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Ölmek İSTİYORUM, ıı", "olmek istiyorum, ii"),  # Turkish dotted and dotless i, diacritics
        ("أُرِيدُ إِنْهَاءَ حَيَاتِي", "اريد انهاء حياتي"),  # tashkeel and hamza forms
        ("مدرسة مستشفى", "مدرسه مستشفي"),  # teh marbuta, alef maksura
        ("ـــسكيـــن", "سكين"),  # tatweel
        ("Їжак, йод, ёлка, сэр, ґанок, б'є", "ижак, иод, елка, сер, ганок, бе"),  # Ukrainian and Russian
        ("Brûlé, NAÏVE, l'école", "brule, naive, l ecole"),
        ("I can't breathe, don’t", "i cant breathe, dont"),
    ],
)
def test_normalising_folds_the_ways_residents_write_the_same_word(written: str, normalised: str) -> None:
    assert normalise(written) == normalised


def test_arabic_particles_in_front_of_a_word_do_not_hide_it(check: UrgentCheck) -> None:
    assert "بالسكين" not in words("سكين")
    finding = check.check("هددني بالسكين", {"ar"})
    assert finding is not None and finding.category in ("danger_to_life", "violence")


@pytest.mark.parametrize(
    ("language", "message", "category"),
    [
        ("en", "I wnat to kill myslef", "suicide"),  # typos in a phrase
        ("en", "sucide", "suicide"),  # a typo in a stem
        ("en", "my son swalowed batteries", "poisoning"),
        ("en", "my daughter has been missing since noon", "missing_child"),  # words between
        ("nl", "mijn ex heeft me gisteren met een mes bedreigd", "violence"),
        ("tr", "kocam bicakla beni tehdit ediyor", "violence"),  # Turkish without diacritics
        ("uk", "мене избили и забрали паспорт", "exploitation"),  # Russian words in Ukrainian
        ("ar", "جوزي عم يضربني", "violence"),  # Levantine
        ("ar", "راجلي ضربني", "violence"),  # Maghrebi
        ("fr", "il a un couteau", "danger_to_life"),
    ],
)
def test_danger_signals_generalise_to_new_wording(
    check: UrgentCheck, language: str, message: str, category: str
) -> None:
    finding = check.check(message, {language, "en"})
    assert finding is not None and finding.category == category, finding


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "I'm dying to learn Dutch"),
        ("en", "is there a fire safety course"),
        ("en", "killing time before my appointment"),
        ("en", "what is the emergency number in Belgium?"),
        ("nl", "mijn gasrekening is te hoog"),
        ("nl", "dat is geweldig"),
        ("fr", "la police est venue vérifier mon adresse"),
        ("uk", "це краще ніж нічого"),
        ("ar", "بسم الله الرحمن الرحيم"),
    ],
)
def test_calm_near_misses_stay_calm(check: UrgentCheck, language: str, message: str) -> None:
    assert check.check(message, {language, "en"}) is None


def test_a_calm_phrase_does_not_cover_a_danger_elsewhere_in_the_message(check: UrgentCheck) -> None:
    finding = check.check("my gas bill is high and my husband beats me", {"en"})
    assert finding is not None and finding.category == "violence"


def test_the_nlu_emergency_score_anywhere_in_the_ranking_counts(check: UrgentCheck, content: Content) -> None:
    rule = next(rule for rule in content.urgent.nlu if rule.intent == "emergency")
    ranking = [("housing_rent", 0.6), ("emergency", rule.threshold + 0.01)]
    finding = check.check("help him please", {"en"}, ranking)
    assert finding is not None and finding.category == rule.category and finding.nlu_intent == "emergency"
    assert check.check("help him please", {"en"}, [("emergency", rule.threshold - 0.01)]) is None


def test_the_safety_set_is_big_enough_and_never_used_for_training() -> None:
    messages = read_safety_set(SAFETY_SET)
    training = {example.text.casefold() for example in training_examples(PROJECT_ROOT / "nlu_data" / "data")}
    assert messages and not {message.text.casefold() for message in messages} & training
    for language in ("nl", "en", "fr", "ar", "tr", "uk"):
        ours = [message for message in messages if message.language == language]
        danger = [message for message in ours if message.category != CALM]
        assert len(danger) >= MIN_DANGER_PER_LANGUAGE, language
        assert len(ours) - len(danger) >= MIN_CALM_PER_LANGUAGE, language


def test_the_safety_set_meets_the_targets_with_signals_alone(check: UrgentCheck, content: Content) -> None:
    messages = read_safety_set(SAFETY_SET)
    assert {m.category for m in messages} == {*content.urgent.categories, CALM}
    result = evaluate(check, messages, LanguageDetection(content.languages))
    assert [m.text for m in result.misses] == []
    assert result.false_alarm_rate() <= MAX_FALSE_ALARMS, result.false_alarms


def problems_after(tmp_path: Path, path: str, text: str) -> list[str]:
    copy = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", copy)
    (copy / path).write_text(text, encoding="utf-8")
    _, problems = read_content(copy, PROJECT_ROOT / "flows")
    return [str(problem) for problem in problems if problem.severity == "error"]


def test_a_broken_signal_file_is_reported_with_file_and_line(tmp_path: Path) -> None:
    original = (PROJECT_ROOT / "content" / "urgent" / "signals" / "en.yaml").read_text(encoding="utf-8")
    broken = original.replace(
        "suicide:\n", 'suicide:\n  - ""\n  - kill* myself\n  - kill* myself\n  - a b|*\n', 1
    )
    broken += "robbery:\n  - stole my bag\n"
    problems = problems_after(tmp_path, "urgent/signals/en.yaml", broken)
    lines = {line: number for number, line in enumerate(broken.splitlines(), start=1)}
    path = tmp_path / "content" / "urgent" / "signals" / "en.yaml"
    assert any(p.startswith(f"{path}:") and "an empty signal" in p for p in problems), problems
    assert any(f"{path}:{lines['  - a b|*']}:" in p and "not a word" in p for p in problems), problems
    assert any("listed twice" in p for p in problems), problems
    assert any(f"{path}:{lines['robbery:']}:" in p and "unknown category `robbery`" in p for p in problems)


def test_a_missing_language_or_help_text_is_reported(tmp_path: Path) -> None:
    signals = tmp_path / "content" / "urgent" / "signals"
    copy = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", copy)
    (signals / "tr.yaml").unlink()
    categories = (copy / "urgent" / "categories.yaml").read_text(encoding="utf-8")
    (copy / "urgent" / "categories.yaml").write_text(
        categories.replace("📞 Bel nu 101 (politie). Daarna Child Focus: 116 000", "Bel de politie"),
        encoding="utf-8",
    )
    _, found = read_content(copy, PROJECT_ROOT / "flows")
    problems = [str(problem) for problem in found]
    assert any("tr.yaml" in p and "every language needs danger signals" in p for p in problems), problems
    assert any("`missing_child` in `nl`: the first line must give the number" in p for p in problems), (
        problems
    )


@pytest.fixture
async def nlu_down() -> AsyncIterator[RasaNlu]:
    """The real NLU client, with no server behind it: as when Rasa is down."""
    client = RasaNlu(f"http://127.0.0.1:{free_port()}", timeout_seconds=1)
    yield client
    await client.close()


@pytest.fixture
def conversation_without_nlu(
    base_settings: Settings,
    content: Content,
    storage: Storage,
    nlu_down: RasaNlu,
    detector: LanguageDetection,
) -> Conversation:
    cases = Cases(storage)
    handoff = Handoff(storage, cases, base_settings.case_reopen_days)
    privacy = Privacy(DataRights(storage), cases, base_settings.retention_days)
    saturday_night = datetime(2026, 11, 28, 23, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    return Conversation(
        content,
        storage,
        nlu_down,
        detector,
        thresholds(base_settings),
        handoff,
        privacy,
        lambda: saturday_night,
    )


async def test_with_the_nlu_down_danger_gets_the_number_first_is_logged_and_the_case_is_marked(
    conversation_without_nlu: Conversation, content: Content, storage: Storage
) -> None:
    nadia = CoreResident(conversation_without_nlu, resident_id=31, client_language="fr")
    turn = await nadia.says("mon mari me frappe et il a pris un couteau")
    help_text = content.urgent.categories["violence"].help["fr"]
    assert turn.texts[0].splitlines()[0] == help_text.splitlines()[0]
    assert content.urgent.closed_note["fr"] in turn.texts[0]
    assert content.text("fr", "handoff_consent_yes") in nadia.labels()
    logged = storage.recent_turns(nadia.id, 1)[0]
    assert (logged["outcome"], logged["urgent_category"]) == ("urgent", "violence")

    await nadia.presses(content.text("fr", "handoff_consent_yes"))
    case = Cases(storage).open_case_of(nadia.id)
    assert case is not None and case.urgent and case.urgent_category == "violence"
    desk = CaseDesk(conversation_without_nlu, Cases(storage), storage, True)
    card = desk.card(case, datetime.now(UTC))
    assert content.urgent.categories["violence"].staff_label in card and "🚨" in desk.topic_name(case)


async def test_the_queue_and_reminders_put_urgent_cases_first(
    conversation_without_nlu: Conversation, content: Content, storage: Storage
) -> None:
    calm = CoreResident(conversation_without_nlu, resident_id=41, client_language="nl")
    await calm.says("/menu")
    await calm.presses(content.text("nl", "topic.person"))
    await calm.presses(content.text("nl", "handoff_consent_yes"))
    urgent = CoreResident(conversation_without_nlu, resident_id=42, client_language="nl")
    await urgent.says("mijn zoon is vermist sinds vanmiddag")
    await urgent.presses(content.text("nl", "handoff_consent_yes"))
    desk = CaseDesk(conversation_without_nlu, Cases(storage), storage, True)
    later = datetime.now(UTC) + timedelta(hours=2)
    assert [case.resident_id for case in desk.waiting_too_long(later, 30)] == [42, 41]
    assert desk.queue(later).splitlines()[1].startswith("🚨")
