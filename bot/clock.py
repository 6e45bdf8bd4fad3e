"""The one clock: what time it is, and how moments are written into the database."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime | None = None) -> str:
    """A moment (now by default) as stored in SQLite: ISO 8601 in UTC, to the second."""
    return (moment or now()).isoformat(timespec="seconds")
