"""What staff should review in the content: due answers, old or weak sources, places without opening hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TextIO

from bot.content.loader import load_content
from bot.content.model import Content
from bot.settings import Settings

DUE_WITHIN = timedelta(days=30)
SOURCE_MAX_AGE = timedelta(days=365)


@dataclass(frozen=True)
class ReviewItem:
    """One thing to look at; `kind` names the staff string that describes it."""

    kind: str
    subject: str
    origin: str
    fields: dict[str, str]


def review_items(content: Content, today: date) -> list[ReviewItem]:
    """Everything due for review on `today`, overdue answers first."""
    items: list[ReviewItem] = []
    for intent, answer in sorted(content.answers.items()):
        if answer.review_by < today:
            items.append(ReviewItem("review.overdue", intent, answer.origin, {"date": str(answer.review_by)}))
        elif answer.review_by <= today + DUE_WITHIN:
            items.append(ReviewItem("review.due", intent, answer.origin, {"date": str(answer.review_by)}))
        for source in answer.sources:
            if source.checked < today - SOURCE_MAX_AGE:
                fields = {"url": source.url, "date": str(source.checked)}
                items.append(ReviewItem("review.old_source", intent, answer.origin, fields))
            if source.from_another_town and source.scope == "mechelen":
                fields = {"url": source.url, "town": source.town}
                items.append(ReviewItem("review.weak_source", intent, answer.origin, fields))
    for key, place in sorted(content.places.items()):
        if not place.hours:
            items.append(ReviewItem("review.no_hours", key, "places.yaml", {"name": place.name}))
    return sorted(items, key=lambda item: item.kind != "review.overdue")


def review_message(content: Content, today: date) -> str:
    """The review list in Dutch, from the review.* sentences in content/staff.yaml."""
    items = review_items(content, today)
    if not items:
        return content.staff_text("review.nothing")
    points = content.staff_count("review.points", len(items))
    lines = [content.staff_text("review.title", points=points)]
    lines += [content.staff_text(item.kind, subject=item.subject, **item.fields) for item in items]
    lines.append(content.staff_text("review.how"))
    return "\n".join(lines)


def print_review(settings: Settings, out: TextIO, today: date | None = None) -> int:
    """`python -m bot content review`: the same list the staff group gets each month."""
    content = load_content(settings.content_dir, settings.flows_dir)
    out.write(review_message(content, today or date.today()) + "\n")
    return 0
