"""What comes in from a resident and what goes out to them, independent of any chat platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class Incoming:
    """One event from a resident in a private chat."""

    resident_id: int
    kind: Kind
    text: str = ""
    client_language: str | None = None

    @classmethod
    def message(cls, resident_id: int, text: str, client_language: str | None = None) -> Incoming:
        """A typed message; a leading slash makes it a command, as in every chat client."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            command = stripped[1:].split()[0].split("@")[0].lower()
            return cls(resident_id, Kind.COMMAND, command, client_language)
        return cls(resident_id, Kind.TEXT, text, client_language)


@dataclass(frozen=True)
class Button:
    """A button under a reply: it either sends `payload` back or opens `url`."""

    label: str
    payload: str = ""
    url: str = ""


@dataclass(frozen=True)
class Reply:
    """One message to the resident. `text` is plain text: adapters escape it for their medium."""

    text: str
    title: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    replaces_pressed: bool = False
    document: tuple[str, bytes] | None = None


@dataclass(frozen=True)
class CaseOpened:
    """A resident agreed to talk to a caseworker: the staff side shows the case (new or reopened)."""

    case_id: int
    reopened: bool = False


@dataclass(frozen=True)
class ResidentLeft:
    case_id: int


@dataclass(frozen=True)
class CaseRated:
    case_id: int
    rating: int


@dataclass(frozen=True)
class ResidentForgotten:
    """The resident had everything deleted; their open case's topic gets a note."""

    case_id: int
    thread_id: int | None


StaffEvent = CaseOpened | ResidentLeft | CaseRated | ResidentForgotten


@dataclass
class Turn:
    """Everything the core did with one incoming event."""

    replies: list[Reply] = field(default_factory=list)
    language: str = ""
    detected_language: str | None = None
    intent: str | None = None
    confidence: float | None = None
    answer_key: str | None = None
    outcome: str = ""
    relay_case: int | None = None
    urgent_category: str | None = None
    staff_events: list[StaffEvent] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [reply.text for reply in self.replies]
