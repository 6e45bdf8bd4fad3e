"""Reads requirements/*.in and *.lock and says what is wrong with a lock, as sentences a developer can act on.

A lock may hold only `name==version` pins from the package registry, each with its hashes. Every pin of
bot.lock must be needed by bot.in (directly or as a dependency of something it needs), and every package
bot.in needs must be pinned at a version bot.in allows. What a package needs is read from the metadata of
the packages installed in this environment, which `make test` installs from the same lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)$")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


@dataclass
class Pin:
    name: str
    version: str
    line: int
    hashes: list[str] = field(default_factory=list)


@dataclass
class Lock:
    pins: dict[str, Pin]
    problems: list[str]


def logical_lines(text: str) -> list[tuple[int, str]]:
    """Joins backslash continuations and drops comments; each line keeps the number where it starts."""
    joined: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1].strip())
            continue
        pending.append(line.strip())
        whole = " ".join(part for part in pending if part)
        pending = []
        if whole:
            joined.append((start, whole))
    return joined


def read_lock(path: Path) -> Lock:
    pins: dict[str, Pin] = {}
    problems: list[str] = []
    for number, line in logical_lines(path.read_text(encoding="utf-8")):
        where = f"{path.name}:{number}"
        requirement, *options = line.split()
        if requirement.startswith("-") or any(mark in line for mark in ("@", "file:", "://", "git+")):
            problems.append(f"{where}: not a registry pin: {line[:80]}")
            continue
        match = PIN.match(requirement)
        if match is None:
            problems.append(f"{where}: not pinned with ==: {requirement}")
            continue
        hashes = [option for option in options if HASH.fullmatch(option)]
        if len(hashes) != len(options):
            problems.append(f"{where}: unexpected option on {requirement}")
        if not hashes:
            problems.append(f"{where}: {requirement} has no --hash")
        name = canonicalize_name(match["name"])
        if name in pins:
            problems.append(f"{where}: {name} is pinned twice")
        pins[name] = Pin(name, match["version"], number, hashes)
    return Lock(pins, problems)


def read_requirements(path: Path) -> list[Requirement]:
    return [Requirement(line) for _, line in logical_lines(path.read_text(encoding="utf-8"))]


def needed_by(direct: list[Requirement]) -> dict[str, set[str]]:
    """Every package the direct requirements need in this environment, with the extras asked of it."""
    needed: dict[str, set[str]] = {}
    queue = [requirement for requirement in direct if applies(requirement, {""})]
    while queue:
        requirement = queue.pop()
        name = canonicalize_name(requirement.name)
        known = needed.get(name)
        if known is not None and set(requirement.extras) <= known:
            continue
        extras = needed[name] = (known or set()) | set(requirement.extras)
        try:
            declared = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        dependencies = (Requirement(text) for text in declared)
        queue.extend(dependency for dependency in dependencies if applies(dependency, {""} | extras))
    return needed


def applies(requirement: Requirement, extras: set[str]) -> bool:
    marker = requirement.marker
    return marker is None or any(marker.evaluate({"extra": extra}) for extra in extras)


def bot_lock_problems(requirements_in: Path, lock_path: Path) -> list[str]:
    lock = read_lock(lock_path)
    problems = list(lock.problems)
    direct = read_requirements(requirements_in)
    for requirement in direct:
        pin = lock.pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirements_in.name} asks for {requirement.name}, {lock_path.name} lacks it")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            problems.append(
                f"{requirements_in.name} asks for {requirement}, {lock_path.name} pins {pin.version}"
            )
    needed = needed_by(direct)
    for name, pin in sorted(lock.pins.items()):
        if name not in needed:
            problems.append(f"{lock_path.name}:{pin.line}: {name} is not needed by {requirements_in.name}")
    for name in sorted(set(needed) - set(lock.pins)):
        problems.append(f"{name} is needed by {requirements_in.name} but {lock_path.name} does not pin it")
    return problems


def pinned_lock_problems(requirements_in: Path, lock_path: Path) -> list[str]:
    """For a hand-pinned .in (rasa.in): the lock must pin exactly the same versions, with hashes."""
    lock = read_lock(lock_path)
    problems = list(lock.problems)
    wanted = {}
    for requirement in read_requirements(requirements_in):
        versions = [spec.version for spec in requirement.specifier if spec.operator == "=="]
        wanted[canonicalize_name(requirement.name)] = versions[0] if versions else ""
    for name, version in sorted(wanted.items()):
        pin = lock.pins.get(name)
        if pin is None or pin.version != version:
            found = pin.version if pin else "nothing"
            problems.append(f"{requirements_in.name} pins {name}=={version}, {lock_path.name} has {found}")
    for name in sorted(set(lock.pins) - set(wanted)):
        problems.append(f"{lock_path.name}:{lock.pins[name].line}: {name} is not in {requirements_in.name}")
    return problems
