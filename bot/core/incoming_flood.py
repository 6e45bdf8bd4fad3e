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
        self._last_sweep = 0.0

    def pace(self, resident_id: int, moment: float) -> Pace:
        if moment - self._last_sweep > self.window:
            self._forget_quiet(moment)
        times = self._times[resident_id]
        times.append(moment)
        while times and moment - times[0] > self.window:
            times.popleft()
        if len(times) <= self.limit:
            self._warned.discard(resident_id)
            return Pace.OK
        if resident_id in self._warned:
            return Pace.DROP
        self._warned.add(resident_id)
        return Pace.WARN

    def tracked(self) -> int:
        """How many residents the guard holds in memory."""
        return len(self._times)

    def _forget_quiet(self, moment: float) -> None:
        """Drop residents with nothing in the window (once a window), so memory follows the active ones."""
        self._last_sweep = moment
        quiet = [resident for resident, times in self._times.items() if moment - times[-1] > self.window]
        for resident in quiet:
            del self._times[resident]
            self._warned.discard(resident)
