"""The dashboards of the insights page: one SQL query over the summary file and one Vega-Lite spec per chart.

Titles, explanations and axis names come from content/insights.yaml; this module only says what to draw."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.insights.texts import InsightsTexts

SUMMARY_DATABASE = "inzichten"
STAFF_ACTOR = "staff"


@dataclass(frozen=True)
class ChartSpec:
    """What one chart shows: its query, the fields it names (Dutch in content/insights.yaml), how to draw."""

    query: str
    fields: tuple[str, ...]
    library: str = "vega-lite"
    display: dict[str, Any] | None = None


def _per_week(
    mark: Literal["bar", "line"], table: str, series: str, value: str, *, column: str = ""
) -> ChartSpec:
    """One series per `series` over the weeks: stacked `bar`s of a count, or `line`s of a measure
    (weeks without one left out). `column` is the summary column behind `series` when named otherwise."""
    chosen = f"{column} AS [{series}]" if column else series
    if mark == "bar":
        query = f"SELECT week, {chosen}, SUM({value}) AS {value} FROM {table} GROUP BY 1, 2 ORDER BY 1"
        drawn, total = {"type": "bar", "tooltip": True}, {"aggregate": "sum"}
    else:
        query = f"SELECT week, {chosen}, {value} FROM {table} WHERE {value} IS NOT NULL ORDER BY week"
        drawn, total = {"type": "line", "point": True, "tooltip": True}, {}
    display = {
        "mark": drawn,
        "encoding": {
            "x": {"field": "week", "type": "ordinal"},
            "y": {"field": value, "type": "quantitative", **total},
            "color": {"field": series, "type": "nominal"},
        },
    }
    return ChartSpec(query, ("week", series, value), display=display)


def _table(table: str, columns: tuple[str, ...], then: str = "") -> ChartSpec:
    """A table of `columns` (headed by their Dutch names); `then` orders or limits the rows."""
    return ChartSpec(f"SELECT {', '.join(columns)} FROM {table} {then}".rstrip(), columns, library="table")


CHARTS: dict[str, dict[str, ChartSpec]] = {
    "vragen": {
        "per_topic": _per_week("bar", "questions_per_week", "topic", "questions"),
        "per_language": _per_week("bar", "questions_per_week", "language", "questions"),
    },
    "tekort": {
        "unanswered": _table(
            "unanswered_questions",
            ("language", "closest_intent", "reason", "times", "text"),
            "ORDER BY times DESC, language, closest_intent LIMIT 200",
        ),
        "confidence": _per_week("line", "confidence_per_week", "language", "confidence"),
        "outcomes": ChartSpec(
            "SELECT language, outcome, share FROM outcomes_per_language ORDER BY language",
            ("language", "outcome", "share"),
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
        "urgent": _per_week("bar", "urgent_per_week", "category", "messages"),
    },
    "dossiers": {
        "opened": _per_week("bar", "cases_per_week", "when", "cases", column="office_hours"),
        "wait": _per_week("line", "cases_per_week", "when", "wait_minutes", column="office_hours"),
        "close": _per_week("line", "cases_per_week", "when", "close_hours", column="office_hours"),
        "rating": _per_week("line", "cases_per_week", "when", "rating", column="office_hours"),
    },
    "inhoud": {
        "review": _table("content_review", ("subject", "file", "reason")),
    },
}


def _titled(display: dict[str, Any], texts: InsightsTexts) -> dict[str, Any]:
    """The spec with each encoded field titled in Dutch."""
    encoding = {
        channel: {**spec, "title": texts.fields[spec["field"]]}
        for channel, spec in display["encoding"].items()
    }
    return {**display, "encoding": encoding}


def _table_query(spec: ChartSpec, texts: InsightsTexts) -> str:
    """Columns renamed to their Dutch names (a table chart shows column names as headers), and one blank
    row when the table is empty, since the dashboards plugin draws a table only from a first row."""
    rest = spec.query.split(" FROM ", 1)[1]
    table = rest.split()[0]
    renamed = ", ".join(f'{column} AS "{texts.fields[column]}"' for column in spec.fields)
    blank = ", ".join("''" for _ in spec.fields)
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
                    "query": _table_query(spec, texts) if spec.library == "table" else spec.query,
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
            missing += [f"field `{field}`" for field in spec.fields if field not in texts.fields]
    return missing
