"""The benchmark harness (`python -m bench --smoke`): it runs end to end and writes well-formed results.

No speed is asserted here: numbers depend on the machine; `make bench` reports them against targets.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.run import unstalled
from bench.stats import latency_summary, max_in_window, per_second, percentile
from bot.insights.dashboards import CHARTS
from bot.settings import PROJECT_ROOT

LATENCY_KEYS = {"count", "mean_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms"}


def test_percentiles_interpolate_and_windows_slide() -> None:
    assert percentile([], 50) is None
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert latency_summary([0.010, 0.020])["p50_ms"] == 15.0
    assert max_in_window([0.0, 0.5, 0.99, 1.0, 1.5]) == 3
    assert per_second([10.1, 10.2, 11.5], origin=10.0) == [2, 1]


async def test_a_run_during_which_the_machine_stalled_is_made_again_and_reported() -> None:
    stalls = iter([250.0, 3.0, 400.0])

    async def run(attempt: int) -> dict[str, Any]:
        return {
            "attempt": attempt,
            "machine_longest_stall_ms": next(stalls),
            "latency_first_reply": {"p99_ms": 300.0 if attempt == 1 else 20.0},
            "bot_overhead": {"p99_ms": 280.0 if attempt == 1 else 10.0},
        }

    result = await unstalled(run)
    assert result["attempt"] == 2
    assert result["stalled_attempts"] == [
        {"machine_longest_stall_ms": 250.0, "reply_p99_ms": 300.0, "overhead_p99_ms": 280.0}
    ]


@pytest.mark.rasa
def test_smoke_run_writes_well_formed_results(rasa_url: str, tmp_path: Path) -> None:
    results, docs = tmp_path / "results", tmp_path / "docs"
    command = [sys.executable, "-m", "bench", "--smoke", "--rasa-url", rasa_url]
    command += ["--results", str(results), "--docs", str(docs)]
    run = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    def load(name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((results / f"{name}.json").read_text(encoding="utf-8"))
        return data

    nlu = load("nlu")
    assert set(nlu["languages"]) == {"nl", "en", "fr", "ar", "tr", "uk"}
    assert all(
        0 <= score["accuracy"] <= 1 and 0 <= score["macro_f1"] <= 1 for score in nlu["languages"].values()
    )
    assert set(nlu["parse_latency"]) == LATENCY_KEYS and nlu["parse_latency"]["count"] > 0

    e2e = load("end_to_end")
    assert e2e["lost"] == 0 and e2e["duplicates"] == 0
    assert e2e["replied"] == e2e["messages"] == e2e["plan"]["messages"]
    for key in ("latency_first_reply", "latency_complete_turn", "nlu_call", "bot_overhead"):
        assert set(e2e[key]) == LATENCY_KEYS and e2e[key]["p99_ms"] is not None
    assert e2e["database"]["texts_logged"] == e2e["database"]["texts_sent"] > 0
    assert e2e["machine_longest_stall_ms"] >= 0 and isinstance(e2e["stalled_attempts"], list)
    assert e2e["bot_memory"]["peak_rss_mb"] > 0 and e2e["telegram"]["messages_out"] >= e2e["replied"]
    relays = e2e["relays"]
    assert relays["delivered"] == relays["relays"] > 0 and relays["lost"] == relays["duplicates"] == 0
    assert set(relays["faults_injected"]) == {"500", "network error", "429", "3 × 500"}

    growth = load("growth")["points"]
    assert [point["rows"] for point in growth] == [1_000]
    assert growth[0]["lost"] == growth[0]["duplicates"] == 0
    assert len(growth[0]["runs"]) == 2  # each size runs twice, small to large and back

    burst = load("telegram_limits")
    assert burst["delivered"] == burst["residents"] and burst["lost"] == burst["duplicates"] == 0
    assert {"too_many_requests", "max_per_1s_window", "total_seconds", "minimum_seconds"} <= set(burst)

    insights = load("insights")
    assert insights["rows"] == 1_000 and set(insights["pages"]) == set(CHARTS)
    assert all(page["max_ms"] > 0 for page in insights["pages"].values())

    assert load("rasa_stack")["skipped"] is True
    assert {"nproc", "memory_gb", "python", "date"} <= set(load("machine"))
    targets = load("summary")["targets"]
    assert targets and all(set(target) == {"target", "measured", "pass"} for target in targets)
    report = (docs / "benchmarks.md").read_text(encoding="utf-8")
    assert "## Targets" in report and "benchmarks-growth.svg" in report
    assert (docs / "benchmarks-growth.svg").read_text(encoding="utf-8").startswith("<svg")
