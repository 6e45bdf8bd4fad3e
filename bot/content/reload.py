"""Hot reload: the running assistant serves edited content and flows within seconds, or refuses them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.loader import read_content
from bot.content.model import Content
from bot.content.problems import Problem

log = logging.getLogger(__name__)

Signature = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Reload:
    status: str
    errors: list[Problem] = field(default_factory=list)


class ContentReloader:
    """Checks whether staff changed a file; serves the new content only when it passes the check."""

    def __init__(self, content_dir: Path, flows_dir: Path, serve: Callable[[Content], None]) -> None:
        self.content_dir = content_dir
        self.flows_dir = flows_dir
        self.serve = serve
        self.signature = self._signature()

    def _signature(self) -> Signature:
        files = []
        for folder in (self.content_dir, self.flows_dir):
            for path in sorted(folder.rglob("*")) if folder.exists() else []:
                if path.is_file():
                    stat = path.stat()
                    files.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(files)

    def check(self) -> Reload:
        """Unchanged, reloaded, or refused with its errors (the last good content stays in service)."""
        signature = self._signature()
        if signature == self.signature:
            return Reload("unchanged")
        self.signature = signature
        content, problems = read_content(self.content_dir, self.flows_dir)
        errors = [problem for problem in problems if problem.severity == "error"]
        if errors:
            log.error(
                "content edit refused, still serving the last good content:\n%s", "\n".join(map(str, errors))
            )
            return Reload("refused", errors)
        self.serve(content)
        log.info("content reloaded (%d answers, %d flows)", len(content.answers), len(content.flows))
        return Reload("reloaded")
