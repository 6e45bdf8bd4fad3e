"""Processes under test: ports, memory and CPU time (psutil), the Rasa server and the bot as children."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from bot.nlu.rasa_server import RasaServer, rasa_environment
from bot.settings import PROJECT_ROOT


def _family(pid: int) -> list[psutil.Process]:
    """The process and every descendant still running."""
    try:
        process = psutil.Process(pid)
        return [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def children(pid: int) -> list[int]:
    """Every descendant of `pid`."""
    return [process.pid for process in _family(pid)[1:]]


def _peak_kib(process: psutil.Process) -> int:
    """The peak resident memory (VmHWM): psutil does not report it, /proc does."""
    try:
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def memory_mb(pid: int) -> dict[str, float]:
    """Resident memory now and at its peak of a process and its children, in MB."""
    rss = peak = 0
    for process in _family(pid):
        with contextlib.suppress(psutil.NoSuchProcess):
            rss += process.memory_info().rss // 1024
            peak += _peak_kib(process)
    return {"rss_mb": round(rss / 1024, 1), "peak_rss_mb": round(peak / 1024, 1)}


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time used so far by a process and its children."""
    total = 0.0
    for process in _family(pid):
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def pid_listening_on(port: int) -> int | None:
    """The process with a TCP socket listening on `port` (for a server started elsewhere)."""
    for connection in psutil.net_connections(kind="tcp"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr and connection.laddr.port == port:
            return connection.pid
    return None


class RssSampler:
    """Samples a process's resident memory in the background while a benchmark runs."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid = pid
        self.interval = interval
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            self.samples.append(memory_mb(self.pid)["rss_mb"])
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> dict[str, Any]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        now = memory_mb(self.pid)
        samples = self.samples or [now["rss_mb"]]
        return {
            "rss_mb": now["rss_mb"],
            "peak_rss_mb": max(now["peak_rss_mb"], *samples),
            "mean_rss_mb": round(sum(samples) / len(samples), 1),
        }


TRAINING_TIMEOUT_SECONDS = 1800


def rasa_train(rasa_venv: Path, arguments: list[str], cwd: Path, cache: Path) -> None:
    """`rasa train <arguments>` to the end, with its training cache in `cache` (an empty one: a first
    training) and its output in train.log in `cwd`."""
    with (cwd / "train.log").open("wb") as log:
        subprocess.run(
            [str(rasa_venv / "bin" / "rasa"), "train", *arguments],
            check=True,
            env={**rasa_environment(), "RASA_CACHE_DIRECTORY": str(cache)},
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=TRAINING_TIMEOUT_SECONDS,
        )


class MeasuredRasaServer(RasaServer):
    """The project's Rasa server process, with its process id for memory measurements."""

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None


class BotProcess:
    """`python -m bot run` against the Bot API emulator, as in production but on 127.0.0.1."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.log_file = workdir / "bot.log"
        self.process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        # The working directory holds no .env, so only the settings given here apply.
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **self.env}
        with self.log_file.open("ab") as output:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=self.workdir,
                env=env,
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def stop(self, timeout: float = 20.0) -> int | None:  # noqa: ASYNC109
        """Stop as Ctrl-C would (run_polling shuts down cleanly on SIGINT); kill when stuck."""
        if self.process is None or self.process.returncode is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGINT)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            return await self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])


async def wait_until(predicate: Any, timeout: float, interval: float = 0.1) -> bool:  # noqa: ASYNC109
    """Poll `predicate()` until it holds or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(interval)
    return bool(predicate())


class LoopLag:
    """How late this process's event loop wakes a task that asked to sleep 10 ms (its own load)."""

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.lags.append(time.perf_counter() - started - self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> list[float]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        return self.lags


class StallWatch:
    """Stalls of the machine itself: a thread that only sleeps 5 ms at a time, and how late it wakes.

    The thread does no work, so a late wake-up means every process was held up (a busy or paused
    virtual machine), not the bot or the load generator."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.late: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-watch", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            time.sleep(self.interval)
            self.late.append(time.perf_counter() - started - self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> float:
        """The longest stall seen, in seconds."""
        self._stop.set()
        self._thread.join()
        return max(self.late, default=0.0)
