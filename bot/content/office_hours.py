"""When caseworkers answer: a weekly schedule, Belgian public holidays and extra closing days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

LOOK_AHEAD_DAYS = 30


@dataclass(frozen=True)
class OfficeHours:
    timezone: str
    weekly: dict[str, list[tuple[time, time]]]
    closed_on: frozenset[date] = field(default_factory=frozenset)

    def _closed_day(self, day: date) -> bool:
        return day in self.closed_on or day in holidays.country_holidays("BE", years=day.year)

    def _periods(self, day: date) -> list[tuple[time, time]]:
        return [] if self._closed_day(day) else self.weekly.get(WEEKDAYS[day.weekday()], [])

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        return any(start <= local.time() < end for start, end in self._periods(local.date()))

    def next_opening(self, moment: datetime) -> datetime | None:
        """The next moment caseworkers answer (`moment` itself when open); None when nothing is scheduled."""
        zone = ZoneInfo(self.timezone)
        local = moment.astimezone(zone)
        if self.is_open(moment):
            return local
        for offset in range(LOOK_AHEAD_DAYS):
            day = local.date() + timedelta(days=offset)
            for start, _ in self._periods(day):
                opening = datetime.combine(day, start, tzinfo=zone)
                if opening > local:
                    return opening
        return None


def parse_period(text: str) -> tuple[time, time]:
    start, end = text.split("-")
    return time.fromisoformat(start), time.fromisoformat(end)
