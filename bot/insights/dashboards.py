"""The dashboards of the insights page: one SQL query over the summary file and one Vega-Lite spec per chart.

Titles, explanations and axis names come from content/insights.yaml; this module only says what to draw."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.insights.texts import InsightsTexts

SUMMARY_DATABASE = "inzichten"
STAFF_ACTOR = "staff"


@dataclass(frozen=True)
class ChartSpec:
    query: str
    library: str = "vega-lite"
    display: dict[str, Any] | None = None


def _bar_per_week(colour: str, value: str) -> dict[str, Any]:
    return {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "week", "type": "ordinal"},
            "y": {"field": value, "type": "quantitative", "aggregate": "sum"},
            "color": {"field": colour, "type": "nominal"},
        },
    }


def _line_per_week(colour: str, value: str) -> dict[str, Any]:
    return {
        "mark": {"type": "line", "point": True, "tooltip": True},
        "encoding": {
            "x": {"field": "week", "type": "ordinal"},
            "y": {"field": value, "type": "quantitative"},
            "color": {"field": colour, "type": "nominal"},
        },
    }


CHARTS: dict[str, dict[str, ChartSpec]] = {
    "vragen": {
        "per_topic": ChartSpec(
            "SELECT week, topic, SUM(questions) AS questions FROM questions_per_week "
            "GROUP BY 1, 2 ORDER BY 1",
            display=_bar_per_week("topic", "questions"),
        ),
        "per_language": ChartSpec(
            "SELECT week, language, SUM(questions) AS questions FROM questions_per_week "
            "GROUP BY 1, 2 ORDER BY 1",
            display=_bar_per_week("language", "questions"),
        ),
    },
    "tekort": {
        "unanswered": ChartSpec(
            "SELECT language, closest_intent, reason, times, text FROM unanswered_questions "
            "ORDER BY times DESC, language, closest_intent LIMIT 200",
            library="table",
        ),
        "confidence": ChartSpec(
            "SELECT week, language, confidence FROM confidence_per_week ORDER BY week",
            display=_line_per_week("language", "confidence"),
        ),
        "outcomes": ChartSpec(
            "SELECT language, outcome, share FROM outcomes_per_language ORDER BY language",
            display={
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "y": {"field": "language", "type": "nominal"},
                    "x": {"field": "share", "type": "quantitative", "axis": {"format": "%"}},
                    "color": {"field": "outcome", "type": "nominal"},
                },
            },
        ),
    },
    "dringend": {
        "urgent": ChartSpec(
            "SELECT week, category, messages FROM urgent_per_week ORDER BY week",
            display=_bar_per_week("category", "messages"),
        ),
    },
    "dossiers": {
        "opened": ChartSpec(
            "SELECT week, office_hours AS [when], cases FROM cases_per_week ORDER BY week",
            display=_bar_per_week("when", "cases"),
        ),
        "wait": ChartSpec(
            "SELECT week, office_hours AS [when], wait_minutes FROM cases_per_week "
            "WHERE wait_minutes IS NOT NULL ORDER BY week",
            display=_line_per_week("when", "wait_minutes"),
        ),
        "close": ChartSpec(
            "SELECT week, office_hours AS [when], close_hours FROM cases_per_week "
            "WHERE close_hours IS NOT NULL ORDER BY week",
            display=_line_per_week("when", "close_hours"),
        ),
        "rating": ChartSpec(
            "SELECT week, office_hours AS [when], rating FROM cases_per_week "
            "WHERE rating IS NOT NULL ORDER BY week",
            display=_line_per_week("when", "rating"),
        ),
    },
    "inhoud": {
        "review": ChartSpec(
            "SELECT subject, file, reason FROM content_review",
            library="table",
        ),
    },
}


def _titled(display: dict[str, Any], texts: InsightsTexts) -> dict[str, Any]:
    """The spec with each encoded field titled in Dutch."""
    encoding = {
        channel: {**spec, "title": texts.fields[spec["field"]]}
        for channel, spec in display["encoding"].items()
    }
    return {**display, "encoding": encoding}


def _table_query(query: str, texts: InsightsTexts) -> str:
    """Columns renamed to their Dutch names (a table chart shows column names as headers), and one blank
    row when the table is empty, since the dashboards plugin draws a table only from a first row."""
    columns = query.split("SELECT ", 1)[1].split(" FROM ", 1)[0].split(", ")
    rest = query.split(" FROM ", 1)[1]
    table = rest.split()[0]
    renamed = ", ".join(f'{column} AS "{texts.fields[column]}"' for column in columns)
    blank = ", ".join("''" for _ in columns)
    return (
        f"SELECT * FROM (SELECT {renamed} FROM {rest}) "
        f"UNION ALL SELECT {blank} WHERE NOT EXISTS (SELECT 1 FROM {table})"
    )


def dashboards_config(texts: InsightsTexts, empty: bool) -> dict[str, Any]:
    """The datasette-dashboards configuration; `empty` adds the sentence that explains empty charts."""
    config: dict[str, Any] = {}
    for slug, charts in CHARTS.items():
        board = texts.dashboards[slug]
        config[slug] = {
            "title": board.title,
            "description": f"{board.description} {texts.empty}" if empty else board.description,
            "layout": [[key] for key in charts],
            "charts": {
                key: {
                    "title": f"{board.charts[key].title}: {board.charts[key].explanation}",
                    "db": SUMMARY_DATABASE,
                    "query": _table_query(spec.query, texts) if spec.library == "table" else spec.query,
                    "library": spec.library,
                    **({"display": _titled(spec.display, texts)} if spec.display else {}),
                }
                for key, spec in charts.items()
            },
        }
    return config


PASSWORD_HASH_VARIABLE = "INSIGHTS_PASSWORD_HASH"


def site_metadata(texts: InsightsTexts, empty: bool) -> dict[str, Any]:
    """Datasette metadata: everything needs the staff login; SQL runs only on the summary file.

    The password hash is named, not copied: Datasette shows its metadata at /-/metadata.json and reads
    `$env` values only when the plugin asks for its configuration."""
    staff = {"id": STAFF_ACTOR}
    return {
        "title": "Welkom",
        "allow": staff,
        "allow_sql": False,
        "databases": {SUMMARY_DATABASE: {"allow": staff, "allow_sql": staff}},
        "plugins": {
            "datasette-auth-passwords": {f"{STAFF_ACTOR}_password_hash": {"$env": PASSWORD_HASH_VARIABLE}},
            "datasette-dashboards": dashboards_config(texts, empty),
        },
    }


def missing_texts(texts: InsightsTexts) -> list[str]:
    """What content/insights.yaml lacks for the dashboards above (for `content check`)."""
    missing = []
    for slug, charts in CHARTS.items():
        board = texts.dashboards.get(slug)
        if board is None:
            missing.append(f"dashboard `{slug}`")
            continue
        missing += [f"chart `{slug}.{key}`" for key in charts if key not in board.charts]
        for spec in charts.values():
            used = [encoded["field"] for encoded in (spec.display or {}).get("encoding", {}).values()]
            if spec.library == "table":
                used = spec.query.split("SELECT ", 1)[1].split(" FROM ", 1)[0].split(", ")
            missing += [f"field `{field}`" for field in used if field not in texts.fields]
    return missing
