"""Guided flows: buttons and branches, kept as data in flows/, that end in an answer or a person."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.problems import Problem
from bot.content.yaml_lines import YamlFileError, load_yaml, where

TARGET = re.compile(r"^(answer|step|flow):[a-z0-9_]+$|^handoff$")


@dataclass(frozen=True)
class Option:
    labels: dict[str, str]
    target: str


@dataclass(frozen=True)
class Step:
    key: str
    texts: dict[str, str]
    options: tuple[Option, ...]
    origin: str


@dataclass(frozen=True)
class Flow:
    key: str
    start: str
    starts_on: tuple[str, ...]
    steps: dict[str, Step]
    origin: str


def read_flows(
    flows_dir: Path, languages: tuple[str, ...], intents: set[str]
) -> tuple[dict[str, Flow], list[Problem]]:
    """Every flow in flows/*.yaml, and every problem: missing texts, broken references."""
    flows: dict[str, Flow] = {}
    problems: list[Problem] = []
    for path in sorted(flows_dir.glob("*.yaml")) if flows_dir.exists() else []:
        try:
            raw = load_yaml(path)
        except YamlFileError as error:
            problems.append(Problem(error.where, error.reason))
            continue
        flow = _flow(path, raw, languages, problems)
        if flow is not None:
            flows[flow.key] = flow
    for flow in flows.values():
        _check_references(flow, flows, intents, problems)
    return flows, problems


def _flow(path: Path, raw: Any, languages: tuple[str, ...], problems: list[Problem]) -> Flow | None:
    spot = where(path, raw)
    if not isinstance(raw, dict) or not isinstance(raw.get("steps"), dict) or "start" not in raw:
        problems.append(Problem(spot, "a flow needs `start` and `steps`"))
        return None
    steps = {}
    for key, step in raw["steps"].items():
        step_spot = where(path, step)
        if not isinstance(step, dict) or not isinstance(step.get("text"), dict):
            problems.append(Problem(step_spot, f"step `{key}` needs `text` per language"))
            continue
        for language in languages:
            if not step["text"].get(language):
                problems.append(Problem(step_spot, f"step `{key}` has no text in `{language}`"))
        options = []
        for option in step.get("options") or []:
            option_spot = where(path, option)
            if not isinstance(option, dict) or not isinstance(option.get("label"), dict):
                problems.append(Problem(option_spot, f"step `{key}`: each option needs `label` and `next`"))
                continue
            target = str(option.get("next", ""))
            if not TARGET.match(target):
                problems.append(
                    Problem(
                        option_spot,
                        f"step `{key}`: `next: {target}` must be answer:…, step:…, flow:… or handoff",
                    )
                )
            for language in languages:
                if not option["label"].get(language):
                    problems.append(
                        Problem(option_spot, f"step `{key}`: an option has no label in `{language}`")
                    )
            options.append(Option({str(k): str(v) for k, v in option["label"].items()}, target))
        steps[str(key)] = Step(
            str(key), {str(k): str(v).strip() for k, v in step["text"].items()}, tuple(options), step_spot
        )
    return Flow(path.stem, str(raw["start"]), tuple(raw.get("starts_on") or ()), steps, spot)


def _check_references(flow: Flow, flows: dict[str, Flow], intents: set[str], problems: list[Problem]) -> None:
    if flow.start not in flow.steps:
        problems.append(Problem(flow.origin, f"flow `{flow.key}` starts at unknown step `{flow.start}`"))
    for intent in flow.starts_on:
        if intent not in intents:
            problems.append(Problem(flow.origin, f"flow `{flow.key}` starts on unknown intent `{intent}`"))
    for step in flow.steps.values():
        for option in step.options:
            kind, _, name = option.target.partition(":")
            broken = (
                (kind == "answer" and name not in intents)
                or (kind == "step" and name not in flow.steps)
                or (kind == "flow" and name not in flows)
            )
            if broken:
                problems.append(Problem(step.origin, f"step `{step.key}` leads to unknown `{option.target}`"))
