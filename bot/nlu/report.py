"""`make nlu-report`: `rasa test nlu` on the held-out split, per language, with confusion matrices, and
what residents would see on the held-out split and the field set (bot/nlu/resident_report.py)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from bot.core.answer_choice import Thresholds
from bot.nlu.evaluation import held_out_examples
from bot.nlu.rasa_server import ensure_model, rasa_environment
from bot.nlu.resident_report import rank_with_server, resident_report


@dataclass(frozen=True)
class LanguageReport:
    language: str
    accuracy: float
    precision: float
    recall: float
    f1: float
    confusion_matrix: Path


def test_language(model: Path, test_file: Path, rasa_venv: Path, out_dir: Path) -> LanguageReport:
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(rasa_venv.resolve() / "bin" / "rasa"),
            "test",
            "nlu",
            "--nlu",
            str(test_file.resolve()),
            "--model",
            str(model.resolve()),
            "--out",
            str(out_dir.resolve()),
        ],
        check=True,
        env=rasa_environment(),
        cwd=out_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    report = json.loads((out_dir / "intent_report.json").read_text(encoding="utf-8"))
    macro = report["macro avg"]
    return LanguageReport(
        language=test_file.stem,
        accuracy=float(report["accuracy"]),
        precision=float(macro["precision"]),
        recall=float(macro["recall"]),
        f1=float(macro["f1-score"]),
        confusion_matrix=out_dir / "intent_confusion_matrix.png",
    )


def nlu_report(
    nlu_dir: Path, rasa_venv: Path, reports_dir: Path, answerable: Collection[str], thresholds: Thresholds
) -> list[LanguageReport]:
    """Test the current model on each language of nlu_data/tests/ (rasa test nlu), then score what
    residents would see on the held-out split and the field set; write reports/nlu/summary.md."""
    model = ensure_model(nlu_dir, rasa_venv)
    out = reports_dir / "nlu"
    reports = [
        test_language(model, test_file, rasa_venv, out / test_file.stem)
        for test_file in sorted((nlu_dir / "tests").glob("*.yml"))
    ]
    lines = [
        f"# NLU on the held-out split ({model.name})",
        "",
        "| language | accuracy | precision | recall | macro-F1 | confusion matrix |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r.language} | {r.accuracy:.3f} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} "
        f"| {r.confusion_matrix.relative_to(reports_dir)} |"
        for r in reports
    ]
    sets = {
        "held-out split": held_out_examples(nlu_dir / "tests"),
        "field set": held_out_examples(nlu_dir / "field"),
    }
    ranked = rank_with_server(model, rasa_venv, sets, out)
    resident_lines, _ = resident_report(ranked, answerable, thresholds, out)
    lines += ["", *resident_lines]
    (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "summary.json").write_text(
        json.dumps([{**r.__dict__, "confusion_matrix": str(r.confusion_matrix)} for r in reports], indent=2),
        encoding="utf-8",
    )
    return reports
