"""Targets (pass/fail) and docs/benchmarks.md from the results of a run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.plot import growth_svg
from bench.profile import summarise
from bench.stats import ratio

NOTES_MARKER = "<!-- notes: kept by `make bench` -->"
PLOT = "benchmarks-growth.svg"


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _growth_point(results: dict[str, Any], rows: int) -> dict[str, Any] | None:
    points = _get(results, "growth", "points") or []
    return next((point for point in points if point["rows"] == rows), None)


def _check(name: str, measured: str, passed: bool | None) -> dict[str, Any]:
    return {"target": name, "measured": measured, "pass": passed}


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}" if abs(value) >= 10 else f"{value:.2f}{unit}"
    return f"{value:,}{unit}" if isinstance(value, int) else f"{value}{unit}"


def bot_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    e2e = results.get("end_to_end") or {}
    overhead = _get(e2e, "bot_overhead", "p99_ms")
    p99 = _get(e2e, "latency_first_reply", "p99_ms")
    small, large = _growth_point(results, 1_000), _growth_point(results, 1_000_000)
    checks = [
        _check(
            "bot overhead p99 < 20 ms", _fmt(overhead, " ms"), None if overhead is None else overhead < 20
        ),
        _check("end-to-end p99 < 100 ms at 20 msg/s", _fmt(p99, " ms"), None if p99 is None else p99 < 100),
    ]
    if "lost" in e2e:
        bad = e2e["lost"] + e2e["duplicates"]
        checks.append(
            _check(
                "zero lost and duplicate replies",
                f"{e2e['lost']} lost, {e2e['duplicates']} duplicate",
                bad == 0,
            )
        )
    relays = e2e.get("relays")
    if relays:
        checks.append(
            _check(
                "zero lost and duplicate relays (faults on half of them)",
                f"{relays['lost']} lost, {relays['duplicates']} duplicate of {relays['relays']}",
                relays["lost"] + relays["duplicates"] == 0,
            )
        )
    rss = _get(large, "bot_memory", "peak_rss_mb")
    checks.append(
        _check(
            "bot RSS < 150 MB with 1,000,000 log rows", _fmt(rss, " MB"), None if rss is None else rss < 150
        )
    )
    if small and large:
        p50 = ratio(
            _get(large, "latency_first_reply", "p50_ms"), _get(small, "latency_first_reply", "p50_ms")
        )
        p99_ratio = ratio(
            _get(large, "latency_first_reply", "p99_ms"), _get(small, "latency_first_reply", "p99_ms")
        )
        checks.append(
            _check(
                "latency at 1,000,000 rows within 10 % of 1,000 (p50)",
                f"p50 ×{_fmt(p50)}, p99 ×{_fmt(p99_ratio)}",
                None if p50 is None else p50 <= 1.10,
            )
        )
    else:
        checks.append(_check("latency at 1,000,000 rows within 10 % of 1,000 (p50)", "not measured", None))
    return checks


def bot_targets_missed(results: dict[str, Any]) -> bool:
    return any(check["pass"] is False for check in bot_targets(results))


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    checks = bot_targets(results)
    e2e, stack, burst = (
        results.get("end_to_end") or {},
        results.get("rasa_stack") or {},
        results.get("telegram_limits"),
    )
    if "latency" in stack and "lost" in e2e:
        p50 = ratio(_get(e2e, "latency_first_reply", "p50_ms"), _get(stack, "latency", "p50_ms"))
        p99 = ratio(_get(e2e, "latency_first_reply", "p99_ms"), _get(stack, "latency", "p99_ms"))
        clean = e2e["lost"] + e2e["duplicates"] + stack["lost"] + stack["duplicates"] == 0
        checks.append(
            _check(
                "ours/Rasa ≤ 1.0 (p50 and p99), zero lost/duplicate in both",
                f"p50 ×{_fmt(p50)}, p99 ×{_fmt(p99)}; lost/dup ours {e2e['lost']}/{e2e['duplicates']}, "
                f"Rasa {stack['lost']}/{stack['duplicates']}",
                None if p50 is None or p99 is None else p50 <= 1.0 and p99 <= 1.0 and clean,
            )
        )
    else:
        checks.append(_check("ours/Rasa ≤ 1.0, zero lost/duplicate in both", "not measured", None))
    safety = results.get("safety") or {}
    if "with_nlu" in safety:
        both = [safety["signals_only"], safety["with_nlu"]]
        cost = safety["cost"]["p99_us"]
        checks.append(
            _check(
                "urgent check: recall 100 %, false alarms ≤ 5 % (signals alone and with the NLU), p99 < 1 ms",
                f"recall {_fmt(both[0]['recall'] * 100, ' %')} / {_fmt(both[1]['recall'] * 100, ' %')}, "
                f"false alarms {_fmt(both[0]['false_alarms'] * 100, ' %')} / "
                f"{_fmt(both[1]['false_alarms'] * 100, ' %')}, p99 {_fmt(cost, ' µs')}",
                all(r["recall"] == 1.0 and r["false_alarms"] <= 0.05 for r in both) and cost < 1000,
            )
        )
    if burst and "ratio_to_minimum" in burst:
        ok = (
            burst["ratio_to_minimum"] is not None
            and burst["ratio_to_minimum"] <= 1.10
            and burst["too_many_requests"] == 0
            and burst["lost"] == 0
        )
        checks.append(
            _check(
                "burst within 10 % of the minimum, zero 429",
                f"{_fmt(burst['total_seconds'], ' s')} vs {_fmt(burst['minimum_seconds'], ' s')} "
                f"(×{_fmt(burst['ratio_to_minimum'])}), {burst['too_many_requests']} × 429",
                ok,
            )
        )
    insights = results.get("insights") or {}
    if "pages" in insights:
        checks.append(
            _check(
                f"insights: every dashboard < 1 s on {insights['rows']:,} log rows",
                f"slowest {_fmt(insights['slowest_page_ms'], ' ms')} (summary rebuild "
                f"{_fmt(insights['summary_rebuild_seconds'], ' s')})",
                insights["pass"],
            )
        )
    else:
        checks.append(_check("insights: every dashboard < 1 s", "not measured", None))
    return checks


def write(results: dict[str, Any], results_dir: Path, docs_dir: Path) -> None:
    checks = targets(results)
    summary = {"targets": checks}
    (results_dir / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    docs_dir.mkdir(parents=True, exist_ok=True)
    points = _get(results, "growth", "points") or []
    if points:
        (docs_dir / PLOT).write_text(growth_svg(points), encoding="utf-8")
    target = docs_dir / "benchmarks.md"
    notes = ""
    if target.exists():
        old = target.read_text(encoding="utf-8")
        if NOTES_MARKER in old:
            notes = old.split(NOTES_MARKER, 1)[1]
    from bench.markdown import render

    target.write_text(
        render(results, checks, bool(points)) + "\n" + NOTES_MARKER + notes.rstrip() + "\n", "utf-8"
    )


def load(results_dir: Path) -> dict[str, Any]:
    """The results of the last run, as written to `results_dir`."""
    parts = ("machine", "nlu", "safety", "end_to_end", "growth", "telegram_limits", "rasa_stack", "profile")
    parts += ("insights",)
    found = {}
    for part in parts:
        path = results_dir / f"{part}.json"
        if path.exists():
            found[part] = json.loads(path.read_text(encoding="utf-8"))
    raw = results_dir / "profile.txt"
    if "profile" in found and raw.exists():
        found["profile"]["profile"] = summarise(raw)  # the summary of the current version of the code
    return found
