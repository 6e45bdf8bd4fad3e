"""Sampling profiles of the running bot with py-spy, summarised for the report."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def py_spy() -> str | None:
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


class PySpy:
    """`py-spy record` attached to a process; raw (collapsed stack) output."""

    def __init__(self, pid: int, out: Path, rate: int = 200) -> None:
        self.pid = pid
        self.out = out
        self.rate = rate
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        binary = py_spy()
        if binary is None:
            return
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.process = await asyncio.create_subprocess_exec(
            binary,
            "record",
            "--pid",
            str(self.pid),
            "--rate",
            str(self.rate),
            "--format",
            "raw",
            "--duration",
            "900",
            "--output",
            str(self.out),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await asyncio.sleep(0.5)

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()


def _frame_name(frame: str) -> str:
    """'handle (bot/core/conversation.py:52)' -> 'handle (bot/core/conversation.py)'."""
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path.removeprefix(str(Path.cwd()) + '/')})"


AREAS = (
    ("bootstrap_external", "imports (failed `import sniffio` in httpcore)"),
    ("<frozen importlib", "imports (failed `import sniffio` in httpcore)"),
    ("_distutils_hack", "imports (failed `import sniffio` in httpcore)"),
    ("(bot/", "bot code (bot/)"),
    ("(telegram/", "python-telegram-bot"),
    ("(httpx/", "HTTP client (httpx, httpcore, h11, anyio)"),
    ("(httpcore/", "HTTP client (httpx, httpcore, h11, anyio)"),
    ("(h11/", "HTTP client (httpx, httpcore, h11, anyio)"),
    ("(anyio/", "HTTP client (httpx, httpcore, h11, anyio)"),
    ("(sqlite_utils/", "SQLite (sqlite-utils)"),
    ("(lingua/", "language detection (lingua)"),
    ("(json/", "JSON"),
    ("(asyncio/", "asyncio event loop and sockets"),
    ("(selectors.py", "asyncio event loop and sockets"),
    ("(apscheduler/", "job queue (APScheduler)"),
)


def area(frame: str) -> str:
    return next((name for marker, name in AREAS if marker in frame), "other")


def summarise(raw: Path, top: int = 15) -> dict[str, Any]:
    """Samples in total, by leaf function (own time) and by function on the stack (inclusive)."""
    if not raw.exists():
        return {"available": False}
    own: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame_name(frame) for frame in stack.split(";")]
        total += count
        own[frames[-1]] += count
        areas[area(frames[-1])] += count
        for frame in set(frames):
            inclusive[frame] += count

    def share(counter: Counter[str]) -> list[dict[str, Any]]:
        return [
            {"function": name, "samples": count, "share": round(count / max(total, 1), 3)}
            for name, count in counter.most_common(top)
        ]

    bot_frames = Counter(
        {name: count for name, count in inclusive.items() if "(bot/" in name and "__main__" not in name}
    )
    return {
        "available": True,
        "samples": total,
        "own_time": share(own),
        "by_area": share(areas),
        "inclusive": share(inclusive),
        "bot_inclusive": share(bot_frames),
    }
