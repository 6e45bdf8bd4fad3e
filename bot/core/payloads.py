"""Button payloads: short strings a button sends back when it is pressed (max 64 bytes)."""

from __future__ import annotations

from dataclasses import dataclass

MENU = "menu"
PICK_LANGUAGE = "lang"
SWITCH_LANGUAGE = "switch"
TOPIC = "topic"
ANSWER = "answer"
FEEDBACK = "fb"
FLOW = "flow"
HANDOFF = "handoff"
RATE = "rate"
PRIVACY = "privacy"
FORGET = "forget"
FORGET_STEPS = ("yes", "no")
HANDOFF_STEPS = ("offer", "yes", "no", "leave")
HANDOFF_REASONS = ("asked", "not_understood", "feedback", "urgent", "case")
FEEDBACK_VALUES = ("up", "down")

# Each action and how many arguments its payload carries.
ARITY = {
    MENU: 0,
    PICK_LANGUAGE: 1,
    SWITCH_LANGUAGE: 1,
    TOPIC: 1,
    ANSWER: 1,
    FEEDBACK: 2,
    FLOW: 2,
    HANDOFF: 2,
    RATE: 2,
    PRIVACY: 1,
    FORGET: 1,
}


@dataclass(frozen=True)
class Payload:
    action: str
    args: tuple[str, ...] = ()


def encode(action: str, *args: str | int) -> str:
    return ":".join([action, *map(str, args)])


def decode(data: str) -> Payload | None:
    """The action and arguments of a payload, or None for anything malformed."""
    if not data or len(data.encode()) > 64:
        return None
    action, *args = data.split(":")
    if ARITY.get(action) != len(args) or not all(args):
        return None
    if action == FEEDBACK and (args[0] not in FEEDBACK_VALUES or not args[1].isdigit()):
        return None
    if action == HANDOFF and (args[0] not in HANDOFF_STEPS or args[1] not in HANDOFF_REASONS):
        return None
    if action == FORGET and args[0] not in FORGET_STEPS:
        return None
    if action == RATE and not (args[0].isdigit() and args[1] in {"1", "2", "3", "4", "5"}):
        return None
    return Payload(action, tuple(args))
