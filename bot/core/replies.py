"""Builds the replies the resident sees, from content, in one language."""

from __future__ import annotations

from functools import partial

from bot.content import Answer, Content, Place
from bot.content.flows import Flow
from bot.content.model import WEEKDAYS
from bot.core import payloads
from bot.core.bidi import right_to_left
from bot.core.messages import Button, Reply

Keyboard = tuple[tuple[Button, ...], ...]


class Replies:
    """Every reply shape of the assistant; all words come from content/."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def text(self, language: str, key: str, /, **fields: str) -> str:
        return self.content.text(language, key, **fields)

    def count(self, language: str, key: str, number: int) -> str:
        return self.content.count(language, key, number)

    def say(self, language: str, text: str, buttons: Keyboard = (), title: str = "") -> Reply:
        if self.content.is_rtl(language):
            text, title = right_to_left(text), right_to_left(title) if title else title
        return Reply(text=text, title=title, buttons=buttons)

    def say_key(self, language: str, key: str, buttons: Keyboard = (), /, **fields: str) -> Reply:
        return self.say(language, self.text(language, key, **fields), buttons)

    def menu_button(self, language: str) -> tuple[Button, ...]:
        return (Button(self.text(language, "back_to_menu"), payloads.MENU),)

    def menu(self, language: str, lead: str = "") -> Reply:
        """The topic menu, optionally after a sentence of its own."""
        prompt = self.text(language, "menu_prompt")
        return self.say(language, f"{lead}\n\n{prompt}" if lead else prompt, self.topic_rows(language))

    def topic_rows(self, language: str) -> Keyboard:
        return tuple(
            (Button(self.text(language, f"topic.{topic}"), payloads.encode(payloads.TOPIC, topic)),)
            for topic in self.content.topics
        )

    def topic(self, language: str, topic: str) -> Reply:
        rows = tuple(
            (
                Button(
                    self.content.answers[intent].texts[language].title,
                    payloads.encode(payloads.ANSWER, intent),
                ),
            )
            for intent in self.content.topics[topic]
        )
        return self.say_key(language, "topic_prompt", (*rows, self.menu_button(language)))

    def flow_step(self, language: str, flow: Flow, step_key: str) -> Reply:
        """One step of a guided flow: its text and its options as buttons."""
        step = flow.steps[step_key]
        rows = tuple(
            (Button(option.labels[language], self.flow_target(flow, option.target)),)
            for option in step.options
        )
        return self.say(language, step.texts[language], (*rows, self.menu_button(language)))

    def flow_target(self, flow: Flow, target: str) -> str:
        """The payload of a flow option: an answer, another step, another flow, or a person."""
        kind, _, name = target.partition(":")
        if kind == "answer":
            return payloads.encode(payloads.ANSWER, name)
        if kind == "step":
            return payloads.encode(payloads.FLOW, flow.key, name)
        if kind == "flow":
            return payloads.encode(payloads.FLOW, name, self.content.flows[name].start)
        return payloads.encode(payloads.HANDOFF, "offer", "asked")

    def suggestions(self, language: str, intents: list[str]) -> Reply:
        rows = tuple(
            (
                Button(
                    self.content.answers[intent].texts[language].title,
                    payloads.encode(payloads.ANSWER, intent),
                ),
            )
            for intent in intents
        )
        return self.say_key(language, "did_you_mean", (*rows, self.menu_button(language)))

    def language_picker(self, language: str | None, greet: bool) -> Reply:
        """Native language names as buttons; in `language`, or in the fallback pair when None."""
        rows = self.language_rows()
        if language is None:
            fallback = self.content.greeting_fallback
            lines = [self.text(fallback[0], "greeting_bilingual")] if greet else []
            lines += [self.text(code, "choose_language") for code in fallback]
            return Reply(text="\n\n".join(lines), buttons=rows)
        lines = [self.text(language, "greeting")] if greet else []
        lines.append(self.text(language, "choose_language"))
        return self.say(language, "\n\n".join(lines), rows)

    def language_rows(self) -> Keyboard:
        """Every language by its own name, two to a row."""
        buttons = [
            Button(self.content.language_name(code), payloads.encode(payloads.PICK_LANGUAGE, code))
            for code in self.content.languages
        ]
        return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))

    def switch_offer(self, language: str) -> Reply:
        name = self.content.language_name(language)
        button = Button(
            self.text(language, "switch_language_button", language=name),
            payloads.encode(payloads.SWITCH_LANGUAGE, language),
        )
        return self.say_key(language, "switch_language_offer", ((button,),), language=name)

    def answer(self, language: str, answer: Answer, log_id: int | None) -> Reply:
        """The curated answer in one message: text, address and hours, a map button, links, feedback,
        and the way on: back to the menu, or (`then`) the topics or languages themselves."""
        text = answer.texts[language]
        parts = [text.body]
        if answer.place:
            parts.append(self.place_lines(language, answer.place))
        rows: list[tuple[Button, ...]] = [
            (Button(link.labels[language], url=link.url),) for link in answer.links
        ]
        if answer.place:
            rows.insert(0, (Button(self.text(language, "open_map"), url=map_url(answer.place)),))
        if answer.feedback and log_id is not None:
            parts.append(self.text(language, "feedback_question"))
            rows.append(
                tuple(
                    Button(
                        self.text(language, f"feedback_{value}"),
                        payloads.encode(payloads.FEEDBACK, value, log_id),
                    )
                    for value in payloads.FEEDBACK_VALUES
                )
            )
        if answer.then == "menu":
            rows.extend(self.topic_rows(language))
        elif answer.then == "language_picker":
            rows.extend(self.language_rows())
        else:
            rows.append(self.menu_button(language))
        return self.say(language, "\n\n".join(parts), tuple(rows), title=text.title)

    def place_lines(self, language: str, place: Place) -> str:
        text = partial(self.text, language)
        lines = [text("place_line", name=place.name, address=place.address)]
        if not place.hours:
            return "\n".join([*lines, text("hours_unknown")])
        lines.append(text("hours_heading"))
        for day in WEEKDAYS:
            spans = [period.partition("-") for period in place.hours.get(day) or []]
            periods = [text("period", start=start, end=end) for start, _, end in spans]
            hours = text("period_separator").join(periods) or text("closed")
            lines.append(text("hours_day", day=text(f"weekday.{day}"), hours=hours))
        return "\n".join(lines)


def map_url(place: Place) -> str:
    """Opens the maps app on a phone, with the place's pin (Google Maps URLs, no key needed)."""
    return f"https://www.google.com/maps/search/?api=1&query={place.latitude:.6f},{place.longitude:.6f}"
