"""Small statistics helpers: percentiles and latency summaries in milliseconds."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any


def percentile(values: Sequence[float], q: int) -> float | None:
    """The q-th percentile (1-99), linearly interpolated between the nearest values; None for none."""
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def latency_summary(seconds: Sequence[float]) -> dict[str, Any]:
    """Count, mean, p50, p95, p99 and max of durations given in seconds, reported in ms."""
    ms = [value * 1000 for value in seconds]
    return {
        "count": len(ms),
        "mean_ms": rounded(statistics.fmean(ms)) if ms else None,
        "p50_ms": rounded(percentile(ms, 50)),
        "p95_ms": rounded(percentile(ms, 95)),
        "p99_ms": rounded(percentile(ms, 99)),
        "max_ms": rounded(max(ms)) if ms else None,
    }


def ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or theirs is None or theirs == 0:
        return None
    return round(ours / theirs, 3)


def max_in_window(times: Sequence[float], window: float = 1.0) -> int:
    """The most events that fall in any window of `window` seconds (sliding)."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def per_second(times: Sequence[float], origin: float) -> list[int]:
    """Events counted per whole second after `origin`."""
    if not times:
        return []
    bins = [0] * (int(max(times) - origin) + 1)
    for moment in times:
        bins[max(int(moment - origin), 0)] += 1
    return bins
