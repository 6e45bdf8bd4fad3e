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
FEEDBACK_VALUES = ("up", "down")


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
    arity = {MENU: 0, PICK_LANGUAGE: 1, SWITCH_LANGUAGE: 1, TOPIC: 1, ANSWER: 1, FEEDBACK: 2, FLOW: 2}
    if arity.get(action) != len(args) or not all(args):
        return None
    if action == FEEDBACK and (args[0] not in FEEDBACK_VALUES or not args[1].isdigit()):
        return None
    return Payload(action, tuple(args))
