"""Slows down a resident who sends very many messages at once, without a hand-made rate limiter for output."""

from __future__ import annotations

from collections import defaultdict, deque
from enum import Enum


class Pace(Enum):
    OK = "ok"
    WARN = "warn"
    DROP = "drop"


class FloodGuard:
    """More than `limit` messages within `window` seconds: one polite warning, then silence until calm."""

    def __init__(self, limit: int = 10, window: float = 10.0) -> None:
        self.limit = limit
        self.window = window
        self._times: dict[int, deque[float]] = defaultdict(deque)
        self._warned: set[int] = set()

    def pace(self, resident_id: int, moment: float) -> Pace:
        times = self._times[resident_id]
        times.append(moment)
        while times and moment - times[0] > self.window:
            times.popleft()
        if len(times) <= self.limit:
            self._warned.discard(resident_id)
            if not times:
                del self._times[resident_id]
            return Pace.OK
        if resident_id in self._warned:
            return Pace.DROP
        self._warned.add(resident_id)
        return Pace.WARN
