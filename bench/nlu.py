"""NLU: held-out accuracy and macro-F1 per language, /model/parse latency, training time, size, RSS."""

from __future__ import annotations

import fcntl
import os
import resource
import shutil
import time
from pathlib import Path
from typing import Any

from bench.procs import rasa_train
from bench.stats import latency_summary
from bot.nlu import RasaNlu, Understanding
from bot.nlu.evaluation import Example, evaluate
from bot.nlu.rasa_server import model_path


class TimedNlu:
    """The bot's Rasa client, timing each `POST /model/parse` round trip."""

    def __init__(self, url: str) -> None:
        self.client = RasaNlu(url, timeout_seconds=30)
        self.seconds: list[float] = []

    async def parse(self, text: str) -> Understanding:
        started = time.perf_counter()
        understanding = await self.client.parse(text)
        self.seconds.append(time.perf_counter() - started)
        return understanding


async def score(url: str, examples: list[Example], warm_up: int = 5) -> dict[str, Any]:
    """Accuracy and macro-F1 per language, and parse latency over the same requests."""
    nlu = TimedNlu(url)
    try:
        for example in examples[:warm_up]:
            await nlu.client.parse(example.text)
        scores = await evaluate(nlu, examples)
    finally:
        await nlu.client.close()
    languages = {
        language: {
            "examples": len(result.results),
            "accuracy": round(result.accuracy, 3),
            "macro_f1": round(result.macro_f1, 3),
        }
        for language, result in sorted(scores.items())
    }
    total = sum(len(result.results) for result in scores.values())
    correct = sum(result.accuracy * len(result.results) for result in scores.values())
    return {
        "languages": languages,
        "overall_accuracy": round(correct / max(total, 1), 3),
        "parse_latency": latency_summary(nlu.seconds),
    }


def train_time(nlu_dir: Path, rasa_venv: Path, workdir: Path, cache: Path) -> dict[str, Any]:
    """Train the current data into a temporary folder with an empty cache, as a first training would.

    When the project has no model for this data yet, the one trained here becomes it (same config and
    data), so the run does not train twice."""
    target = model_path(nlu_dir)
    out = workdir / "models"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    data = ["--config", str(nlu_dir / "config.yml"), "--nlu", str(nlu_dir / "data")]
    rasa_train(rasa_venv, ["nlu", *data, "--out", str(out)], workdir, cache)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    models = sorted(out.glob("*.tar.gz"))
    if models:
        adopt(models[-1], target)
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
        "model_mb": round(models[-1].stat().st_size / 1e6, 2) if models else None,
    }


def adopt(trained: Path, target: Path) -> None:
    """Install a freshly trained model as the project's model for its data, unless one exists."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / ".training.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            partial = target.with_name(f".{target.name}.partial")
            shutil.copy2(trained, partial)
            os.replace(partial, target)
