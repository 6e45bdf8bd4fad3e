"""`python -m bot content check`: validates content/ and nlu_data/ and prints a coverage table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TextIO

from bot.content.loader import read_content
from bot.content.model import Content
from bot.content.problems import Problem
from bot.content.yaml_lines import YamlFileError, load_yaml, where
from bot.settings import Settings

MIN_TRAINING_EXAMPLES = 10


def nlu_examples(data_dir: Path, problems: list[Problem]) -> Counter[tuple[str, str]]:
    """How many examples each (intent, language) has; the language is the folder name."""
    counts: Counter[tuple[str, str]] = Counter()
    for path in sorted(data_dir.rglob("*.yml")):
        try:
            data = load_yaml(path)
        except YamlFileError as error:
            problems.append(Problem(error.where, error.reason))
            continue
        language = path.relative_to(data_dir).parts[0]
        for block in (data or {}).get("nlu") or []:
            if not isinstance(block, dict) or "intent" not in block:
                problems.append(Problem(where(path, block), "each NLU block needs `intent` and `examples`"))
                continue
            lines = [line for line in str(block.get("examples", "")).splitlines() if line.strip()]
            bad = [line for line in lines if not line.lstrip().startswith("- ")]
            if bad:
                problems.append(Problem(where(path, block), f"examples must start with '- ': {bad[0]!r}"))
            counts[(str(block["intent"]), language)] += len(lines) - len(bad)
    return counts


def insights_problems(content_dir: Path) -> list[Problem]:
    """content/insights.yaml holds a title, an explanation and axis names for every dashboard and chart."""
    from bot.insights.dashboards import missing_texts
    from bot.insights.texts import InsightsTextError, load_insights_texts

    path = str(content_dir / "insights.yaml")
    try:
        texts = load_insights_texts(content_dir)
    except InsightsTextError as error:
        return [Problem(error.where, error.reason)]
    return [Problem(path, f"{item} has no Dutch text") for item in missing_texts(texts)]


def check_all(settings: Settings, out: TextIO) -> int:
    """Print every problem and the coverage table; 1 when there is an error, else 0."""
    content, problems = read_content(settings.content_dir, settings.flows_dir)
    training = nlu_examples(settings.nlu_dir / "data", problems)
    nlu_intents = {intent for intent, _ in training}
    for intent in sorted(nlu_intents - set(content.answers)):
        problems.append(
            Problem(str(settings.nlu_dir / "data"), f"intent `{intent}` has no answer in content/")
        )
    for intent in sorted(set(content.answers) - nlu_intents):
        answer = content.answers[intent]
        problems.append(Problem(answer.origin, f"`{intent}` has no NLU training examples in nlu_data/data/"))
    for (intent, language), count in sorted(training.items()):
        if language not in content.languages:
            problems.append(Problem(str(settings.nlu_dir / "data" / language), "not a supported language"))
        elif count < MIN_TRAINING_EXAMPLES:
            problems.append(
                Problem(
                    str(settings.nlu_dir / "data" / language),
                    f"`{intent}` has {count} examples in `{language}`; "
                    f"give it at least {MIN_TRAINING_EXAMPLES}",
                    "warning",
                )
            )
    problems += insights_problems(settings.content_dir)
    for problem in problems:
        out.write(f"{problem}\n")
    out.write(
        coverage_table(sorted(set(content.answers) | nlu_intents), content.languages, content, training)
    )
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    out.write(f"\n{errors} errors, {warnings} warnings\n")
    return 1 if errors else 0


def coverage_table(
    intents: list[str], languages: tuple[str, ...], content: Content, training: Counter[tuple[str, str]]
) -> str:
    """One row per intent: per language, ✓ and the number of training examples, or ✗ without an answer."""
    answers = content.answers
    width = max([len(intent) for intent in intents] + [6])
    lines = ["", "intent".ljust(width) + "".join(f"  {language:>7}" for language in languages)]
    for intent in intents:
        cells = []
        for language in languages:
            answered = intent in answers and language in answers[intent].texts
            cells.append(f"  {('✓' if answered else '✗') + str(training[(intent, language)]):>7}")
        lines.append(intent.ljust(width) + "".join(cells))
    lines.append("(✓ = answer present, ✗ = answer missing; the number counts NLU training examples)")
    return "\n".join(lines) + "\n"
