"""`python -m bot caseworker`: the handoff in a terminal, on the same database as `make chat`."""

from __future__ import annotations

import shlex
from typing import TextIO

from bot.clock import now
from bot.core.case_desk import CaseDesk
from bot.core.messages import Reply
from bot.storage.cases import Case

CASEWORKER_ID = 1


def queue_for_terminal(desk: CaseDesk, case: Case, replies: list[Reply]) -> None:
    """Messages for a terminal resident wait in the database until their chat prints them."""
    for reply in replies:
        text = f"{reply.title}\n{reply.text}".strip() if reply.title else reply.text
        message_id = desk.cases.begin_relay(
            case.id, "caseworker", text, source_message_id=-next_id(desk, case)
        )
        assert message_id is not None


def next_id(desk: CaseDesk, case: Case) -> int:
    return len(desk.cases.messages(case.id)) + 1


def run_console(desk: CaseDesk, stdin: TextIO, stdout: TextIO) -> None:
    stdout.write(desk.staff("console_help") + "\n")
    for line in iter(
        lambda: (stdout.write(desk.staff("console_prompt")), stdout.flush(), stdin.readline())[2], ""
    ):
        words = shlex.split(line) if line.strip() else []
        if not words:
            continue
        if words[0] in ("quit", "exit"):
            return
        stdout.write(execute(desk, words) + "\n")


def execute(desk: CaseDesk, words: list[str]) -> str:
    command, arguments = words[0], words[1:]
    if command == "queue":
        return desk.queue(now())
    if command == "help" or not arguments or not arguments[0].lstrip("#").isdigit():
        return desk.staff("console_help")
    case = desk.cases.get(int(arguments[0].lstrip("#")))
    if case is None:
        return desk.staff("console_no_case", number=arguments[0])
    if command == "show":
        messages = [f"  {m['sender']}: {m['text']}" for m in desk.cases.messages(case.id)]
        return "\n".join([desk.card(case, now()), *messages])
    if command == "claim":
        claim = desk.claim(case, CASEWORKER_ID, desk.staff("console_name"))
        if claim.to_resident is not None:
            queue_for_terminal(desk, case, [claim.to_resident])
        return (
            desk.staff("claimed_by", name=desk.staff("console_name"))
            if claim.taken
            else desk.staff("already_claimed", name=claim.owner)
        )
    if command == "reply" and len(arguments) > 1:
        desk.claim(case, CASEWORKER_ID, desk.staff("console_name"))
        queue_for_terminal(desk, case, [Reply(" ".join(arguments[1:]))])
        return desk.staff("console_sent")
    if command == "send" and len(arguments) > 1:
        replies = desk.prepared(case, arguments[1])
        if replies is None:
            return desk.unknown_key(arguments[1])
        queue_for_terminal(desk, case, replies)
        return desk.staff("sent", language=case.language.upper(), key=arguments[1])
    if command == "close":
        replies = desk.close(case)
        queue_for_terminal(desk, case, replies)
        return (
            desk.staff("closed_by", name=desk.staff("console_name")) if replies else desk.staff("card_closed")
        )
    return desk.staff("console_help")
