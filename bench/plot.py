"""A small SVG chart of latency and memory against database size (no plotting library needed)."""

from __future__ import annotations

import math
from html import escape
from typing import Any

WIDTH, HEIGHT, PANEL = 760, 300, 340
COLOURS = {"p50": "#1f77b4", "p95": "#ff7f0e", "p99": "#d62728", "peak RSS": "#2ca02c"}


def _panel(
    left: int,
    title: str,
    unit: str,
    xs: list[float],
    series: dict[str, list[float]],
    limit: tuple[str, float] | None = None,
) -> list[str]:
    top, height, width = 40, 200, PANEL - 70
    values = [v for line in series.values() for v in line] + ([limit[1]] if limit else [])
    high = max(values, default=1.0) * 1.15 or 1.0
    low_x, high_x = math.log10(min(xs)), math.log10(max(xs))
    span_x = (high_x - low_x) or 1.0

    def point(x: float, y: float) -> tuple[float, float]:
        return (
            left + 50 + (math.log10(x) - low_x) / span_x * width,
            top + height - y / high * height,
        )

    x0, bottom = left + 50, top + height
    parts = [
        f'<text x="{x0 + width / 2}" y="22" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{x0}" y1="{bottom}" x2="{x0 + width}" y2="{bottom}" stroke="#444"/>',
        f'<line x1="{x0}" y1="{top}" x2="{x0}" y2="{bottom}" stroke="#444"/>',
    ]
    for step in range(5):
        value = high * step / 4
        y = top + height - value / high * height
        parts.append(f'<text x="{left + 44}" y="{y + 4}" text-anchor="end" font-size="11">{value:.0f}</text>')
        parts.append(f'<line x1="{left + 50}" y1="{y}" x2="{left + 50 + width}" y2="{y}" stroke="#ddd"/>')
    parts.append(
        f'<text x="{left + 12}" y="{top + height / 2}" font-size="11" '
        f'transform="rotate(-90 {left + 12} {top + height / 2})" text-anchor="middle">{escape(unit)}</text>'
    )
    for x in xs:
        px, _ = point(x, 0)
        label = f"{x:,.0f}"
        parts.append(
            f'<text x="{px}" y="{top + height + 16}" text-anchor="middle" font-size="11">{label}</text>'
        )
    parts.append(
        f'<text x="{left + 50 + width / 2}" y="{top + height + 34}" text-anchor="middle" '
        f'font-size="11">conversation_log rows (log scale)</text>'
    )
    if limit is not None:
        _, y = point(xs[0], limit[1])
        parts.append(
            f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + width}" y2="{y:.1f}" '
            'stroke="#999" stroke-dasharray="5,4"/>'
        )
        parts.append(
            f'<text x="{x0 + width}" y="{y - 4:.1f}" text-anchor="end" font-size="11" fill="#666">'
            f"{escape(limit[0])}</text>"
        )
    for number, (name, line) in enumerate(series.items()):
        colour = COLOURS.get(name, "#555")
        points = " ".join(
            f"{px:.1f},{py:.1f}" for px, py in (point(x, y) for x, y in zip(xs, line, strict=True))
        )
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        for x, y in zip(xs, line, strict=True):
            px, py = point(x, y)
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
        legend_y = top + 12 + number * 14
        parts.append(f'<rect x="{left + 60}" y="{legend_y - 8}" width="10" height="3" fill="{colour}"/>')
        parts.append(f'<text x="{left + 75}" y="{legend_y - 4}" font-size="11">{escape(name)}</text>')
    return parts


def growth_svg(points: list[dict[str, Any]]) -> str:
    """Reply latency (p50, p95, p99) and bot peak RSS for each database size."""
    xs = [float(point["rows"]) for point in points]
    latency = {
        name: [float(point["latency_first_reply"][f"{name}_ms"] or 0) for point in points]
        for name in ("p50", "p95", "p99")
    }
    memory = {"peak RSS": [float(point["bot_memory"]["peak_rss_mb"]) for point in points]}
    body = [
        *_panel(0, "Reply latency", "ms", xs, latency),
        *_panel(PANEL + 40, "Bot process memory", "MB", xs, memory, ("target 150 MB", 150.0)),
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="white"/>\n'
        + "\n".join(body)
        + "\n</svg>\n"
    )
