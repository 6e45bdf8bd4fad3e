"""YAML loading that remembers where each mapping starts, for errors with file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LineDict(dict[str, Any]):
    """A mapping from a YAML file that knows the line it starts on and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LineStr(str):
    """A text from a YAML file that knows its line (1-based); equal to, and hashed as, the plain text."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    return mapping


def _construct_text(loader: _LineLoader, node: yaml.ScalarNode) -> LineStr:
    text = LineStr(loader.construct_scalar(node))
    text.line = node.start_mark.line + 1
    return text


class _TextLineLoader(_LineLoader):
    pass


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_TextLineLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)


class YamlFileError(Exception):
    """A file that is not valid YAML or cannot be read."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


def load_yaml(path: Path, *, text_lines: bool = False) -> Any:
    """The file's data with LineDict mappings; with `text_lines`, its texts are LineStr too."""
    loader = _TextLineLoader if text_lines else _LineLoader
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else 0
        raise YamlFileError(f"{path}:{line}", f"not valid YAML: {error.problem}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise YamlFileError(str(path), f"cannot be read: {error}") from error


def where(path: Path, node: object, key: str | None = None) -> str:
    """`path:line` of a mapping or text read by `load_yaml` (of `key` in it, if given); else the path."""
    line = getattr(node, "key_lines", {}).get(key, 0) if key is not None else getattr(node, "line", 0)
    return f"{path}:{line}" if line else str(path)
