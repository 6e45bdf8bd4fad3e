"""`make nlu-report`, second half: what residents would see, for the held-out split and the field set,
per language, and the curve of answered right against answered wrong as the answer threshold moves."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

from bot.core.answer_choice import Thresholds
from bot.nlu.client import RasaNlu
from bot.nlu.evaluation import Example
from bot.nlu.rasa_server import RasaServer, free_port
from bot.nlu.resident_view import Outcome, Ranked, curve, out_of_scope_declined, rank, shares

STEPS = [round(0.20 + 0.05 * step, 2) for step in range(15)]  # 0.20 ... 0.90


def rank_with_server(
    model: Path, rasa_venv: Path, sets: dict[str, list[Example]], out: Path
) -> dict[str, list[Ranked]]:
    """Each set's questions ranked by the model, served once for all of them."""
    server = RasaServer(model, rasa_venv, free_port(), out / "rasa.log")
    server.start(180)

    async def all_sets() -> dict[str, list[Ranked]]:
        nlu = RasaNlu(server.url, timeout_seconds=30)
        try:
            return {name: await rank(nlu, examples) for name, examples in sets.items()}
        finally:
            await nlu.close()

    try:
        return asyncio.run(all_sets())
    finally:
        server.stop()


def outcome_table(
    title: str, table: dict[str, dict[Outcome, float]], declined: dict[str, float]
) -> list[str]:
    lines = [
        f"## {title}",
        "",
        "| language | " + " | ".join(kind.value for kind in Outcome) + " | out of scope declined |",
    ]
    lines.append("| --- " * (len(Outcome) + 2) + "|")
    for language, share in table.items():
        cells = " | ".join(f"{share[kind]:.0%}" for kind in Outcome)
        oos = f"{declined[language]:.0%}" if language in declined else "-"
        lines.append(f"| {language} | {cells} | {oos} |")
    return [*lines, ""]


def plot_curves(
    curves: dict[str, dict[str, list[tuple[float, float, float]]]], current: float, path: Path
) -> None:
    """One panel per set: answered right (solid) and answered wrong (dashed) per language."""
    figure, axes = plt.subplots(1, len(curves), figsize=(6 * len(curves), 4.5), squeeze=False)
    for axis, (name, per_language) in zip(axes[0], curves.items(), strict=True):
        for language, points in per_language.items():
            steps = [point[0] for point in points]
            (line,) = axis.plot(steps, [point[1] for point in points], label=f"{language} right")
            axis.plot(steps, [point[2] for point in points], linestyle="--", color=line.get_color())
        axis.axvline(current, color="grey", linewidth=0.8)
        axis.set_title(f"{name}: answered right (solid) and wrong (dashed)")
        axis.set_xlabel("answer threshold")
        axis.set_ylabel("share of questions")
        axis.set_ylim(0, 1)
        axis.legend(fontsize="small", ncol=2)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def resident_report(
    ranked: dict[str, list[Ranked]], answerable: Collection[str], thresholds: Thresholds, out: Path
) -> tuple[list[str], dict[str, object]]:
    """Markdown lines and the figures as data, and the curve plot in `out`."""
    lines: list[str] = []
    data: dict[str, object] = {}
    curves = {}
    for name, items in ranked.items():
        table = shares(items, answerable, thresholds)
        declined = out_of_scope_declined(items, answerable, thresholds)
        lines += outcome_table(f"What residents would see: {name}", table, declined)
        curves[name] = curve(items, answerable, thresholds, STEPS)
        data[name] = {
            "outcomes": {
                language: {kind.name: value for kind, value in share.items()}
                for language, share in table.items()
            },
            "out_of_scope_declined": declined,
            "curve": curves[name],
        }
    plot_curves(curves, thresholds.answer, out / "threshold-curve.png")
    lines += ["![answered right and wrong against the answer threshold](threshold-curve.png)", ""]
    (out / "resident-view.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return lines, data
