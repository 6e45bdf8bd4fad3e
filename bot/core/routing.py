"""Commands and button presses: each command and each payload action has one handler, in a table."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from bot.core import payloads
from bot.core.messages import Button, Incoming, Reply, Turn
from bot.core.reply_language import client_language
from bot.storage import Resident

if TYPE_CHECKING:
    from bot.core.conversation import Conversation

# The commands residents can type, in the order the chat app's command menu shows them.
COMMANDS = ("start", "menu", "language", "help", "privacy", "mydata", "forget")

Command = Callable[[Resident, Incoming, str], Turn]
Press = Callable[[Resident, str, tuple[str, ...]], Turn]


class Routes:
    """What a command or a pressed button does; the conversation holds the content they serve."""

    def __init__(self, core: Conversation) -> None:
        self.core = core
        self.commands: dict[str, Command] = {
            "start": self.start,
            "menu": self.menu_command,
            "language": self.language_command,
            "privacy": self.privacy_command,
            "mydata": self.my_data,
            "forget": self.forget_command,
            "help": self.help_command,
        }
        self.presses: dict[str, Press] = {
            payloads.PICK_LANGUAGE: partial(self.choose_language, welcome=True),
            payloads.SWITCH_LANGUAGE: partial(self.choose_language, welcome=False),
            payloads.MENU: self.menu,
            payloads.PRIVACY: self.privacy_text,
            payloads.FORGET: self.forget,
            payloads.HANDOFF: self.handoff,
            payloads.RATE: self.rate,
            payloads.TOPIC: self.topic,
            payloads.FLOW: self.flow,
            payloads.ANSWER: self.answer,
            payloads.FEEDBACK: self.feedback,
        }

    def command(self, resident: Resident, event: Incoming, language: str) -> Turn:
        handler = self.commands.get(event.text, self.unknown_command)
        return handler(resident, event, language)

    def press(self, resident: Resident, event: Incoming, language: str) -> Turn:
        payload = payloads.decode(event.text)
        handler = self.presses.get(payload.action) if payload else None
        if payload is None or handler is None:
            return self.expired(language)
        return handler(resident, language, payload.args)

    def expired(self, language: str) -> Turn:
        lead = self.core.replies.text(language, "expired_button")
        return Turn([self.core.replies.menu(language, lead=lead)], language=language, outcome="expired")

    # Commands

    @staticmethod
    def _commanded(reply: Reply, event: Incoming, language: str) -> Turn:
        return Turn([reply], language=language, outcome=f"command:{event.text}")

    def start(self, resident: Resident, event: Incoming, language: str) -> Turn:
        """The language picker, greeting in the resident's language or their app's (in all if neither)."""
        greeting = resident.language or client_language(event.client_language, self.core.content.languages)
        return self._commanded(self.core.replies.language_picker(greeting, greet=True), event, language)

    def menu_command(self, _resident: Resident, event: Incoming, language: str) -> Turn:
        return self._commanded(self.core.replies.menu(language), event, language)

    def language_command(self, _resident: Resident, event: Incoming, language: str) -> Turn:
        return self._commanded(self.core.replies.language_picker(language, greet=False), event, language)

    def privacy_command(self, _resident: Resident, event: Incoming, language: str) -> Turn:
        return self._commanded(self.core.privacy.notice(self.core.replies, language), event, language)

    def my_data(self, resident: Resident, _event: Incoming, language: str) -> Turn:
        return self.core.privacy.my_data(self.core.replies, resident.id, language)

    def forget_command(self, _resident: Resident, _event: Incoming, language: str) -> Turn:
        return self.core.privacy.confirm_forget(self.core.replies, language)

    def help_command(self, _resident: Resident, event: Incoming, language: str) -> Turn:
        replies = self.core.replies
        return self._commanded(replies.menu(language, lead=replies.text(language, "help")), event, language)

    def unknown_command(self, _resident: Resident, event: Incoming, language: str) -> Turn:
        replies = self.core.replies
        lead = replies.text(language, "unknown_command")
        return self._commanded(replies.menu(language, lead=lead), event, language)

    # Buttons

    def choose_language(
        self, resident: Resident, language: str, args: tuple[str, ...], welcome: bool
    ) -> Turn:
        chosen = args[0]
        if chosen not in self.core.content.languages:
            return self.expired(language)
        replies = self.core.replies
        self.core.storage.set_language(resident.id, chosen)
        name = self.core.content.language_name(chosen)
        confirmation = replies.say_key(chosen, "language_set", language=name)
        turn = Turn([Reply(confirmation.text, replaces_pressed=True)], language=chosen, outcome="language")
        if welcome:
            turn.replies.append(replies.menu(chosen, lead=replies.text(chosen, "welcome")))
        return turn

    def menu(self, _resident: Resident, language: str, _args: tuple[str, ...]) -> Turn:
        return Turn([self.core.replies.menu(language)], language=language, outcome="menu")

    def privacy_text(self, _resident: Resident, language: str, _args: tuple[str, ...]) -> Turn:
        reply = self.core.privacy.full_text(self.core.replies, language)
        return Turn([reply], language=language, outcome="privacy")

    def forget(self, resident: Resident, language: str, args: tuple[str, ...]) -> Turn:
        if args[0] == "yes":
            return self.core.privacy.forget(self.core.replies, resident.id, language)
        return Turn(
            [self.core.replies.say_key(language, "forget_cancelled")], language=language, outcome="kept"
        )

    def handoff(self, resident: Resident, language: str, args: tuple[str, ...]) -> Turn:
        core, replies = self.core, self.core.replies
        step, reason = args
        if step == "offer":
            return Turn(
                [core.handoff.consent(replies, language, reason)], language=language, outcome="consent"
            )
        if step == "yes" and core.handoff.enabled:
            return core.handoff.accept(replies, resident.id, language, reason, core.clock())
        case = core.handoff.cases.open_case_of(resident.id)
        if step == "leave" and case is not None:
            return core.handoff.leave(replies, case, language)
        if step == "no":
            lead = replies.text(language, "handoff_declined")
            return Turn([replies.menu(language, lead=lead)], language=language, outcome="consent_declined")
        return self.expired(language)

    def rate(self, resident: Resident, language: str, args: tuple[str, ...]) -> Turn:
        return self.core.handoff.rate(self.core.replies, resident.id, int(args[0]), int(args[1]), language)

    def topic(self, resident: Resident, language: str, args: tuple[str, ...]) -> Turn:
        content = self.core.content
        if args[0] == "person":
            return self.handoff(resident, language, ("offer", "asked"))
        if args[0] not in content.topics:
            return self.expired(language)
        entries = content.topics[args[0]]
        if len(entries) == 1 and entries[0].startswith(f"{payloads.FLOW}:"):
            topic_flow = content.flows[entries[0].partition(":")[2]]
            return self.flow_step(language, topic_flow.key, topic_flow.start)
        if len(entries) == 1:
            return self.answer(resident, language, (entries[0],))
        return Turn([self.core.replies.topic(language, args[0])], language=language, outcome="topic")

    def flow(self, _resident: Resident, language: str, args: tuple[str, ...]) -> Turn:
        flow = self.core.content.flows.get(args[0])
        if flow is None or args[1] not in flow.steps:
            return self.expired(language)
        return self.flow_step(language, flow.key, args[1])

    def flow_step(self, language: str, flow_key: str, step: str) -> Turn:
        reply = self.core.replies.flow_step(language, self.core.content.flows[flow_key], step)
        return Turn([reply], language=language, answer_key=f"flow:{flow_key}:{step}", outcome="flow")

    def answer(self, resident: Resident, language: str, args: tuple[str, ...]) -> Turn:
        """An answer the resident chose from a topic or a suggestion."""
        intent = args[0]
        answer = self.core.content.answers.get(intent)
        if answer is None:
            return self.expired(language)
        log_id = self.core.log_choice(resident, language, intent)
        return Turn(
            [self.core.replies.answer(language, answer, log_id)],
            language=language,
            intent=intent,
            answer_key=intent,
            outcome="chosen",
        )

    def feedback(self, resident: Resident, language: str, args: tuple[str, ...]) -> Turn:
        value, log_id = args[0], int(args[1])
        if not self.core.storage.record_feedback(resident.id, log_id, value):
            return self.expired(language)
        replies = self.core.replies
        if value == "up":
            reply = replies.say_key(language, "feedback_thanks")
        else:
            person = Button(
                replies.text(language, "talk_to_person"),
                payloads.encode(payloads.HANDOFF, "offer", "feedback"),
            )
            reply = replies.say_key(language, "feedback_sorry", ((person,), replies.menu_button(language)))
        return Turn([reply], language=language, outcome=f"feedback:{value}")
