"""The Dutch words of the insights page, read from content/insights.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


class InsightsTextError(Exception):
    """content/insights.yaml misses something the page needs."""


@dataclass(frozen=True)
class ChartText:
    title: str
    explanation: str


@dataclass(frozen=True)
class DashboardText:
    title: str
    description: str
    charts: dict[str, ChartText]


@dataclass(frozen=True)
class InsightsTexts:
    empty: str
    office_hours: dict[str, str]
    reasons: dict[str, str]
    outcomes: dict[str, str]
    fields: dict[str, str]
    dashboards: dict[str, DashboardText]


def load_insights_texts(content_dir: Path) -> InsightsTexts:
    path = content_dir / "insights.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InsightsTextError(f"{path}: {error}") from error
    try:
        dashboards = {
            slug: DashboardText(
                title=board["title"],
                description=board["description"],
                charts={key: ChartText(**chart) for key, chart in board["charts"].items()},
            )
            for slug, board in raw["dashboards"].items()
        }
        return InsightsTexts(
            empty=raw["empty"],
            office_hours=dict(raw["office_hours"]),
            reasons=dict(raw["reasons"]),
            outcomes=dict(raw["outcomes"]),
            fields=dict(raw["fields"]),
            dashboards=dashboards,
        )
    except (KeyError, TypeError) as error:
        raise InsightsTextError(f"{path}: missing or malformed {error}") from error
