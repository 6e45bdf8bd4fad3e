"""Scores the NLU on the held-out split in nlu_data/tests/ (never used for training)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.content.yaml_lines import load_yaml
from bot.nlu.client import Nlu


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str


@dataclass
class LanguageScore:
    language: str
    results: list[tuple[Example, str | None]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(example.intent == got for example, got in self.results) / max(len(self.results), 1)

    def per_intent(self) -> dict[str, tuple[float, float, float]]:
        """Precision, recall and F1 for each intent of the held-out split."""
        intents = sorted({example.intent for example, _ in self.results})
        scores = {}
        for intent in intents:
            true_positive = sum(e.intent == intent and got == intent for e, got in self.results)
            predicted = sum(got == intent for _, got in self.results)
            actual = sum(e.intent == intent for e, _ in self.results)
            precision = true_positive / predicted if predicted else 0.0
            recall = true_positive / actual if actual else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            scores[intent] = (precision, recall, f1)
        return scores

    @property
    def macro_f1(self) -> float:
        scores = self.per_intent()
        return sum(f1 for _, _, f1 in scores.values()) / max(len(scores), 1)

    def misses(self) -> list[tuple[Example, str | None]]:
        return [(example, got) for example, got in self.results if example.intent != got]


def read_examples(path: Path, language: str) -> list[Example]:
    """The examples of one Rasa NLU file."""
    examples = []
    for block in load_yaml(path).get("nlu") or []:
        for line in str(block["examples"]).splitlines():
            if line.strip().startswith("- "):
                examples.append(Example(line.strip()[2:].strip(), str(block["intent"]), language))
    return examples


def held_out_examples(tests_dir: Path) -> list[Example]:
    """The held-out split: one file per language, named by its code (nl.yml, ar.yml, ...)."""
    return [example for path in sorted(tests_dir.glob("*.yml")) for example in read_examples(path, path.stem)]


def training_examples(data_dir: Path) -> list[Example]:
    """The training data: one folder per language (data/nl/*.yml, ...)."""
    return [
        example
        for path in sorted(data_dir.rglob("*.yml"))
        for example in read_examples(path, path.relative_to(data_dir).parts[0])
    ]


async def evaluate(nlu: Nlu, examples: list[Example]) -> dict[str, LanguageScore]:
    scores: dict[str, LanguageScore] = {}
    for example in examples:
        understanding = await nlu.parse(example.text)
        scores.setdefault(example.language, LanguageScore(example.language)).results.append(
            (example, understanding.intent)
        )
    return scores
