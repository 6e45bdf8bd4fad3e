"""Runs the benchmark parts in order and writes bench/results/*.json and docs/benchmarks.md."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench import machine, nlu, report
from bench.end_to_end import run_bot_load
from bench.growth import run_growth
from bench.insights import run_insights
from bench.procs import MeasuredRasaServer, memory_mb, pid_listening_on
from bench.rasa_stack import run_stack
from bench.safety import run_safety
from bench.scenario import LoadPlan, make_scripts
from bench.telegram_limits import run_burst
from bot.content import load_content
from bot.nlu.evaluation import Example, held_out_examples
from bot.nlu.rasa_server import ensure_model, free_port
from bot.settings import Settings

PARTS = ("nlu", "safety", "end_to_end", "growth", "telegram_limits", "rasa_stack", "profile", "insights")
# A machine stall longer than this (every process held up, see StallWatch) decides a run's p99 on its
# own; such a run of the end-to-end part is made once more.
STALL_LIMIT_MS = 100.0
STALLED_RUN_ATTEMPTS = 2
# Each case in the end-to-end run: this many messages from the resident and as many from the caseworker.
RELAYS_PER_SIDE = 4


@dataclass(frozen=True)
class Sizes:
    residents: int = 200
    per_resident: int = 10
    rate: float = 20.0
    growth_rows: tuple[int, ...] = (1_000, 100_000, 1_000_000)
    growth_residents: int = 100
    burst: int = 1000
    nlu_per_language: int | None = None  # None: the whole held-out split
    train: bool = True
    rasa_stack: bool = True
    profile_residents: int = 60
    relay_cases: int = 6
    insights_rows: int = 1_000_000


FULL = Sizes()
SMOKE = Sizes(
    residents=5,
    per_resident=2,
    growth_rows=(1_000,),
    growth_residents=5,
    burst=20,
    nlu_per_language=3,
    train=False,
    rasa_stack=False,
    profile_residents=0,
    relay_cases=1,
    insights_rows=1_000,
)


@dataclass
class Options:
    sizes: Sizes
    results: Path
    docs: Path
    rasa_url: str | None = None
    parts: tuple[str, ...] = PARTS
    keep: bool = False
    report_only: bool = False
    settings: Settings = field(default_factory=lambda: Settings(_env_file=None))  # type: ignore[call-arg]


@contextmanager
def rasa_for_bench(options: Options, workdir: Path) -> Iterator[tuple[str, int | None]]:
    """Our Rasa server: the one at --rasa-url, or one started here on a free port."""
    if options.rasa_url:
        port = urlsplit(options.rasa_url).port
        yield options.rasa_url, pid_listening_on(port) if port else None
        return
    settings = options.settings
    model = ensure_model(settings.nlu_dir, settings.rasa_venv)
    server = MeasuredRasaServer(model, settings.rasa_venv, free_port(), workdir / "rasa.log")
    server.start(settings.rasa_startup_seconds)
    try:
        yield server.url, server.pid
    finally:
        server.stop()


def served_model(rasa_url: str, nlu_dir: Path) -> Path | None:
    """The model file the Rasa server reports it serves (found in nlu_data/models/ by name)."""
    try:
        reported = Path(str(httpx.get(f"{rasa_url}/status", timeout=10).json().get("model_file", "")))
    except (httpx.HTTPError, ValueError):
        return None
    for model in (reported, nlu_dir / "models" / reported.name):
        if model.name and model.is_file():
            return model
    return None


def examples_for(options: Options) -> list[Example]:
    examples = held_out_examples(options.settings.nlu_dir / "tests")
    keep = options.sizes.nlu_per_language
    if keep is None:
        return examples
    taken: dict[str, int] = {}
    chosen = []
    for example in examples:
        if taken.get(example.language, 0) < keep:
            taken[example.language] = taken.get(example.language, 0) + 1
            chosen.append(example)
    return chosen


class Bench:
    def __init__(self, options: Options, workdir: Path) -> None:
        self.options = options
        self.workdir = workdir
        self.results: dict[str, Any] = {}
        self.failed: list[str] = []
        options.results.mkdir(parents=True, exist_ok=True)

    def save(self, part: str, data: dict[str, Any], started: float) -> None:
        data = {**data, "bench_seconds": round(time.perf_counter() - started, 1)}
        self.results[part] = data
        path = self.options.results / f"{part}.json"
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"[bench] {part} done in {data['bench_seconds']} s", flush=True)

    async def part(self, name: str, run: Callable[[], Awaitable[dict[str, Any]]]) -> None:
        """Run one part; a part that fails is recorded as failed and the others still run."""
        if name not in self.options.parts:
            return
        print(f"[bench] {name} ...", flush=True)
        started = time.perf_counter()
        try:
            result = await run()
        except Exception as error:
            traceback.print_exc()
            result = {"failed": f"{type(error).__name__}: {error}"}
            self.failed.append(name)
        self.save(name, result, started)

    async def run(self) -> dict[str, Any]:
        options, sizes, settings = self.options, self.options.sizes, self.options.settings
        info = machine.describe()
        info["sizes"] = asdict(sizes)
        examples = held_out_examples(settings.nlu_dir / "tests")
        content = load_content(settings.content_dir, settings.flows_dir)
        plan = LoadPlan(sizes.residents, sizes.per_resident, sizes.rate)
        scripts = make_scripts(examples, plan, list(content.topics))
        growth_plan = LoadPlan(sizes.growth_residents, sizes.per_resident, sizes.rate)
        cache = self.workdir / "rasa-cache"
        training: dict[str, Any] = {"skipped": True}
        if sizes.train and "nlu" in options.parts:
            print("[bench] training the NLU into a temporary folder ...", flush=True)
            folder = self.workdir / "train"
            folder.mkdir()
            training = await asyncio.to_thread(
                nlu.train_time, settings.nlu_dir, settings.rasa_venv, folder, cache
            )
        with rasa_for_bench(options, self.workdir) as (rasa_url, rasa_pid):

            async def nlu_part() -> dict[str, Any]:
                scored = await nlu.score(rasa_url, examples_for(options))
                model = served_model(rasa_url, settings.nlu_dir)
                memory = memory_mb(rasa_pid) if rasa_pid else None
                return {
                    **scored,
                    "training": training,
                    "model": model.name if model else None,
                    "model_mb": round(model.stat().st_size / 1e6, 2) if model else None,
                    "server_memory": memory,
                }

            await self.part("nlu", nlu_part)
            await self.part("safety", lambda: run_safety(settings, content, rasa_url, examples))
            await self.part(
                "end_to_end",
                lambda: unstalled(
                    lambda attempt: run_bot_load(
                        plan,
                        scripts,
                        rasa_url,
                        self.workdir / f"e2e-{attempt}.db",
                        self.workdir / f"e2e-{attempt}",
                        rasa_pid=rasa_pid,
                        relays=(sizes.relay_cases, RELAYS_PER_SIDE),
                    )
                ),
            )
            growth_scripts = scripts[: sizes.growth_residents]
            await self.part(
                "growth",
                lambda: _points(
                    run_growth(
                        list(sizes.growth_rows),
                        growth_plan,
                        growth_scripts,
                        examples,
                        rasa_url,
                        self.workdir / "growth",
                    )
                ),
            )
            await self.part(
                "telegram_limits",
                lambda: run_burst(sizes.burst, rasa_url, self.workdir / "burst.db", self.workdir / "burst"),
            )
            if sizes.profile_residents and report.bot_targets_missed(self.results):
                profile_plan = LoadPlan(sizes.profile_residents, sizes.per_resident, sizes.rate)
                await self.part(
                    "profile",
                    lambda: self._profile(profile_plan, scripts[: sizes.profile_residents], rasa_url),
                )
        if sizes.rasa_stack:
            await self.part(
                "rasa_stack",
                lambda: run_stack(plan, scripts, content, settings.nlu_dir, settings.rasa_venv, self.workdir),
            )
        else:
            self.save("rasa_stack", {"skipped": True, "reason": "smoke run"}, time.perf_counter())
        await self.part(
            "insights",
            lambda: asyncio.to_thread(run_insights, sizes.insights_rows, examples, self.workdir / "insights"),
        )
        info["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
        self.save("machine", info, time.perf_counter())
        return self.results

    async def _profile(self, plan: LoadPlan, scripts: Any, rasa_url: str) -> dict[str, Any]:
        from bench.profile import summarise

        raw = self.options.results / "profile.txt"
        result = await run_bot_load(
            plan, scripts, rasa_url, self.workdir / "profile.db", self.workdir / "profile", profile=raw
        )
        return {"run": result, "profile": summarise(raw)}


async def unstalled(
    run: Callable[[int], Awaitable[dict[str, Any]]], attempts: int = STALLED_RUN_ATTEMPTS
) -> dict[str, Any]:
    """The run, made again (on a fresh database) when the machine itself stalled during it; the
    stalled attempts stay in the result with their tail latencies."""
    done: list[dict[str, Any]] = []
    for attempt in range(1, attempts + 1):
        done.append(await run(attempt))
        if done[-1].get("machine_longest_stall_ms", 0.0) <= STALL_LIMIT_MS:
            break
    final = done[-1]
    final["stalled_attempts"] = [
        {
            "machine_longest_stall_ms": stalled["machine_longest_stall_ms"],
            "reply_p99_ms": stalled["latency_first_reply"]["p99_ms"],
            "overhead_p99_ms": stalled["bot_overhead"]["p99_ms"],
        }
        for stalled in done[:-1]
    ]
    return final


async def _points(points: Awaitable[list[dict[str, Any]]]) -> dict[str, Any]:
    return {"points": await points}


def main(options: Options) -> int:
    if options.report_only:
        report.write(report.load(options.results), options.results, options.docs)
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="welkom-bench-"))
    bench = Bench(options, workdir)
    try:
        results = asyncio.run(bench.run())
        report.write(results, options.results, options.docs)
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"[bench] results in {options.results}, summary in {options.docs / 'benchmarks.md'}", flush=True)
    if bench.failed:
        print(f"[bench] failed parts: {', '.join(bench.failed)}", flush=True)
        return 1
    return 0
