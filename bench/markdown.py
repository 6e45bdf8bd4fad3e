"""docs/benchmarks.md: bench/templates/benchmarks.md.jinja filled with a run's results, tables by tabulate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from tabulate import tabulate

from bench.stats import ratio

LATENCY_HEADER = ["", "n", "p50 ms", "p95 ms", "p99 ms", "max ms"]


def value(cell: Any, digits: int = 1) -> str:
    """One cell or figure as the report shows it: `–` for nothing, thousands separated, floats rounded."""
    if cell is None or isinstance(cell, jinja2.Undefined):
        return "–"
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float):
        return f"{cell:,.{digits if abs(cell) >= 10 else 2}f}"
    if isinstance(cell, int):
        return f"{cell:,}"
    return str(cell)


def table(rows: list[list[Any]], header: list[str]) -> str:
    cells = [[value(cell) for cell in row] for row in rows]
    return tabulate(cells, headers=header, tablefmt="github", disable_numparse=True)


def latency_row(name: str, summary: Any) -> list[Any]:
    """A row of LATENCY_HEADER from a `bench.stats.latency_summary`; dashes where nothing was measured."""
    summary = summary if isinstance(summary, dict) else {}
    return [name, summary.get("count"), *(summary.get(f"{key}_ms") for key in ("p50", "p95", "p99", "max"))]


def share_rows(items: list[dict[str, Any]], code: bool = False) -> list[list[Any]]:
    """Profile rows: the function (as code when it is one of ours), its samples and their share."""
    return [
        [f"`{item['function']}`" if code else item["function"], item["samples"], f"{item['share']:.1%}"]
        for item in items
    ]


class _Missing(jinja2.ChainableUndefined):
    """A figure the run did not produce: shown as a dash, also inside joined text."""

    def __str__(self) -> str:
        return "–"


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    undefined=_Missing,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.do"],
    autoescape=False,  # Markdown, not HTML
)
_ENVIRONMENT.filters.update(table=table, v=value, share_rows=share_rows)
_ENVIRONMENT.globals.update(latency_row=latency_row, ratio=ratio, LATENCY_HEADER=LATENCY_HEADER)


def render(results: dict[str, Any], checks: list[dict[str, Any]], plot: bool) -> str:
    failed = {
        name: part["failed"] for name, part in results.items() if isinstance(part, dict) and "failed" in part
    }
    parts = {name: part for name, part in results.items() if name not in failed}
    return _ENVIRONMENT.get_template("benchmarks.md.jinja").render(
        checks=checks,
        plot=plot,
        failed=failed,
        machine=parts.get("machine") or {},
        nlu=parts.get("nlu") or {},
        safety=parts.get("safety") or {},
        e2e=parts.get("end_to_end") or {},
        growth=parts.get("growth") or {},
        rasa_stack=parts.get("rasa_stack") or {},
        telegram_limits=parts.get("telegram_limits") or {},
        profile=parts.get("profile") or {},
    )
