"""The Dutch words of the insights page, read from content/insights.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.yaml_lines import YamlFileError, load_yaml, where


class InsightsTextError(Exception):
    """content/insights.yaml misses something the page needs; `where` is the file and line."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


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
        raw = load_yaml(path)
    except YamlFileError as error:
        raise InsightsTextError(error.where, error.reason) from error

    def texts(node: Any, key: str) -> dict[str, Any]:
        value = node.get(key) if isinstance(node, dict) else None
        if not isinstance(value, dict):
            raise InsightsTextError(where(path, node), f"needs `{key}`, a mapping of names to texts")
        return value

    def text(node: Any, key: str) -> str:
        value = node.get(key) if isinstance(node, dict) else None
        if not isinstance(value, str) or not value.strip():
            raise InsightsTextError(where(path, node), f"needs `{key}`, a text")
        return value

    dashboards = {
        str(slug): DashboardText(
            title=text(board, "title"),
            description=text(board, "description"),
            charts={
                str(key): ChartText(text(chart, "title"), text(chart, "explanation"))
                for key, chart in texts(board, "charts").items()
            },
        )
        for slug, board in texts(raw, "dashboards").items()
    }
    return InsightsTexts(
        empty=text(raw, "empty"),
        office_hours=texts(raw, "office_hours"),
        reasons=texts(raw, "reasons"),
        outcomes=texts(raw, "outcomes"),
        fields=texts(raw, "fields"),
        dashboards=dashboards,
    )
