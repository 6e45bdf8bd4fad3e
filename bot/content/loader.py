"""Reads content/ into typed objects; every problem names its file and line."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path
from typing import Any

from bot.content import plurals
from bot.content.flows import read_flows
from bot.content.model import (
    SCOPES,
    WEEKDAYS,
    Answer,
    AnswerText,
    Content,
    Link,
    OfficeHours,
    Place,
    Source,
)
from bot.content.office_hours import parse_period
from bot.content.problems import Problem
from bot.content.urgent import read_urgent
from bot.content.yaml_lines import YamlFileError, load_yaml, where

MAX_TITLE_LENGTH = 40
MAX_BODY_LENGTH = 1500
URL_PATTERN = re.compile(r"^https://[\w.-]+\.[a-z]{2,}(/[^\s]*)?$")
HOURS_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
FOLLOW_UPS = {"menu", "language_picker"}
# The staff strings the code fills in, with the {fields} each must use (like the resident texts).
STAFF_FIELDS: dict[str, set[str]] = {
    "waiting_minutes": {"minutes"},
    "waiting_hours": {"hours", "minutes"},
    "date_time": {"day", "month", "time"},
    "reminder_line": {"urgent", "number", "language"},
    "transcript_resident": {"text"},
    "transcript_bot": {"text"},
    "console_name": set(),
    "console_prompt": set(),
    "topic_name": {"language", "number", "subject"},
    "urgent_marker": set(),
    "card_title": {"number"},
    "card_language": {"language"},
    "card_intents": {"intents"},
    "card_reason": {"reason"},
    "card_office": {"status"},
    "card_open_now": set(),
    "card_closed_now": {"when"},
    "card_transcript": set(),
    "card_unclaimed": set(),
    "card_claimed": {"name"},
    "card_closed": set(),
    "claim_button": set(),
    "close_button": set(),
    "reason.asked": set(),
    "reason.not_understood": set(),
    "reason.feedback": set(),
    "reason.urgent": set(),
    "reopened": set(),
    "resident_left": set(),
    "resident_blocked": set(),
    "resident_rated": {"rating"},
    "closed_by": {"name"},
    "claimed_by": {"name"},
    "already_claimed": {"name"},
    "sent": {"key", "language"},
    "unknown_key": {"key", "phrases"},
    "send_usage": set(),
    "not_delivered": {"error"},
    "queue_title": {"count"},
    "queue_empty": set(),
    "queue_line": {"language", "number", "owner", "urgent", "waiting"},
    "queue_unclaimed": set(),
    "reminder": {"minutes"},
    "refused": set(),
    "not_in_case": set(),
    "topic_recreated": set(),
    "content_refused": set(),
    "resident_forgotten": set(),
    "console_help": set(),
    "console_sent": set(),
    "console_no_case": {"number"},
    "review.title": {"points"},
    "review.overdue": {"date", "subject"},
    "review.due": {"date", "subject"},
    "review.old_source": {"date", "subject", "url"},
    "review.weak_source": {"subject", "town", "url"},
    "review.no_hours": {"name"},
    "review.how": set(),
    "review.nothing": set(),
}


class ContentError(Exception):
    """The content cannot be used; holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class _Reader:
    """Collects problems while building content objects."""

    def __init__(self, root: Path, today: date) -> None:
        self.root = root
        self.today = today
        self.problems: list[Problem] = []
        self.plurals: dict[str, dict[str, dict[str, str]]] = {}
        self.staff_plurals: dict[str, dict[str, str]] = {}
        self.staff_language = ""

    def error(self, place: str, message: str) -> None:
        self.problems.append(Problem(place, message))

    def warn(self, place: str, message: str) -> None:
        self.problems.append(Problem(place, message, "warning"))

    def read(self, path: Path) -> Any:
        try:
            return load_yaml(path)
        except YamlFileError as error:
            self.error(error.where, error.reason)
            return None

    def languages(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        path = self.root / "languages.yaml"
        data = self.read(path)
        if not isinstance(data, dict) or not isinstance(data.get("supported"), list):
            self.error(str(path), "needs a list `supported` of language codes")
            return (), ()
        supported = tuple(str(code) for code in data["supported"])
        self.staff_language = str(data.get("staff_language") or "")
        if self.staff_language not in supported:
            self.error(str(path), "needs `staff_language`, one of the supported languages")
            self.staff_language = supported[0] if supported else "nl"
        return supported, tuple(data.get("greeting_fallback") or ())

    def plural(self, spot: str, key: str, language: str, forms: dict[Any, Any]) -> dict[str, str] | None:
        """Checks that a text that changes with a number gives every CLDR category its language needs."""
        given = {str(category): str(text) for category, text in forms.items()}
        needed = plurals.categories(language)
        for category in sorted(needed - set(given)):
            self.error(spot, f"`{key}` in `{language}` needs the plural form `{category}`")
        for category in sorted(set(given) - needed):
            self.error(spot, f"`{key}`: `{category}` is not a plural form of `{language}` ({sorted(needed)})")
        for category, text in given.items():
            if not _fields(text) <= {"count"}:
                self.error(spot, f"`{key}` ({category}) may only use the field {{count}}")
        return given if needed <= set(given) else None

    def ui(self, languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
        strings: dict[str, dict[str, str]] = {}
        for language in languages:
            path = self.root / "ui" / f"{language}.yaml"
            if not path.exists():
                self.error(str(path), f"missing: every supported language needs UI strings ({language})")
                continue
            data = self.read(path)
            if not isinstance(data, dict):
                self.error(str(path), "must be a mapping of key: text")
                continue
            strings[language] = {str(k): str(v) for k, v in data.items() if not isinstance(v, dict)}
            for key, forms in data.items():
                if isinstance(forms, dict):
                    checked = self.plural(where(path, forms), str(key), language, forms)
                    self.plurals.setdefault(language, {})[str(key)] = checked or {}
        if not strings:
            return strings
        reference_language = "en" if "en" in strings else next(iter(strings))
        reference = strings[reference_language]
        reference_keys = set(reference) | set(self.plurals.get(reference_language, {}))
        for language, table in strings.items():
            ui_file = str(self.root / "ui" / f"{language}.yaml")
            keys = set(table) | set(self.plurals.get(language, {}))
            for key in sorted(reference_keys - keys):
                self.error(ui_file, f"missing UI string `{key}`")
            for key in sorted(keys - reference_keys):
                self.error(ui_file, f"UI string `{key}` is not in the other languages")
            for key, text in table.items():
                if key in reference and _fields(text) != _fields(reference[key]):
                    self.error(ui_file, f"UI string `{key}` must keep the fields {_fields(reference[key])}")
        return strings

    def places(self) -> dict[str, Place]:
        path = self.root / "places.yaml"
        data = self.read(path)
        places: dict[str, Place] = {}
        if not isinstance(data, dict):
            self.error(str(path), "must be a mapping of place key to place")
            return places
        for key, raw in data.items():
            spot = where(path, raw)
            try:
                hours = {day: list(periods) for day, periods in (raw.get("hours") or {}).items()}
                place = Place(
                    key=str(key),
                    name=str(raw["name"]),
                    street=str(raw["street"]),
                    postcode=str(raw["postcode"]),
                    city=str(raw["city"]),
                    latitude=float(raw["latitude"]),
                    longitude=float(raw["longitude"]),
                    website=str(raw.get("website") or ""),
                    hours=hours,
                )
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                self.error(spot, f"place `{key}` is incomplete or malformed ({error})")
                continue
            for day, periods in place.hours.items():
                if day not in WEEKDAYS:
                    self.error(spot, f"place `{key}`: unknown day `{day}` (use {', '.join(WEEKDAYS)})")
                for period in periods:
                    if not HOURS_PATTERN.match(str(period)):
                        self.error(spot, f"place `{key}`: hours `{period}` must look like 09:00-12:30")
            if place.website and not URL_PATTERN.match(place.website):
                self.error(spot, f"place `{key}`: malformed website `{place.website}`")
            places[place.key] = place
        return places

    def office_hours(self) -> OfficeHours | None:
        path = self.root / "office_hours.yaml"
        data = self.read(path)
        if not isinstance(data, dict) or not isinstance(data.get("weekly"), dict):
            self.error(str(path), "needs `timezone` and a `weekly` schedule")
            return None
        weekly = {}
        for day, periods in data["weekly"].items():
            if day not in WEEKDAYS:
                self.error(where(path, data), f"unknown day `{day}` (use {', '.join(WEEKDAYS)})")
                continue
            for period in periods or []:
                if not HOURS_PATTERN.match(str(period)):
                    self.error(where(path, data), f"`{day}`: hours `{period}` must look like 09:00-12:30")
            weekly[day] = [parse_period(str(p)) for p in periods or [] if HOURS_PATTERN.match(str(p))]
        closed = [day for day in data.get("closed_on") or [] if isinstance(day, date)]
        if len(closed) != len(data.get("closed_on") or []):
            self.error(str(path), "closed_on must list dates like 2026-12-24")
        return OfficeHours(str(data.get("timezone", "Europe/Brussels")), weekly, frozenset(closed))

    def staff(self) -> dict[str, str]:
        path = self.root / "staff.yaml"
        data = self.read(path)
        if not isinstance(data, dict):
            self.error(str(path), "must be a mapping of key: text for the staff group")
            return {}
        strings = {}
        for key, value in data.items():
            if isinstance(value, dict):
                forms = self.plural(where(path, value), str(key), self.staff_language, value)
                self.staff_plurals[str(key)] = forms or {}
                continue
            text = str(value)
            try:
                list(string.Formatter().parse(text))
            except ValueError as error:
                self.error(where(path, data), f"staff string `{key}` has a broken {{field}}: {error}")
            if not text.strip():
                self.error(where(path, data), f"staff string `{key}` is empty")
            strings[str(key)] = text
        for key, fields in STAFF_FIELDS.items():
            if key not in strings and key not in self.staff_plurals:
                self.error(str(path), f"missing staff string `{key}`")
            elif key in strings and _fields(strings[key]) != fields:
                self.error(str(path), f"staff string `{key}` must use exactly the fields {sorted(fields)}")
        return strings

    def phrases(self, languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
        """Prepared caseworker sentences, sent to a resident in their language with /send."""
        path = self.root / "phrases.yaml"
        data = self.read(path)
        if not isinstance(data, dict):
            self.error(str(path), "must map each phrase key to its text per language")
            return {}
        phrases = {}
        for key, texts in data.items():
            if not isinstance(texts, dict):
                self.error(where(path, data), f"phrase `{key}` needs a text per language")
                continue
            for language in languages:
                if not texts.get(language):
                    self.error(where(path, texts), f"phrase `{key}` has no text in `{language}`")
            phrases[str(key)] = {str(k): str(v).strip() for k, v in texts.items()}
        return phrases

    def topics(self) -> dict[str, list[str]]:
        """Each topic of the menu: a list of intents, or a single `flow:name` that guides the resident."""
        path = self.root / "menu.yaml"
        data = self.read(path)
        if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
            self.error(str(path), "needs a mapping `topics` of topic to a list of intents or a flow")
            return {}
        return {
            str(topic): [str(entry)] if isinstance(entry, str) else [str(i) for i in entry]
            for topic, entry in data["topics"].items()
        }

    def answers(self, languages: tuple[str, ...], places: dict[str, Place]) -> dict[str, Answer]:
        answers: dict[str, Answer] = {}
        for path in sorted((self.root / "answers").glob("*.yaml")):
            data = self.read(path)
            if data is None:
                continue
            if not isinstance(data, list):
                self.error(str(path), "must be a list of answers (each starting with `- intent:`)")
                continue
            for raw in data:
                answer = self.answer(path, raw, languages, places)
                if answer is None:
                    continue
                if answer.intent in answers:
                    self.error(
                        answer.origin,
                        f"`{answer.intent}` is answered twice (also at {answers[answer.intent].origin})",
                    )
                answers[answer.intent] = answer
        return answers

    def answer(
        self, path: Path, raw: Any, languages: tuple[str, ...], places: dict[str, Place]
    ) -> Answer | None:
        spot = where(path, raw)
        if not isinstance(raw, dict) or "intent" not in raw:
            self.error(spot, "an answer needs `intent`, `text` and its review data")
            return None
        intent = str(raw["intent"])
        if "source" in raw:
            self.error(spot, f"`{intent}`: `source` is now `sources`, listing url, supports, scope, checked")
            return None
        missing = [key for key in ("owner", "sources", "reviewed", "review_by", "text") if key not in raw]
        if missing:
            self.error(spot, f"`{intent}` is missing {', '.join(missing)}")
            return None
        texts = self.texts(spot, intent, raw["text"], languages)
        links = self.links(spot, intent, raw.get("links") or [], languages)
        place = None
        if raw.get("place"):
            place = places.get(str(raw["place"]))
            if place is None:
                self.error(spot, f"`{intent}` names an unknown place `{raw['place']}`")
        reviewed, review_by = raw["reviewed"], raw["review_by"]
        if not isinstance(reviewed, date) or not isinstance(review_by, date):
            self.error(spot, f"`{intent}`: reviewed and review_by must be dates like 2026-11-21")
            return None
        if review_by < self.today:
            self.warn(spot, f"`{intent}` should have been reviewed by {review_by}")
        sources = self.sources(spot, intent, raw["sources"])
        urgent = raw.get("urgent", False)
        if not isinstance(urgent, bool):
            self.error(spot, f"`{intent}`: urgent must be true or false")
        then = raw.get("then")
        if then is not None and then not in FOLLOW_UPS:
            self.error(spot, f"`{intent}`: then must be one of {sorted(FOLLOW_UPS)}")
        return Answer(
            intent=intent,
            owner=str(raw["owner"]),
            sources=sources,
            reviewed=reviewed,
            review_by=review_by,
            texts=texts,
            links=links,
            place=place,
            feedback=bool(raw.get("feedback", True)),
            urgent=urgent is True,
            then=then,
            keywords=tuple(str(keyword) for keyword in raw.get("keywords") or ()),
            origin=spot,
        )

    def sources(self, spot: str, intent: str, raw: Any) -> tuple[Source, ...]:
        if not isinstance(raw, list) or not raw:
            self.error(spot, f"`{intent}`: sources must list at least one page that supports the answer")
            return ()
        sources = []
        for entry in raw:
            here = where_in(spot, entry)
            if not isinstance(entry, dict):
                self.error(here, f"`{intent}`: each source needs url, supports, scope and checked")
                continue
            missing = [key for key in ("url", "supports", "scope", "checked") if not entry.get(key)]
            if missing:
                self.error(here, f"`{intent}`: a source is missing {', '.join(missing)}")
                continue
            url, scope, checked = str(entry["url"]), str(entry["scope"]), entry["checked"]
            if not URL_PATTERN.match(url):
                self.error(here, f"`{intent}`: source must be an https URL, not `{url}`")
            if scope not in SCOPES:
                self.error(here, f"`{intent}`: source scope must be one of {', '.join(SCOPES)}, not {scope}")
            if not isinstance(checked, date):
                self.error(here, f"`{intent}`: source checked must be a date like 2026-12-03")
                continue
            if checked > self.today:
                self.error(here, f"`{intent}`: source {url} was checked in the future ({checked})")
            source = Source(url, str(entry["supports"]).strip(), scope, checked, str(entry.get("town") or ""))
            if source.from_another_town and scope == "mechelen":
                self.warn(
                    here,
                    f"`{intent}`: {url} is about {source.town}; it can support a Flemish or federal rule, "
                    "not a Mechelen fact",
                )
            sources.append(source)
        return tuple(sources)

    def texts(self, spot: str, intent: str, raw: Any, languages: tuple[str, ...]) -> dict[str, AnswerText]:
        texts: dict[str, AnswerText] = {}
        if not isinstance(raw, dict):
            self.error(spot, f"`{intent}`: text must map each language to a title and body")
            return texts
        for language in languages:
            entry = raw.get(language)
            if not isinstance(entry, dict) or not entry.get("title") or not entry.get("body"):
                self.error(where_in(spot, raw), f"`{intent}` has no title and body in `{language}`")
                continue
            title, body = str(entry["title"]).strip(), str(entry["body"]).strip()
            if len(title) > MAX_TITLE_LENGTH:
                self.error(
                    where_in(spot, entry),
                    f"`{intent}` title in `{language}` is longer than {MAX_TITLE_LENGTH} characters",
                )
            if len(body) > MAX_BODY_LENGTH:
                self.error(
                    where_in(spot, entry),
                    f"`{intent}` text in `{language}` is {len(body)} "
                    f"characters; keep it under {MAX_BODY_LENGTH} to read on a phone",
                )
            texts[language] = AnswerText(title, body)
        for language in sorted(set(raw) - set(languages)):
            self.warn(spot, f"`{intent}` has text in `{language}`, which is not a supported language")
        return texts

    def links(self, spot: str, intent: str, raw: Any, languages: tuple[str, ...]) -> list[Link]:
        links: list[Link] = []
        for entry in raw if isinstance(raw, list) else []:
            url = str(entry.get("url", "")) if isinstance(entry, dict) else ""
            labels = entry.get("label") if isinstance(entry, dict) else None
            if not URL_PATTERN.match(url):
                self.error(where_in(spot, entry), f"`{intent}`: malformed link `{url}`")
                continue
            if not isinstance(labels, dict):
                self.error(where_in(spot, entry), f"`{intent}`: link {url} needs a label per language")
                continue
            for language in languages:
                if not labels.get(language):
                    self.error(where_in(spot, entry), f"`{intent}`: link {url} has no label in `{language}`")
            links.append(Link(url, {str(k): str(v) for k, v in labels.items()}))
        return links


def where_in(spot: str, node: object) -> str:
    line = getattr(node, "line", 0)
    return f"{spot.rsplit(':', 1)[0]}:{line}" if line else spot


def _fields(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def read_content(root: Path, flows_dir: Path, today: date | None = None) -> tuple[Content, list[Problem]]:
    """Read everything under `root` (and the flows), returning the content and every problem found."""
    reader = _Reader(root, today or date.today())
    languages, greeting_fallback = reader.languages()
    ui = reader.ui(languages)
    places = reader.places()
    topics = reader.topics()
    answers = reader.answers(languages, places)
    flows, flow_problems = read_flows(flows_dir, languages, set(answers))
    reader.problems += flow_problems
    any_ui = next(iter(ui.values()), {})
    for topic, entries in topics.items():
        if f"topic.{topic}" not in any_ui:
            reader.error(str(root / "menu.yaml"), f"topic `{topic}` has no UI string `topic.{topic}`")
        for entry in entries:
            kind, _, name = entry.rpartition(":")
            if (kind == "flow" and name not in flows) or (kind == "" and name not in answers):
                reader.error(
                    str(root / "menu.yaml"), f"topic `{topic}` leads to `{entry}`, which does not exist"
                )
    urgent, urgent_problems = read_urgent(root / "urgent", languages)
    reader.problems += urgent_problems
    content = Content(
        languages=languages,
        greeting_fallback=greeting_fallback,
        staff_language=reader.staff_language,
        answers=answers,
        ui=ui,
        places=places,
        topics=topics,
        flows=flows,
        office_hours=reader.office_hours(),
        staff=reader.staff(),
        phrases=reader.phrases(languages),
        urgent=urgent,
        plurals=reader.plurals,
        staff_plurals=reader.staff_plurals,
    )
    return content, reader.problems


def load_content(root: Path, flows_dir: Path) -> Content:
    """Content ready to serve; raises ContentError when anything is wrong."""
    content, problems = read_content(root, flows_dir)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        raise ContentError(errors)
    return content
